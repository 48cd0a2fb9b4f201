"""Refuse responses that are not pages: wrong content type, attachments, oversized bodies.

A hostile site can answer a page URL with an archive, a database dump sent as an attachment,
an image or a body far larger than any page. :class:`ContentGuardMiddleware` stops such a
download as soon as its headers arrive (``headers_received`` signal, so the body is never
read), then refuses the response with an ``IgnoreRequest`` naming the reason, which reaches the
request's errback; each refusal is logged once and counted in the stats
(``leakwatch/refused/content_type``, ``…/attachment``, ``…/binary``, ``…/size``).

The allowed types are :data:`crawler.fetch.download_rules.ALLOWED_CONTENT_TYPES`. A response without
a ``Content-Type`` is kept only when its body decodes as text. The size check after the download
covers responses that no byte-counting handler saw: pages rendered by the browser. A feed
source's victim-list request (``TRACKER_EXPORT`` meta) may also be CSV.
Redirects and ``304 Not Modified`` carry no page and are passed on.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, StopDownload
from scrapy.http import TextResponse

from crawler.core.file_links import TRACKER_EXPORT
from crawler.fetch.download_rules import content_refusal

logger = logging.getLogger(__name__)
_PASSED_STATUSES = frozenset({204, 301, 302, 303, 304, 307, 308})


class ContentGuardMiddleware:
    """Downloader middleware enforcing the content-type allow-list and the size cap."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        self.max_size = crawler.settings.getint("DOWNLOAD_MAXSIZE")
        crawler.signals.connect(self.headers_received, signal=signals.headers_received)

    @classmethod
    def from_crawler(cls, crawler: Any) -> ContentGuardMiddleware:
        """Build the middleware for ``crawler``."""
        return cls(crawler)

    def headers_received(self, headers: Any, body_length: Any, request: Any, spider: Any) -> None:
        """Stop the download of a refused response before its body is read (a redirect's body
        is not needed either: its status is checked in :meth:`process_response`)."""
        if content_refusal(
            _header(headers, "Content-Type"),
            _header(headers, "Content-Disposition"),
            bool(request.meta.get(TRACKER_EXPORT)),
        ):
            raise StopDownload(fail=False)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        """Pass a page on; raise IgnoreRequest (logged, counted) for anything else."""
        if response.status in _PASSED_STATUSES:
            return response
        headers = response.headers
        reason = content_refusal(
            _header(headers, "Content-Type"),
            _header(headers, "Content-Disposition"),
            bool(request.meta.get(TRACKER_EXPORT)),
        )
        kind = "attachment" if reason and reason.startswith("attachment") else "content_type"
        if (
            reason is None
            and not _header(headers, "Content-Type")
            and not isinstance(response, TextResponse)
        ):
            reason, kind = "response without Content-Type is not text", "binary"
        max_size = int(request.meta.get("download_maxsize", self.max_size) or 0)
        if reason is None and max_size and len(response.body) > max_size:
            reason = f"page of {len(response.body)} bytes is over the {max_size}-byte cap"
            kind = "size"
        if reason is None:
            return response
        message = f"refused {response.url}: {reason}"
        logger.warning(message)
        self.crawler.stats.inc_value(f"leakwatch/refused/{kind}")
        raise IgnoreRequest(message)


def _header(headers: Any, name: str) -> str | None:
    value = headers.get(name)
    if value is None:
        return None
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)
