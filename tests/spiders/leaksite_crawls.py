"""Run one LeakSiteSpider crawl in a child process and read what it saw (test helper).

    python -m tests.spiders.leaksite_crawls job.json result.json

``job.json``: ``{"source": {...SourceConfig...}, "state": {...}, "settings": {...}}``. The crawl
uses the project's Scrapy settings with the source's politeness applied (as ``leakwatch crawl``
does) but no storage pipeline and no run recorder, so no database. ``result.json`` gets the
items, the spider's new state, its health reports, the close reason and the crawl stats.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[2]


def source_for(base_url: str, name: str = "demo-leaks", **fields: Any) -> dict[str, Any]:
    """A leaksite source (as a dict) for a loopback LeakSite, Play layout unless told."""
    options = {"layout": "play", **fields.pop("options", {})}
    return {
        "name": name,
        "kind": "leaksite",
        "engine": "generic",
        "start_urls": [f"{base_url}/"],
        "download_delay": 0,
        "options": options,
        **fields,
    }


def crawl(
    tmp_path: Path, source: dict[str, Any], state: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Crawl ``source`` once in a child process; returns items, state, health, stats, log."""
    job = tmp_path / f"job-{os.urandom(4).hex()}.json"
    result = job.with_suffix(".result.json")
    settings = {"RETRY_BACKOFF_BASE": 0.05, "RETRY_BACKOFF_MAX": 0.5}
    job.write_text(json.dumps({"source": source, "state": state or {}, "settings": settings}))
    completed = subprocess.run(
        [sys.executable, "-m", "tests.spiders.leaksite_crawls", str(job), str(result)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    outcome: dict[str, Any] = json.loads(result.read_text())
    outcome["log"] = completed.stderr
    return outcome


def main(job_path: str, result_path: str) -> None:
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from crawler.config import Settings, SourceConfig
    from crawler.crawl import scrapy_settings_for
    from crawler.items import item_to_json
    from spiders.leaksites import LeakSiteSpider

    job = json.loads(Path(job_path).read_text())
    source = SourceConfig(**job["source"])
    settings = scrapy_settings_for(Settings(sources=[source]), source)
    settings.setdict(
        {"ITEM_PIPELINES": {}, "EXTENSIONS": {}, "LOG_LEVEL": "INFO", **job["settings"]},
        priority="cmdline",
    )
    process = CrawlerProcess(settings)
    crawler = process.create_crawler(LeakSiteSpider)
    items: list[dict[str, Any]] = []
    outcome: dict[str, Any] = {}

    def collect(item: Any) -> None:
        items.append(item_to_json(item))

    crawler.signals.connect(collect, signal=signals.item_scraped)

    def closed(spider: LeakSiteSpider, reason: str) -> None:
        outcome["reason"] = reason
        outcome["state"] = spider.state
        outcome["health"] = [
            {"status": r.status, "detail": r.detail, "url": r.url, "page": r.page is not None}
            for r in spider.health_reports
        ]

    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, source=source, state=job.get("state") or {})
    process.start()
    stats = {
        key: value
        for key, value in crawler.stats.get_stats().items()
        if isinstance(value, int | float | str)
    }
    Path(result_path).write_text(json.dumps({"items": items, "stats": stats, **outcome}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
