"""Forum crawl throughput: our ForumSpider with the storage pipeline against a bare Scrapy spider.

A loopback MyBB forum holds 10,000 synthetic threads in 3 sections. In the same run and against
the same server, with the same Scrapy settings (those ``leakwatch crawl`` derives from the
source):

* ``full``: ``ForumSpider`` with the project's pipelines and run recorder, storing every thread
  in a fresh SQLite database;
* ``bare``: a plain ``scrapy.Spider`` that reads title and link of each row and follows the
  next-page link, with no pipeline at all.

Both crawl twice, alternately; the faster run of each is kept, to damp the noise of a shared
machine. The ``runs:`` line also gives each run's items per CPU second of the crawling
process (from spider open to close), which a loaded machine disturbs far less. Then 10 new
threads are posted across the sections and the full spider crawls again from the state it
saved: the pages it fetches are ``recrawl_pages``. Each crawl runs in its own process
(Twisted's reactor cannot restart). The last line is::

    forum_crawl: threads=N pages=P items_per_s=X bare_items_per_s=Y ratio=X/Y recrawl_pages=R

``--threads N`` serves a smaller (or larger) forum for quick iterations.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

THREADS = 10_000
SECTIONS = ("Databases", "Leaks", "Marketplace")
CONCURRENCY = 4
#: Each crawl runs this many times, alternating; the best run of each counts (machine noise).
ROUNDS = 2
CONFIG = """
database_url = "sqlite:///{db}"
data_dir = "{data}"
log_level = "WARNING"

[[sources]]
name = "bench-forum"
kind = "forum"
engine = "mybb"
start_urls = [{urls}]
download_delay = 0
concurrency = {concurrency}
max_pages = 5000
max_wall_seconds = 3600
timezone = "Europe/Paris"
"""


def main(threads: int = THREADS) -> None:
    """Serve a forum of ``threads`` threads, run the crawls in child processes, print figures."""
    from crawler.demo.forums.data import generate_forum
    from crawler.demo.forums.server import ForumModes, serve_forum

    forum = generate_forum(threads=threads, sections=SECTIONS, stickies_per_section=1)
    with tempfile.TemporaryDirectory() as folder, serve_forum(forum, "mybb", ForumModes()) as site:
        urls = ", ".join(f'"{site.section_url(s.section_id)}"' for s in forum.sections)
        bare: list[dict[str, Any]] = []
        full: list[dict[str, Any]] = []
        for number in range(ROUNDS):
            bare.append(_child("bare", _config(Path(folder), f"bare-{number}", urls)))
            last_full = _config(Path(folder), f"full-{number}", urls)
            full.append(_child("full", last_full))
        for number in range(10):
            section = forum.sections[number % len(forum.sections)]
            forum.add_thread(section.section_id, f"Fresh clinic database {number}")
        recrawl = _child("full", last_full)
    best_full = max(full, key=lambda run: float(run["items_per_s"]))
    best_bare = max(bare, key=lambda run: float(run["items_per_s"]))
    ratio = best_full["items_per_s"] / best_bare["items_per_s"]
    sys.stdout.write(
        "runs: full "
        + " ".join(f"{run['items_per_s']:.0f}" for run in full)
        + " bare "
        + " ".join(f"{run['items_per_s']:.0f}" for run in bare)
        + " items/s; per CPU second: full "
        + " ".join(f"{run['items_per_cpu_s']:.0f}" for run in full)
        + " bare "
        + " ".join(f"{run['items_per_cpu_s']:.0f}" for run in bare)
        + f" items; recrawl items={recrawl['items']}\n"
        f"forum_crawl: threads={threads} pages={best_full['pages']} "
        f"items_per_s={best_full['items_per_s']:.0f} "
        f"bare_items_per_s={best_bare['items_per_s']:.0f} "
        f"ratio={ratio:.2f} recrawl_pages={recrawl['pages']}\n"
    )


def _config(folder: Path, name: str, urls: str) -> Path:
    """A config of its own (and so a fresh database) for one crawl."""
    path = folder / f"{name}.toml"
    path.write_text(
        CONFIG.format(
            db=folder / f"{name}.db", data=folder / "data", urls=urls, concurrency=CONCURRENCY
        )
    )
    return path


def _child(mode: str, config: Path) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(config)],
        capture_output=True,
        text=True,
        timeout=1800,
        cwd=ROOT,
    )
    if result.returncode != 0:
        sys.stderr.write(result.stderr[-4000:])
        raise SystemExit(f"{mode} crawl failed")
    figures: dict[str, Any] = json.loads(result.stdout.strip().splitlines()[-1])
    return figures


def _run_child(mode: str, config_path: str) -> None:
    """Crawl once in this process and print items, pages and items per second as JSON."""
    import scrapy
    from scrapy import signals
    from scrapy.crawler import CrawlerProcess

    from crawler.core.config import load_config
    from crawler.runtime.crawl import scrapy_settings_for
    from db.migrate import upgrade
    from spiders.forums.spider import ForumSpider

    settings = load_config(Path(config_path))
    source = settings.source("bench-forum")
    scrapy_settings = scrapy_settings_for(settings, source)

    class BareSpider(scrapy.Spider):
        """Title and link of every MyBB row, following the next-page link: nothing else."""

        name = "bare"

        async def start(self) -> Any:
            for url in source.start_urls:
                yield scrapy.Request(url)

        def parse(self, response: Any) -> Any:
            for row in response.css("tr.inline_row"):
                link = row.css("span[id^=tid_] a")
                yield {"title": link.css("::text").get(), "url": link.attrib.get("href")}
            following = response.css("a.pagination_next::attr(href)").get()
            if following:
                yield response.follow(following)

    if mode == "bare":
        scrapy_settings.setdict({"ITEM_PIPELINES": {}, "EXTENSIONS": {}}, priority="cmdline")
        spider_class: type[scrapy.Spider] = BareSpider
        arguments: dict[str, Any] = {}
    else:
        upgrade(settings.database_url)
        spider_class = ForumSpider
        arguments = {"source": source}
    process = CrawlerProcess(scrapy_settings)
    crawler = process.create_crawler(spider_class)
    cpu: dict[str, float] = {}

    def opened() -> None:
        cpu["opened"] = time.process_time()

    def closed() -> None:
        cpu["closed"] = time.process_time()

    crawler.signals.connect(opened, signal=signals.spider_opened)
    crawler.signals.connect(closed, signal=signals.spider_closed)
    process.crawl(crawler, **arguments)
    process.start()
    stats = crawler.stats.get_stats()
    items = int(stats.get("item_scraped_count", 0))
    elapsed = float(stats.get("elapsed_time_seconds", 0.0)) or 1e-9
    pages = int(stats.get("response_received_count", 0))
    cpu_seconds = (cpu["closed"] - cpu["opened"]) or 1e-9
    figures = {"items": items, "pages": pages, "items_per_s": items / elapsed}
    figures["items_per_cpu_s"] = items / cpu_seconds
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--child":
        _run_child(sys.argv[2], sys.argv[3])
    elif len(sys.argv) == 3 and sys.argv[1] == "--threads":
        main(int(sys.argv[2]))
    else:
        main()
