"""Errors raised by the ``crawler`` package.

LeakwatchError
├── ConfigError          the configuration file or environment is invalid (CLI exit code 2)
├── SourceError          a source cannot be crawled as configured
│   ├── SourceBroken     a page answered 200 but the parser found nothing (markup changed)
│   └── SourceBlocked    login wall, ban, captcha or anti-bot interstitial
├── WatchlistError       a watchlist file cannot be read
└── InvalidFilter        a list filter (date, score, choice) cannot be used (CLI exit code 2)
"""


class LeakwatchError(Exception):
    """Base class of every error leakwatch raises on purpose."""


class ConfigError(LeakwatchError):
    """The configuration is invalid; the message names the key and the problem."""


class SourceError(LeakwatchError):
    """A source cannot be crawled as configured."""


class SourceBroken(SourceError):
    """A page answered 200 but the parser found no items: the site's markup probably changed."""


class SourceBlocked(SourceError):
    """The site answered with a login wall, a ban, a captcha or an anti-bot interstitial."""


class WatchlistError(LeakwatchError):
    """A watchlist file is missing or malformed."""


class InvalidFilter(LeakwatchError):
    """A list filter given as text cannot be used; the message names the parameter."""
