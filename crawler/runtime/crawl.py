"""Run one crawl of one configured source, in this process (``leakwatch crawl SOURCE``).

Twisted's reactor cannot be restarted, so a process runs at most one :func:`run_crawl`; the
daemon starts a child process per crawl.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from scrapy.crawler import CrawlerProcess
from scrapy.settings import SETTINGS_PRIORITIES
from scrapy.settings import Settings as ScrapySettings
from scrapy.utils.project import get_project_settings

from crawler.core.config import Settings, SourceConfig
from crawler.core.credentials import CREDENTIALS_KEY, read_credentials
from crawler.fetch.browser import browser_settings
from crawler.fetch.proxies import uses_socks
from crawler.matching.matcher import Matcher
from crawler.runtime.context import APP_SETTINGS_KEY, RUN_ID_KEY, hand_over_matcher
from db.engine import make_engine, make_session_factory
from db.models import CrawlRun

SOCKS_HANDLER = "crawler.fetch.handlers.socks.SocksDownloadHandler"


@dataclass(frozen=True)
class RunSummary:
    """What a finished crawl recorded."""

    run_id: int
    status: str
    health: str | None
    pages: int
    items: int
    new_posts: int
    hits: int
    errors: int
    detail: str | None


def source_log_path(settings: Settings, source_name: str) -> Path:
    """The source's log file, ``<data_dir>/logs/<source>.log``: where the daemon's crawls and a
    quiet ``leakwatch crawl`` write Scrapy's log."""
    return settings.data_dir / "logs" / f"{source_name}.log"


def scrapy_settings_for(
    settings: Settings, source: SourceConfig, run_id: int | None = None
) -> ScrapySettings:
    """Project Scrapy settings with the source's politeness, caps, download path and our app
    settings.

    The download path: a ``browser = true`` source gets Chromium (crawler.fetch.browser); a source
    behind a SOCKS proxy gets the SOCKS-capable handler (crawler.fetch.handlers.socks); any other
    keeps Scrapy's HTTP/1.1 handler, which also speaks HTTP proxies.
    """
    scrapy_settings = project_settings()
    overrides: dict[str, Any] = {
        APP_SETTINGS_KEY: settings,
        "AUTOTHROTTLE_START_DELAY": max(source.download_delay, 0.1),
        "CLOSESPIDER_PAGECOUNT": source.max_pages,
        "CLOSESPIDER_TIMEOUT": source.max_wall_seconds,
        "CONCURRENT_REQUESTS_PER_DOMAIN": source.concurrency,
        "DOWNLOAD_DELAY": source.download_delay,
        "DOWNLOAD_MAXSIZE": source.max_response_bytes,
        "DOWNLOAD_TIMEOUT": source.page_timeout,
        "DOWNLOAD_WARNSIZE": min(
            scrapy_settings.getint("DOWNLOAD_WARNSIZE"), source.max_response_bytes // 2
        ),
        "LOG_LEVEL": settings.log_level,
    }
    if source.download_delay == 0:
        overrides["AUTOTHROTTLE_ENABLED"] = False
        overrides["DOWNLOAD_DELAY_JITTER"] = 0.0
    if source.browser:
        overrides.update(browser_settings(settings, source))
    elif uses_socks(source):
        overrides["DOWNLOAD_HANDLERS"] = {"http": SOCKS_HANDLER, "https": SOCKS_HANDLER}
    if run_id is not None:
        overrides[RUN_ID_KEY] = run_id
    scrapy_settings.setdict(overrides, priority="cmdline")
    return scrapy_settings


def project_settings() -> ScrapySettings:
    """The project's Scrapy settings, whatever the working directory.

    ``get_project_settings()`` finds ``crawler.runtime.settings`` through ``scrapy.cfg`` in the
    working directory (or ``SCRAPY_SETTINGS_MODULE``, which tests use); a daemon started
    elsewhere, as systemd does, would otherwise crawl with bare Scrapy defaults: no spiders, no
    storage.
    """
    scrapy_settings = get_project_settings()
    if (scrapy_settings.getpriority("SPIDER_MODULES") or 0) < SETTINGS_PRIORITIES["project"]:
        scrapy_settings.setmodule("crawler.runtime.settings", priority="project")
    return scrapy_settings


def run_crawl(
    settings: Settings,
    source_name: str,
    run_id: int | None = None,
    scrapy_overrides: dict[str, Any] | None = None,
    environ: Mapping[str, str] | None = None,
    matcher: Matcher | None = None,
) -> RunSummary:
    """Crawl ``source_name`` once, store what it finds and return the recorded run.

    ``scrapy_overrides`` replace Scrapy settings (tests use it for ``SPIDER_MODULES``).
    ``environ`` holds the source's secrets (login, cookies: crawler.core.credentials); the CLI
    passes the process environment. ``matcher``, the configured watchlist's, is loaded by the
    crawl when None (the daemon's crawl server hands over the one it keeps loaded). Raises
    ConfigError for an unknown source or a missing secret, KeyError if no spider handles its
    kind.
    """
    source = settings.source(source_name)
    scrapy_settings = scrapy_settings_for(settings, source, run_id)
    credentials = read_credentials(source, environ or {})
    scrapy_settings.set(CREDENTIALS_KEY, credentials, priority="cmdline")
    if scrapy_overrides:
        scrapy_settings.setdict(scrapy_overrides, priority="cmdline")
    process = CrawlerProcess(scrapy_settings)
    spider_class = process.spider_loader.load(source.kind)
    crawler = process.create_crawler(spider_class)
    if matcher is not None:
        hand_over_matcher(crawler, matcher)
    process.crawl(crawler, source=source)
    process.start()
    context = getattr(crawler, "_leakwatch_context", None)
    if context is None:
        raise RuntimeError(f"crawl of {source_name} did not start (see the log above)")
    return read_run(settings, context.run_id)


def read_run(settings: Settings, run_id: int) -> RunSummary:
    """The recorded outcome of run ``run_id``."""
    engine = make_engine(settings.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            run = session.get(CrawlRun, run_id)
            if run is None:
                raise LookupError(f"no crawl run {run_id}")
            return RunSummary(
                run_id=run.id,
                status=run.status,
                health=run.health,
                pages=run.pages,
                items=run.items,
                new_posts=run.new_posts,
                hits=run.hits,
                errors=run.errors,
                detail=run.error_detail,
            )
    finally:
        engine.dispose()
