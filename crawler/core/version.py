"""The version of leakwatch, shown by the CLI and the web UI and sent in User-Agent headers."""

__version__ = "0.1.0"
