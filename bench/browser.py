"""Browser path against plain path: throughput, and Chromium's memory over a long crawl.

A loopback scripted forum (crawler/demo/browser_site.py) serves the same listings twice: built
by JavaScript under ``/js/`` and rendered on the server under ``/html/``. In one run, against
that one server, ``leakwatch``'s own crawl (ForumSpider, storage pipeline, fresh SQLite
database) reads:

* ``plain``: 50 listing pages (10 sections × 5 pages, 10 threads each) under ``/html/`` with
  Scrapy's HTTP handler;
* ``browser``: the same 50 pages under ``/js/`` in Chromium (``browser = true``, waiting for
  the rows the script builds), 4 pages open at a time, as for the plain crawl's concurrency;
* ``long``: 500 pages in Chromium (10 sections × 50 pages), while this process samples the
  memory of the crawl's Chromium process tree every 0.25 s from ``/proc`` (RSS, and PSS,
  which counts shared pages once). Every page is closed after use, so memory must stay flat:
  the first and last fifth of the samples are compared.

Throughput is pages per second between the spider opening and closing (Chromium is launched
before the spider opens). Each crawl runs in its own process (Twisted's reactor cannot
restart). The last line is::

    browser: pages=N plain_pages_per_s=X browser_pages_per_s=Y browser_rss_mb=R

where ``R`` is the largest Chromium tree RSS (summed over its processes) seen during the
500-page crawl.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SECTIONS = 10
CONCURRENCY = 4
CONFIG = """
database_url = "sqlite:///{db}"
data_dir = "{data}"
log_level = "WARNING"

[[sources]]
name = "bench-{name}"
kind = "forum"
engine = "custom"
start_urls = [{urls}]
download_delay = 0
concurrency = {concurrency}
max_pages = {max_pages}
max_wall_seconds = 3600
timezone = "Europe/Paris"
{browser}

[sources.options]
date_order = "DMY"

