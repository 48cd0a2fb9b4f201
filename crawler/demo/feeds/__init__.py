"""The demo feeds (RSS and ransomware victim lists)."""
