"""How a source's crawl is wired: download handlers per source, browser settings, the add-on."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import pytest
from scrapy.utils.conf import build_component_list

from crawler.core.config import Settings, SourceConfig
from crawler.fetch.addon import SafetyAddon
from crawler.fetch.browser import (
    SCREENSHOT_KEY,
    WAIT_KEY,
    context_options,
    page_methods,
    storage_state_path,
)
from crawler.runtime.crawl import scrapy_settings_for
from spiders.forums.spider import ForumSpider


def configured(tmp_path: Path, **fields: Any) -> tuple[Settings, SourceConfig]:
    source = SourceConfig(
        name="js-forum",
        kind="forum",
        engine="custom",
        start_urls=["http://forum.example/"],
        **fields,
    )
    return Settings(data_dir=tmp_path, sources=[source]), source


def handlers(tmp_path: Path, **fields: Any) -> dict[str, Any]:
    settings, source = configured(tmp_path, **fields)
    return dict(scrapy_settings_for(settings, source).getwithbase("DOWNLOAD_HANDLERS"))


def test_each_source_gets_its_download_path(tmp_path: Path) -> None:
    plain = handlers(tmp_path)
    assert plain["https"].endswith("HTTP11DownloadHandler")  # no Chromium for plain sources
    assert handlers(tmp_path, proxy="http://127.0.0.1:8118")["http"] == plain["http"]
    socks = handlers(tmp_path, proxy="socks5h://127.0.0.1:9050")
    assert socks["http"] == socks["https"] == "crawler.fetch.handlers.socks.SocksDownloadHandler"
    browser = handlers(tmp_path, browser=True, proxy="socks5h://127.0.0.1:9050")
    assert browser["https"] == "crawler.fetch.handlers.browser.BrowserDownloadHandler"


def test_browser_settings(tmp_path: Path) -> None:
    settings, source = configured(
        tmp_path,
        browser=True,
        proxy="socks5h://127.0.0.1:9050",
        concurrency=3,
        page_timeout=20,
        max_response_bytes=2 * 1024 * 1024,
    )
    scrapy = scrapy_settings_for(settings, source)
    launch = scrapy.getdict("PLAYWRIGHT_LAUNCH_OPTIONS")
    assert launch["executable_path"] == "/usr/bin/chromium"
    assert {"--no-sandbox", "--disable-background-networking", "--disable-sync"} <= set(
        launch["args"]
    )
    context = scrapy.getdict("PLAYWRIGHT_CONTEXTS")["js-forum"]
    assert context["proxy"] == {"server": "socks5://127.0.0.1:9050"}
    assert context["accept_downloads"] is False and "storage_state" not in context
    assert scrapy.getint("PLAYWRIGHT_MAX_PAGES_PER_CONTEXT") == 3
    assert scrapy.getint("PLAYWRIGHT_MAX_CONTEXTS") == 1
    assert scrapy.getfloat("PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT") == 20000
    assert scrapy.getfloat("DOWNLOAD_TIMEOUT") == 20
    assert scrapy.getint("DOWNLOAD_MAXSIZE") == 2 * 1024 * 1024
    assert scrapy.getint("DOWNLOAD_WARNSIZE") == 1024 * 1024


def test_saved_browser_state_is_loaded_back(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings, source = configured(tmp_path, browser=True)
    path = storage_state_path(settings, source)
    assert path == tmp_path / "browser" / "js-forum" / "storage_state.json"
    path.parent.mkdir(parents=True)
    state = {"cookies": [{"name": "visitor", "value": "1", "domain": "forum.example"}]}
    path.write_text(json.dumps(state))
    assert context_options(settings, source)["storage_state"] == state
    path.write_text("{not json")
    with caplog.at_level(logging.WARNING):
        assert "storage_state" not in context_options(settings, source)
    assert "ignoring unreadable browser state" in caplog.text


def test_page_methods_follow_the_source(tmp_path: Path) -> None:
    _, plain = configured(tmp_path, browser=True)
    assert page_methods(plain) == {}
    _, source = configured(tmp_path, browser=True, wait_for="article.topic", evidence=True)
    methods = page_methods(source)
    assert methods[WAIT_KEY].args == ("article.topic",)
    assert methods[SCREENSHOT_KEY].method == "screenshot"
    assert methods[SCREENSHOT_KEY].kwargs == {"type": "png", "full_page": True}


def test_addon_adds_to_the_spiders_own_middlewares(tmp_path: Path) -> None:
    settings, source = configured(tmp_path)
    scrapy = scrapy_settings_for(settings, source)
    ForumSpider.update_settings(scrapy)
    SafetyAddon().update_settings(scrapy)
    downloader = build_component_list(scrapy.getwithbase("DOWNLOADER_MIDDLEWARES"))
    names = [getattr(entry, "__name__", entry) for entry in downloader]
    order = [name.rsplit(".", 1)[-1] if isinstance(name, str) else name for name in names]
    assert "BackoffRetryMiddleware" in order
    assert "RetryMiddleware" not in order  # …replacing Scrapy's
    assert order.count("RedirectGuardMiddleware") == 1
    for ours in ("FileLinkGuardMiddleware", "ContentGuardMiddleware", "SourceProxyMiddleware"):
        assert ours in order
    assert order.index("FileLinkGuardMiddleware") < order.index("BackoffRetryMiddleware")
    # Responses travel from the last to the first: refused before they are decompressed.
    assert order.index("ContentGuardMiddleware") > order.index("HttpCompressionMiddleware")
    spider = build_component_list(scrapy.getwithbase("SPIDER_MIDDLEWARES"))
    assert any(getattr(entry, "__name__", "") == "EvidenceMiddleware" for entry in spider)
