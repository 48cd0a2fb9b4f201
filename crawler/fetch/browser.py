"""Browser pages: how a ``browser = true`` source drives Debian's Chromium (scrapy-playwright).

:func:`browser_settings` gives the Scrapy settings of a browser crawl (applied by
:func:`crawler.runtime.crawl.scrapy_settings_for` only when the source uses the browser, so plain
crawls never start Chromium): the browser download handler, the Chromium binary and flags, one
context per source (its proxy, its cookies saved between runs, downloads refused), a bounded
number of open pages, the page timeout. :func:`page_methods` gives what runs in each page
after it loads: wait for ``wait_for``, take the evidence screenshot.
"""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

from scrapy_playwright.page import PageMethod

from crawler.core.config import Settings, SourceConfig
from crawler.fetch.proxies import browser_proxy

logger = logging.getLogger(__name__)

#: Chromium flags. Without the background-networking ones Chromium phones home (updates, sync,
#: field trials), which a closed network refuses and which a watched site must not see either.
CHROMIUM_ARGS = (
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-features=Translate,MediaRouter,OptimizationHints",
)
#: Resource types a page may not load: they cost bandwidth over Tor and tell nothing.
BLOCKED_RESOURCE_TYPES = frozenset({"image", "media", "font"})
SCREENSHOT_KEY = "evidence_screenshot"
WAIT_KEY = "wait_for"
STATE_PATH_KEY = "LEAKWATCH_BROWSER_STATE_PATH"
HANDLER = "crawler.fetch.handlers.browser.BrowserDownloadHandler"


def storage_state_path(settings: Settings, source: SourceConfig) -> Path:
    """Where the source's browser cookies and local storage are kept between runs."""
    return settings.data_dir / "browser" / source.name / "storage_state.json"


def context_options(settings: Settings, source: SourceConfig) -> dict[str, Any]:
    """Playwright ``new_context`` keyword arguments of the source's browser context."""
    options: dict[str, Any] = {
        "accept_downloads": False,
        "ignore_https_errors": True,
        "java_script_enabled": True,
        "service_workers": "block",
        "viewport": {"width": 1280, "height": 1024},
    }
    proxy = browser_proxy(source)
    if proxy is not None:
        options["proxy"] = proxy
    state = saved_state(storage_state_path(settings, source))
    if state is not None:
        options["storage_state"] = state
    return options


def saved_state(path: Path) -> dict[str, Any] | None:
    """The storage state saved by the last run, or None (missing or unreadable: logged)."""
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        logger.warning("ignoring unreadable browser state %s: %s", path, exc)
        return None
    return state if isinstance(state, dict) else None


def browser_settings(settings: Settings, source: SourceConfig) -> dict[str, Any]:
    """Scrapy settings of a crawl that renders the source's pages in Chromium."""
    timeout_ms = source.page_timeout * 1000
    return {
        "DOWNLOAD_HANDLERS": {"http": HANDLER, "https": HANDLER},
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_CONTEXTS": {source.name: context_options(settings, source)},
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": timeout_ms,
        "PLAYWRIGHT_LAUNCH_OPTIONS": {
            "executable_path": str(settings.chromium_path),
            "args": list(CHROMIUM_ARGS),
            "headless": True,
            "timeout": timeout_ms,
        },
        "PLAYWRIGHT_MAX_CONTEXTS": 1,
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": source.concurrency,
        STATE_PATH_KEY: str(storage_state_path(settings, source)),
    }


def page_methods(source: SourceConfig) -> dict[str, PageMethod]:
    """What runs in each page of the source after it loads, keyed for later lookup."""
    methods: dict[str, PageMethod] = {}
    if source.wait_for:
        methods[WAIT_KEY] = PageMethod(
            wait_for_selector, source.wait_for, timeout=source.page_timeout * 1000
        )
    if source.evidence:
        methods[SCREENSHOT_KEY] = PageMethod("screenshot", type="png", full_page=True)
    return methods


async def wait_for_selector(page: Any, selector: str, timeout: float) -> bool:
    """Wait until ``selector`` is in the page; False (logged) when it never comes.

    The page is handed to the spider either way: a page without the expected element is the
    spider's to judge (a challenge, a login wall or changed markup), with a snapshot.
    """
    from playwright.async_api import Error as PlaywrightError  # only browser crawls load it

    try:
        await page.wait_for_selector(selector, state="attached", timeout=timeout)
    except PlaywrightError as exc:
        logger.warning("%s: %r did not appear: %s", page.url, selector, str(exc).splitlines()[0])
        return False
    return True
