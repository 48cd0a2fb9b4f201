"""The feed family: RSS/Atom, ransomwatch posts.json and ransomware.live, parsers and options."""
