"""The paste family: paste archives and the Pastebin scraping API, parsers, state and options."""
