"""Note the page evidence of every item of a source with ``evidence = true``.

:class:`EvidenceMiddleware` is a spider middleware: it sees each item together with the
response it was parsed from, computes that page's :class:`crawler.fetch.evidence.PageEvidence` once
(sha256 of the HTML; the PNG screenshot when the browser took one, see
crawler/browser.page_methods) and notes it in the crawl's ledger for the storage pipeline,
which keeps it only for posts that produce hits. Spiders are not involved.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured
from scrapy.http import Response
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware

from crawler.fetch.browser import SCREENSHOT_KEY
from crawler.fetch.evidence import EvidenceLedger, PageEvidence


class EvidenceMiddleware(BaseSpiderMiddleware):
    """Spider middleware attaching page evidence to the items of each response."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.ledger = EvidenceLedger.of(crawler)
        self._last: tuple[Response, PageEvidence] | None = None

    @classmethod
    def from_crawler(cls, crawler: Any) -> EvidenceMiddleware:
        """Build the middleware; NotConfigured unless the source keeps evidence."""
        source = getattr(crawler.spider, "source", None)
        if source is None or not source.evidence:
            raise NotConfigured
        return cls(crawler)

    def get_processed_item(self, item: Any, response: Response | None) -> Any:
        """Note ``response``'s evidence for ``item``; the item goes on unchanged."""
        if isinstance(response, Response):
            self.ledger.attach(item, self._evidence(response))
        return item

    def _evidence(self, response: Response) -> PageEvidence:
        if self._last is not None and self._last[0] is response:
            return self._last[1]
        evidence = PageEvidence.of(response.url, response.body, _screenshot(response))
        self._last = (response, evidence)
        return evidence


def _screenshot(response: Response) -> bytes | None:
    request = response.request
    methods = request.meta.get("playwright_page_methods") if request is not None else None
    method = methods.get(SCREENSHOT_KEY) if isinstance(methods, dict) else None
    result = getattr(method, "result", None)
    return result if isinstance(result, bytes) else None
