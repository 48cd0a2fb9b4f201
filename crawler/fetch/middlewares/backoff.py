"""Retries with exponential backoff, and no retry at all for anti-bot interstitials.

Scrapy's ``RetryMiddleware`` sends a retry straight away. :class:`BackoffRetryMiddleware`
keeps its rules (``RETRY_TIMES``, ``RETRY_HTTP_CODES``, ``RETRY_EXCEPTIONS``) but waits before
each retry: ``RETRY_BACKOFF_BASE`` × 2^(attempt − 1) seconds, at most ``RETRY_BACKOFF_MAX``,
or the server's ``Retry-After`` if that is longer (still capped). A Cloudflare or DDoS-Guard
challenge answered with 403/503 is passed to the spider at once: retrying it only hammers the
site and the answer will not change. A page whose download deadline (``DOWNLOAD_TIMEOUT``, the
source's ``page_timeout``) was hit twice is not retried again: a page that trickles its answer
would otherwise cost a whole page timeout per attempt (three with ``RETRY_TIMES = 2``).
"""

from __future__ import annotations

import asyncio
import logging
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import DownloadTimeoutError
from scrapy.http import TextResponse

from spiders.interstitials import challenge_of

logger = logging.getLogger(__name__)
#: Request meta key counting the times a page's download deadline was hit.
DEADLINE_HITS = "leakwatch_deadline_hits"
#: A page whose deadline was hit this many times is given up (one retry after a timeout).
MAX_DEADLINE_HITS = 2


def backoff_delay(attempt: int, base: float, cap: float, retry_after: str | None = None) -> float:
    """Seconds to wait before retry number ``attempt`` (1-based).

    ``retry_after`` is the server's ``Retry-After``: delay-seconds or an HTTP date.
    """
    delay = base * 2.0 ** max(attempt - 1, 0)
    wanted = retry_after_seconds(retry_after)
    if wanted is not None:
        delay = max(delay, wanted)
    return min(delay, cap)


def retry_after_seconds(value: str | None, now: datetime | None = None) -> float | None:
    """Seconds asked by a ``Retry-After`` header (``"120"`` or an HTTP date); None if unusable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """``RetryMiddleware`` that waits before retrying and never retries a challenge page."""

    def __init__(self, settings: Any) -> None:
        super().__init__(settings)
        self.backoff_base = settings.getfloat("RETRY_BACKOFF_BASE", 2.0)
        self.backoff_max = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        """Retry a retryable status after a backoff, unless the page is a challenge."""
        if response.status in self.retry_http_codes and _is_challenge(response):
            return response
        result = super().process_response(request, response)
        if result is not response:
            result.meta["retry_after"] = _header(response, "Retry-After")
        return result

    def process_exception(self, request: Any, exception: Exception, spider: Any = None) -> Any:
        """Retry as Scrapy does, except a page whose download deadline was hit twice."""
        if isinstance(exception, DownloadTimeoutError):
            hits = request.meta.get(DEADLINE_HITS, 0) + 1
            request.meta[DEADLINE_HITS] = hits  # copied into the retried request
            if hits >= MAX_DEADLINE_HITS:
                logger.warning(
                    "gave up %s: its download deadline was hit %d times (no further retry)",
                    request.url,
                    hits,
                )
                if self.crawler.stats is not None:
                    self.crawler.stats.inc_value("leakwatch/retry/deadline_given_up")
                return None
        return super().process_exception(request, exception)

    async def process_request(self, request: Any, spider: Any = None) -> None:
        """Hold a retried request back for its backoff delay before it is downloaded."""
        attempt = request.meta.get("retry_times", 0)
        if attempt:
            delay = backoff_delay(
                attempt, self.backoff_base, self.backoff_max, request.meta.get("retry_after")
            )
            await asyncio.sleep(delay)


def _is_challenge(response: Any) -> bool:
    headers = {
        name.decode("latin-1").lower(): _header(response, name.decode("latin-1")) or ""
        for name in response.headers
    }
    body = response.text if isinstance(response, TextResponse) else ""
    return challenge_of(response.status, headers, body) is not None


def _header(response: Any, name: str) -> str | None:
    value = response.headers.get(name)
    return value.decode("latin-1") if value is not None else None
