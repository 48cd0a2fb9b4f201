"""Errors raised by the ``db`` package's queries and account functions.

LeakwatchError (crawler.core.errors)
└── StorageError         a query or write was given something it cannot use
    ├── InvalidCursor    a pagination cursor that this code did not produce
    ├── NotFound         the requested row does not exist
    ├── AccountError     a user or token cannot be created as asked
    └── TriageError      a triage change that is not allowed (unknown status, no exclusion scope)
"""

from crawler.core.errors import LeakwatchError


class StorageError(LeakwatchError):
    """Base class of the errors raised by ``db``."""


class InvalidCursor(StorageError):
    """A pagination cursor is malformed or was tampered with."""


class NotFound(StorageError):
    """The requested row (hit, entity, incident, user) does not exist."""


class AccountError(StorageError):
    """A user or API token cannot be created: duplicate name, unknown role, empty password."""


class TriageError(StorageError):
    """A triage change is not allowed: unknown status, or an exclusion without a scope."""
