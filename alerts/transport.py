"""What every channel sender shares: the message handed to it, the ``Sender`` interface, the
HTTP client and the mapping of answers to delivery errors.

A sender turns one :class:`OutgoingMessage` into one request and either returns a
:class:`SendResult` or raises a :class:`~alerts.errors.DeliveryFailed` subclass:

- 2xx: delivered;
- 429, or 503 with ``Retry-After``: :class:`~alerts.errors.RateLimited` (wait as asked);
- 408, 425, other 5xx, timeouts and connection errors: transient (retry with backoff);
- any other status (3xx, 4xx): permanent (dead-lettered with the error).

Senders are given their ``httpx.Client`` (:func:`http_client` makes one with explicit timeouts)
and never log or raise anything containing a URL, token or signing secret. Each send has a total
deadline too (the channel's ``send_timeout_seconds``, :mod:`alerts.deadline`): a receiver that
answers slowly, byte by byte, fails the send as a timeout instead of holding it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any, Protocol
from urllib.parse import parse_qsl, urlsplit

import httpx

from alerts.deadline import DeadlineTransport, deadline_passed, send_deadline
from alerts.errors import PermanentDeliveryError, RateLimited, TransientDeliveryError
from crawler.core.version import __version__

#: Connect within 5 s, and no read, write or pool wait longer than 10 s.
DEFAULT_TIMEOUT = httpx.Timeout(10.0, connect=5.0)
USER_AGENT = f"leakwatch/{__version__} (+alerts)"
_TRANSIENT_STATUSES = frozenset({408, 425, 500, 502, 503, 504})
MAX_ERROR_BODY = 200
#: Loggers of libraries that log whole service URLs (Apprise plugins, urllib3 under them).
URL_LOGGING_LIBRARIES = ("apprise", "urllib3.connectionpool")
#: Shorter URL parts are not treated as secrets (too likely to be ordinary words).
MIN_SECRET_FRAGMENT = 6


@dataclass(frozen=True)
class OutgoingMessage:
    """One outbox message as a sender sees it."""

    channel: str
    kind: str
    idempotency_key: str
    payload: dict[str, Any]
    #: Slack bot mode: the incident's thread, when this message is a follow-up.
    thread_ts: str | None = None


@dataclass(frozen=True)
class SendResult:
    """What a successful send tells the deliverer."""

    #: Slack bot mode: the ``ts`` of the message posted (starts the incident's thread).
    thread_ts: str | None = None


class Sender(Protocol):
    """One configured channel: sends a message or raises a ``DeliveryFailed`` subclass."""

    def send(self, message: OutgoingMessage) -> SendResult:
        """Deliver ``message``; raise Transient/Permanent/RateLimited errors on failure."""
        ...


def http_client(timeout: httpx.Timeout = DEFAULT_TIMEOUT) -> httpx.Client:
    """A client for senders: explicit timeouts, no redirects, leakwatch User-Agent.

    Also makes sure httpx's request log never shows a channel URL's path or query (where
    Slack and webhook secrets live): see :class:`UrlPathFilter`.
    """
    install_url_filter()
    return httpx.Client(
        timeout=timeout,
        follow_redirects=False,
        headers={"User-Agent": USER_AGENT},
        transport=DeadlineTransport(),
    )


def post(
    client: httpx.Client,
    url: str,
    *,
    content: bytes,
    headers: dict[str, str],
    secrets: tuple[str, ...] = (),
    deadline_seconds: float | None = None,
) -> httpx.Response:
    """POST ``content``, answer read in full within ``deadline_seconds`` (with a client from
    :func:`http_client`); transport failures become :class:`TransientDeliveryError`.

    ``secrets`` are scrubbed from any error text (the URL itself always is).
    """
    try:
        if deadline_seconds is None:
            return client.post(url, content=content, headers=headers)
        with send_deadline(deadline_seconds):
            try:
                return client.post(url, content=content, headers=headers)
            except httpx.TimeoutException:
                if deadline_passed():
                    raise TransientDeliveryError(
                        f"timeout: no complete answer within the {deadline_seconds:g}s send"
                        " deadline"
                    ) from None
                raise
    except httpx.TimeoutException as exc:
        raise TransientDeliveryError(f"timeout: {scrub(str(exc), (url, *secrets))}") from None
    except httpx.TransportError as exc:
        detail = scrub(str(exc) or type(exc).__name__, (url, *secrets))
        raise TransientDeliveryError(f"{type(exc).__name__}: {detail}") from None


def check_response(response: httpx.Response, now: datetime | None = None) -> None:
    """Raise the delivery error matching a non-2xx answer (see the module docstring)."""
    status = response.status_code
    if 200 <= status < 300:
        return
    body = " ".join(response.text[:MAX_ERROR_BODY].split())
    message = f"HTTP {status}" + (f": {body}" if body else "")
    retry_after = retry_after_seconds(response.headers.get("Retry-After"), now)
    if status == 429 or (status == 503 and retry_after is not None):
        raise RateLimited(message, retry_after)
    if status in _TRANSIENT_STATUSES or status >= 500:
        raise TransientDeliveryError(message, retry_after)
    raise PermanentDeliveryError(message, status)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (seconds or HTTP date), or None."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


def scrub(text: str, secrets: tuple[str, ...]) -> str:
    """``text`` with every non-empty secret replaced by ``<secret>``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "<secret>")
    return text


