"""The Scrapy add-on that puts leakwatch's safety middlewares into every crawl.

A spider may set its own ``DOWNLOADER_MIDDLEWARES`` in ``custom_settings``; a project-level dict
would then be replaced, not merged. Add-ons run after the spider's settings are applied, and
:meth:`update_settings` inserts each component into the existing dicts, so every spider gets
them without knowing about them:

==========================  =====  ========================================================
component                   order  job
==========================  =====  ========================================================
FileLinkGuardMiddleware        60  no file hosts, no archives or dumps (request side)
BackoffRetryMiddleware        550  retries with exponential backoff (replaces Scrapy's retry)
ContentGuardMiddleware        595  page types only, no attachments, size cap (response side)
RedirectGuardMiddleware       650  no off-site, looping or private-address redirects
BrowserPageMiddleware         730  browser sources: every request becomes a Chromium page
SourceProxyMiddleware         740  the source's proxy; no onion name without a SOCKS5h proxy
EvidenceMiddleware (spider)   950  page hash and screenshot for the items of a page
==========================  =====  ========================================================

Components that do not apply to the crawled source switch themselves off (``NotConfigured``).
"""

from __future__ import annotations

from typing import Any

from crawler.fetch.middlewares.backoff import BackoffRetryMiddleware
from crawler.fetch.middlewares.browser import BrowserPageMiddleware
from crawler.fetch.middlewares.content_guard import ContentGuardMiddleware
from crawler.fetch.middlewares.evidence import EvidenceMiddleware
from crawler.fetch.middlewares.file_links import FileLinkGuardMiddleware
from crawler.fetch.middlewares.proxy import SourceProxyMiddleware
from crawler.fetch.middlewares.redirect_guard import RedirectGuardMiddleware

#: Scrapy's own retry middleware, replaced by BackoffRetryMiddleware. It is named by the same
#: import path as in ``DOWNLOADER_MIDDLEWARES_BASE``, so that ``None`` overrides that entry.
SCRAPY_RETRY = "scrapy.downloadermiddlewares.retry.RetryMiddleware"
DOWNLOADER_COMPONENTS: tuple[tuple[type, int], ...] = (
    (FileLinkGuardMiddleware, 60),
    (BackoffRetryMiddleware, 550),
    (ContentGuardMiddleware, 595),
    (RedirectGuardMiddleware, 650),
    (BrowserPageMiddleware, 730),
    (SourceProxyMiddleware, 740),
)
SPIDER_COMPONENTS: tuple[tuple[type, int], ...] = ((EvidenceMiddleware, 950),)


class SafetyAddon:
    """Installs the safety, proxy, browser and evidence middlewares (``ADDONS`` setting)."""

    def update_settings(self, settings: Any) -> None:
        """Insert every component into the crawl's middleware dicts."""
        settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", SCRAPY_RETRY, None)
        for component, order in DOWNLOADER_COMPONENTS:
            settings.set_in_component_priority_dict("DOWNLOADER_MIDDLEWARES", component, order)
        for component, order in SPIDER_COMPONENTS:
            settings.set_in_component_priority_dict("SPIDER_MIDDLEWARES", component, order)
