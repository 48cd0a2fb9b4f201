"""Run one crawl of a source (the spider of its kind) here; write what it saw as JSON (test helper).

    python -m tests.spiders.crawl_runner job.json result.json

``job.json``: ``{"source": {...SourceConfig...}, "state": {...}, "settings": {...}}`` and,
optionally, ``"spider": "module:Class"`` (default: the spider of the source's kind). The
crawl uses the project's Scrapy settings with the source's politeness applied (as
``leakwatch crawl`` does), but no storage pipeline and no run recorder, so no database.
Secrets come from this process's environment, as the CLI reads them. ``result.json`` gets the
items, the spider's new state, its health reports, the close reason and the crawl stats.
"""

from __future__ import annotations

import gc
import importlib
import json
import os
import sys
from pathlib import Path
from typing import Any

from scrapy import signals
from scrapy.crawler import CrawlerProcess

from crawler.core.config import Settings, SourceConfig
from crawler.core.credentials import CREDENTIALS_KEY, read_credentials
from crawler.core.items import item_to_json
from crawler.runtime.crawl import scrapy_settings_for
from spiders.base import SourceSpider


def main(job_path: str, result_path: str) -> None:
    job = json.loads(Path(job_path).read_text())
    source = SourceConfig(**job["source"])
    settings = scrapy_settings_for(Settings(sources=[source]), source)
    settings.setdict(
        {
            "ITEM_PIPELINES": {},
            "EXTENSIONS": {},
            "LOG_LEVEL": "INFO",
            CREDENTIALS_KEY: read_credentials(source, os.environ),
            **job.get("settings", {}),
        },
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    if "spider" in job:
        module_name, _, class_name = job["spider"].partition(":")
        spider_class = getattr(importlib.import_module(module_name), class_name)
    else:
        spider_class = process.spider_loader.load(source.kind)
    crawler = process.create_crawler(spider_class)
    items: list[dict[str, Any]] = []
    outcome: dict[str, Any] = {}

    def collect(item: Any) -> None:
        items.append(item_to_json(item))

    crawler.signals.connect(collect, signal=signals.item_scraped)

    def closed(spider: SourceSpider, reason: str) -> None:
        outcome["reason"] = reason
        outcome["state"] = spider.state
        outcome["health"] = [
            {"status": r.status, "detail": r.detail, "url": r.url, "page": r.page is not None}
            for r in spider.health_reports
        ]

    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, source=source, state=job.get("state") or {})
    process.start()
    stats = {key: value for key, value in crawler.stats.get_stats().items() if _plain(value)}
    result = {"items": items, "stats": stats, **outcome}
    Path(result_path).write_text(json.dumps(result, default=str))
    gc.freeze()  # the process ends: its exit skips walking the matcher's objects (~0.7 s)


def _plain(value: Any) -> bool:
    return isinstance(value, int | float | str)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
