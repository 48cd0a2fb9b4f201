"""Send every request of a ``browser = true`` source to Chromium, so spiders stay unaware.

:class:`BrowserPageMiddleware` marks each request of a browser source for scrapy-playwright
(``meta["playwright"]``), in the source's own browser context, with the page methods of
:func:`crawler.fetch.browser.page_methods` (wait for the ``wait_for`` selector, evidence
screenshot).
A spider written for plain pages (the forum spider, every family) thus works unchanged with
``browser = true``. It is switched off (``NotConfigured``) for sources without the browser.
"""

from __future__ import annotations

from typing import Any

from scrapy.exceptions import NotConfigured

from crawler.fetch.browser import page_methods


class BrowserPageMiddleware:
    """Downloader middleware turning a browser source's requests into browser pages."""

    def __init__(self, source: Any) -> None:
        self.source = source

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrowserPageMiddleware:
        """Build the middleware; NotConfigured unless the crawled source uses the browser."""
        source = getattr(crawler.spider, "source", None)
        if source is None or not source.browser:
            raise NotConfigured
        return cls(source)

    def process_request(self, request: Any, spider: Any = None) -> None:
        """Mark ``request`` as a page of the source's browser context (once per request)."""
        meta = request.meta
        if meta.get("playwright") is False or "leakwatch_browser" in meta:
            return
        meta["leakwatch_browser"] = True
        meta["playwright"] = True
        meta["playwright_context"] = self.source.name
        methods = meta.get("playwright_page_methods") or {}
        if not isinstance(methods, dict):
            methods = {str(number): method for number, method in enumerate(methods)}
        meta["playwright_page_methods"] = {**page_methods(self.source), **methods}
