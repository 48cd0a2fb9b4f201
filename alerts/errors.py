"""Errors raised by the ``alerts`` package.

LeakwatchError (crawler.core.errors)
└── AlertError                  base of every alert error
    ├── ChannelUnavailable      a channel cannot be used as configured (unknown, disabled,
    │                           optional dependency missing, URL rejected)
    └── DeliveryFailed          one send did not succeed
        ├── TransientDeliveryError   worth retrying: timeout, connection error, 5xx, 408
        │   └── RateLimited          429 (or 503) with the delay the receiver asked for
        └── PermanentDeliveryError   retrying cannot help: other 4xx, malformed answer

Messages never contain a channel's URL, token or signing secret, only its name.
"""

from __future__ import annotations

from crawler.core.errors import LeakwatchError


class AlertError(LeakwatchError):
    """Base class of the errors raised by alert routing and delivery."""


class ChannelUnavailable(AlertError):
    """The channel is unknown, disabled, or cannot be built (missing extra, bad URL)."""


class DeliveryFailed(AlertError):
    """A send failed; ``str(error)`` is safe to store and show (no secrets)."""


class TransientDeliveryError(DeliveryFailed):
    """The receiver may accept the message later: retry with backoff."""

    def __init__(self, message: str, retry_after: float | None = None) -> None:
        super().__init__(message)
        #: Seconds the receiver asked us to wait (``Retry-After``), if it said.
        self.retry_after = retry_after


class RateLimited(TransientDeliveryError):
    """The receiver throttled us; wait ``retry_after`` seconds before the next attempt."""


class PermanentDeliveryError(DeliveryFailed):
    """The receiver rejected the message for good: dead-letter it with this error."""

    def __init__(self, message: str, status: int | None = None) -> None:
        super().__init__(message)
        #: The receiver's HTTP status, when it answered one.
        self.status = status
