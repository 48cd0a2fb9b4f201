"""Errors raised by the ``crawler`` package.

LeakwatchError
├── ConfigError          the configuration file or environment is invalid (CLI exit code 2)
├── WatchlistError       a watchlist file cannot be read
└── InvalidFilter        a list filter (date, score, choice) cannot be used (CLI exit code 2)
"""


class LeakwatchError(Exception):
    """Base class of every error leakwatch raises on purpose."""


class ConfigError(LeakwatchError):
    """The configuration is invalid; the message names the key and the problem."""


class WatchlistError(LeakwatchError):
    """A watchlist file is missing or malformed."""


class InvalidFilter(LeakwatchError):
    """A list filter given as text cannot be used; the message names the parameter."""
