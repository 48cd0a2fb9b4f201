"""Send a source's requests through its proxy, and never resolve an onion name locally.

:class:`SourceProxyMiddleware` runs before Scrapy's ``HttpProxyMiddleware``. For every request
of a source with a ``proxy`` it sets ``meta["proxy"]`` (with the per-source SOCKS username that
isolates Tor circuits, crawler.fetch.proxies); browser requests are left to the browser context's
proxy. Whatever the source, a request to a ``.onion`` host without a proxy that resolves names
remotely fails at once with an ``IgnoreRequest`` that says so (logged, counted as
``leakwatch/refused/onion_without_proxy``), before any DNS lookup could leak the name.
"""

from __future__ import annotations

import logging
from typing import Any

from scrapy.exceptions import IgnoreRequest

from crawler.fetch.download_rules import onion_refusal
from crawler.fetch.proxies import request_proxy_url

logger = logging.getLogger(__name__)


class SourceProxyMiddleware:
    """Downloader middleware applying the source's proxy and the onion rule."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        source = getattr(crawler.spider, "source", None)
        self.configured = source.proxy if source is not None else None
        self.proxy_url = request_proxy_url(source) if source is not None else None

    @classmethod
    def from_crawler(cls, crawler: Any) -> SourceProxyMiddleware:
        """Build the middleware for ``crawler``."""
        return cls(crawler)

    def process_request(self, request: Any, spider: Any = None) -> None:
        """Refuse an onion request without a remote-DNS proxy; set the proxy otherwise."""
        reason = onion_refusal(request.url, self.configured)
        if reason is not None:
            message = f"refused: {reason}"
            logger.error(message)
            self.crawler.stats.inc_value("leakwatch/refused/onion_without_proxy")
            raise IgnoreRequest(message)
        if self.proxy_url is not None and not request.meta.get("playwright"):
            request.meta.setdefault("proxy", self.proxy_url)
