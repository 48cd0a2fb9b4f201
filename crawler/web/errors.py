"""Errors raised by the web UI and API, turned into responses by ``crawler.web.app``.

LeakwatchError (crawler.core.errors)
└── WebError
    ├── LoginRequired    no valid session or token: pages redirect to /login, the API says 401
    ├── Forbidden        logged in but not allowed (journalist triaging, bad CSRF token): 403
    └── BadRequest       a parameter that cannot be used (bad format, bad scope): 400
"""

from crawler.core.errors import LeakwatchError


class WebError(LeakwatchError):
    """Base class of the web errors."""


class LoginRequired(WebError):
    """The request has no valid session or API token; the message is the path asked for."""


class Forbidden(WebError):
    """The user may not do this (read-only role, missing or wrong CSRF token)."""


class BadRequest(WebError):
    """A query parameter or form field cannot be used; the message says which and why."""