[sources.options.selectors]
{selectors}
"""


def main() -> None:
    """Serve the forum, run the three crawls in child processes, print the figures."""
    from crawler.demo.browser_site import WAIT_FOR, ScriptedForumSite
    from crawler.demo.loopback import LoopbackServer

    short = ScriptedForumSite(sections=SECTIONS, pages=5)
    long = ScriptedForumSite(sections=SECTIONS, pages=50)
    browser = f'browser = true\nwait_for = "{WAIT_FOR}"'
    with (
        tempfile.TemporaryDirectory() as folder,
        LoopbackServer(short) as short_site,
        LoopbackServer(long) as long_site,
    ):
        work = Path(folder)
        plain = _child(_config(work, "plain", short.section_urls(short_site.base_url, "html"), 50))
        rendered = _child(
            _config(work, "browser", short.section_urls(short_site.base_url), 50, browser)
        )
        samples: list[tuple[float, float]] = []
        marathon = _child(
            _config(work, "long", long.section_urls(long_site.base_url), 500, browser), samples
        )
    for run, expected in ((plain, 50), (rendered, 50), (marathon, 500)):
        if run["pages"] != expected or run["items"] != expected * 10:
            raise SystemExit(f"unexpected crawl: {run}")
    fifth = max(len(samples) // 5, 1)
    rss = [sample[0] for sample in samples]
    pss = [sample[1] for sample in samples]
    sys.stdout.write(
        f"long browser crawl: pages={marathon['pages']} items={marathon['items']} "
        f"pages_per_s={marathon['pages_per_s']:.1f} "
        f"max_open_pages={marathon['max_open_pages']} samples={len(samples)}\n"
        f"chromium tree MB, first fifth / last fifth / max: "
        f"rss {max(rss[:fifth]):.0f} / {max(rss[-fifth:]):.0f} / {max(rss):.0f}, "
        f"pss {max(pss[:fifth]):.0f} / {max(pss[-fifth:]):.0f} / {max(pss):.0f}\n"
        f"browser: pages={rendered['pages']} plain_pages_per_s={plain['pages_per_s']:.1f} "
        f"browser_pages_per_s={rendered['pages_per_s']:.1f} "
        f"browser_rss_mb={max(rss):.0f}\n"
    )


def _config(folder: Path, name: str, urls: list[str], max_pages: int, browser: str = "") -> Path:
    """A config of its own (and so a fresh database) for one crawl."""
    from crawler.demo.browser_site import SELECTORS

    path = folder / f"{name}.toml"
    path.write_text(
        CONFIG.format(
            db=folder / f"{name}.db",
            data=folder / "data",
            name=name,
            urls=", ".join(f'"{url}"' for url in urls),
            concurrency=CONCURRENCY,
            max_pages=max_pages,
            browser=browser,
            selectors="\n".join(f"{key} = {json.dumps(value)}" for key, value in SELECTORS.items()),
        )
    )
    return path


def _child(config: Path, rss_samples: list[tuple[float, float]] | None = None) -> dict[str, Any]:
    """Crawl in a child process; while it runs, sample its Chromium tree's RSS if asked."""
    process = subprocess.Popen(
        [sys.executable, __file__, "--child", str(config)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=ROOT,
    )
    sampler: threading.Thread | None = None
    if rss_samples is not None:
        sampler = threading.Thread(target=_sample, args=(process, rss_samples), daemon=True)
        sampler.start()
    stdout, stderr = process.communicate(timeout=1800)
    if sampler is not None:
        sampler.join()
    if process.returncode != 0:
        sys.stderr.write(stderr[-4000:])
        raise SystemExit(f"crawl {config.stem} failed")
    figures: dict[str, Any] = json.loads(stdout.strip().splitlines()[-1])
    return figures


def _sample(process: subprocess.Popen[str], samples: list[tuple[float, float]]) -> None:
    while process.poll() is None:
        rss, pss = chromium_memory_mb(process.pid)
        if rss:
            samples.append((rss, pss))
        time.sleep(0.25)


def chromium_memory_mb(root: int) -> tuple[float, float]:
    """RSS and PSS (MB) of the Chromium processes descending from process ``root``.

    The RSS sum counts the pages Chromium's processes share once per process; PSS shares them
    out, so it is what the tree really occupies.
    """
    children: dict[int, list[int]] = {}
    names: dict[int, str] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append(int(entry))
        names[int(entry)] = name
    totals = {"Rss:": 0, "Pss:": 0}
    stack = list(children.get(root, []))
    while stack:
        pid = stack.pop()
        stack.extend(children.get(pid, []))
        if "chrom" not in names.get(pid, ""):
            continue
        try:
            rollup = Path(f"/proc/{pid}/smaps_rollup").read_text()
        except OSError:
            continue
        for line in rollup.splitlines():
            field = line.split(maxsplit=1)[0] if line else ""
            if field in totals:
                totals[field] += int(line.split()[1])
    return totals["Rss:"] / 1024, totals["Pss:"] / 1024


def _run_child(config_path: str) -> None:
    """Crawl once in this process and print items, pages and pages per second as JSON."""
    from scrapy.crawler import CrawlerProcess

    from crawler.core.config import load_config
    from crawler.runtime.crawl import scrapy_settings_for
    from db.migrate import upgrade
    from spiders.forums.spider import ForumSpider

    settings = load_config(Path(config_path))
    source = settings.sources[0]
    upgrade(settings.database_url)
    process = CrawlerProcess(scrapy_settings_for(settings, source))
    crawler = process.create_crawler(ForumSpider)
    process.crawl(crawler, source=source)
    process.start()
    stats = crawler.stats.get_stats()
    pages = int(stats.get("response_received_count", 0))
    elapsed = float(stats.get("elapsed_time_seconds", 0.0)) or 1e-9
    figures = {
        "pages": pages,
        "items": int(stats.get("item_scraped_count", 0)),
        "pages_per_s": pages / elapsed,
        "browser_pages": int(stats.get("playwright/page_count", 0)),
        "max_open_pages": int(stats.get("playwright/page_count/max_concurrent", 0)),
    }
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _run_child(sys.argv[2])
    else:
        main()