class UrlPathFilter(logging.Filter):
    """Rewrites httpx's ``HTTP Request: POST <url> …`` records to show only scheme and host."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, with any ``httpx.URL`` argument cut down to its origin."""
        if isinstance(record.args, tuple) and any(
            isinstance(arg, httpx.URL) for arg in record.args
        ):
            record.args = tuple(
                f"{arg.scheme}://{arg.host}/…" if isinstance(arg, httpx.URL) else arg
                for arg in record.args
            )
        return True


def install_url_filter() -> None:
    """Attach :class:`UrlPathFilter` to the ``httpx`` logger once."""
    logger = logging.getLogger("httpx")
    if not any(isinstance(existing, UrlPathFilter) for existing in logger.filters):
        logger.addFilter(UrlPathFilter())


class SecretFilter(logging.Filter):
    """Replaces registered secrets in every record of the logger it is attached to."""

    def __init__(self) -> None:
        super().__init__()
        self.secrets: set[str] = set()

    def filter(self, record: logging.LogRecord) -> bool:
        """Keep the record, its message scrubbed of every registered secret."""
        if self.secrets:
            message = record.getMessage()
            cleaned = scrub(message, tuple(sorted(self.secrets, key=len, reverse=True)))
            if cleaned != message:
                record.msg, record.args = cleaned, ()
        return True


def protect_url(url: str) -> None:
    """Keep ``url`` and its secret-looking parts out of the logs of :data:`URL_LOGGING_LIBRARIES`.

    Apprise and urllib3 log service URLs (at DEBUG, and in some plugins' warnings); a
    :class:`SecretFilter` on their loggers masks the URL, its credentials, host-as-token, path
    segments and query values.
    """
    fragments = secret_fragments(url)
    for name in URL_LOGGING_LIBRARIES:
        logger = logging.getLogger(name)
        found = [f for f in logger.filters if isinstance(f, SecretFilter)]
        secret_filter = found[0] if found else SecretFilter()
        if not found:
            logger.addFilter(secret_filter)
        secret_filter.secrets |= fragments


def secret_fragments(url: str) -> set[str]:
    """``url`` and the parts of it that may be secret (tokens often sit in host or path)."""
    parts = urlsplit(url)
    candidates = [url, parts.password or "", parts.username or ""]
    host = parts.hostname or ""
    if "." not in host and host != "localhost":
        candidates.append(host)
    candidates += parts.path.split("/")
    candidates += [value for _, value in parse_qsl(parts.query)]
    return {c for c in candidates if len(c) >= MIN_SECRET_FRAGMENT}
