"""leakwatch: spot French health data sale posts on forums, pastes, Telegram and leak sites."""

from crawler.core.version import __version__

__all__ = ["__version__"]
