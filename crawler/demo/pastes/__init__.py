"""The demo paste archive and Pastebin scraping API."""
