"""leakwatch: spot French health data sale posts on forums, pastes, Telegram and leak sites."""

__version__ = "0.1.0"
