"""Browser pages through scrapy-playwright, with leakwatch's rules inside the page.

:class:`BrowserDownloadHandler` is scrapy-playwright's handler, plus:

* every request the page makes (the document, scripts, XHR, frames) is checked: images,
  fonts and media are not loaded; file hosts and archive links, onion hosts without a proxy,
  and private or loopback addresses other than the source's own hosts are aborted (counted as
  ``leakwatch/browser/aborted/<reason>``). Playwright does not show redirect hops to this
  filter: where a redirect ended is checked by the redirect guard
  (crawler/fetch/middlewares/redirect_guard.py);
* the source's context keeps its cookies and local storage between runs: they are saved to
  ``<data_dir>/browser/<source>/storage_state.json`` (mode 0600) when the crawl closes, and
  loaded back by the next run (crawler.fetch.browser.context_options);
* downloads are refused by the context (``accept_downloads=False``), so a page that turns
  into an attachment fails instead of being saved;
* http and https share one handler, hence one Chromium and one context per crawl.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from playwright.async_api import Error as PlaywrightError
from scrapy_playwright.handler import ScrapyPlaywrightDownloadHandler

from crawler.core.private_files import private_folder, write_private
from crawler.fetch.browser import BLOCKED_RESOURCE_TYPES, STATE_PATH_KEY
from crawler.fetch.download_rules import file_link_refusal, is_private_host, onion_refusal

logger = logging.getLogger(__name__)
_ATTRIBUTE = "_leakwatch_browser_handler"


class BrowserDownloadHandler(ScrapyPlaywrightDownloadHandler):  # type: ignore[misc]
    """scrapy-playwright's download handler with request filtering and saved browser state."""

    def __init__(self, crawler: Any) -> None:
        super().__init__(crawler)
        self.crawler = crawler
        state_path = crawler.settings.get(STATE_PATH_KEY)
        self.state_path = Path(state_path) if state_path else None
        self.abort_request = self.refuse_page_request
        self.closed = False

    @classmethod
    def from_crawler(cls, crawler: Any) -> BrowserDownloadHandler:
        """The crawler's one handler: Scrapy builds a handler per URL scheme, and http and
        https must share one Chromium and one context (the source's cookies)."""
        handler: BrowserDownloadHandler | None = getattr(crawler, _ATTRIBUTE, None)
        if handler is None:
            handler = cls(crawler)
            setattr(crawler, _ATTRIBUTE, handler)
        return handler

    async def close(self) -> None:
        """Save the browser state and close Chromium, once for both schemes."""
        if not self.closed:
            self.closed = True
            await super().close()

    def refuse_page_request(self, request: Any) -> bool:
        """True when the page's ``request`` (a Playwright request) must be aborted."""
        reason = self._refusal(request.resource_type, request.url)
        if reason is None:
            return False
        self.crawler.stats.inc_value(f"leakwatch/browser/aborted/{reason[0]}")
        if reason[1]:
            logger.warning("browser request aborted: %s", reason[1])
        return True

    def _refusal(self, resource_type: str, url: str) -> tuple[str, str | None] | None:
        if resource_type in BLOCKED_RESOURCE_TYPES:
            return resource_type, None
        if urlsplit(url).scheme not in ("http", "https"):
            return None
        file_link = file_link_refusal(url)
        if file_link is not None:
            return "file_link", file_link
        source = getattr(self.crawler.spider, "source", None)
        proxy = getattr(source, "proxy", None)
        onion = onion_refusal(url, proxy)
        if onion is not None:
            return "onion", onion
        host = urlsplit(url).hostname or ""
        if (
            source is not None
            and not source.allow_private_redirects
            and proxy is None
            and is_private_host(host)
            and host not in {urlsplit(start).hostname for start in source.start_urls}
        ):
            return "private", f"{url}: private address, not one of the source's hosts"
        return None

    async def _close(self) -> None:
        await self._save_state()
        await super()._close()

    async def _save_state(self) -> None:
        """Save each open context's cookies and storage for the next run (0600 file)."""
        if self.state_path is None:
            return
        for wrapper in list(self.context_wrappers.values()):
            try:
                state = await wrapper.context.storage_state()
            except PlaywrightError as exc:
                logger.warning("browser state not saved: %s", exc)
                continue
            try:
                private_folder(self.state_path.parent.parent)
                write_private(self.state_path, json.dumps(state).encode("utf-8"))
            except OSError as exc:
                logger.error("cannot save browser state to %s: %s", self.state_path, exc)
