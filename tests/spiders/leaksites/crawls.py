"""Run one LeakSiteSpider crawl in a child process and read what it saw (test helper).

The child is :mod:`tests.spiders.crawl_runner`: the project's Scrapy settings with the source's
politeness applied (as ``leakwatch crawl`` does) but no storage pipeline and no run recorder,
so no database.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[3]


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
    spider = "spiders.leaksites.spider:LeakSiteSpider"
    job.write_text(
        json.dumps({"source": source, "state": state or {}, "settings": settings, "spider": spider})
    )
    completed = subprocess.run(
        [sys.executable, "-m", "tests.spiders.crawl_runner", str(job), str(result)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    outcome: dict[str, Any] = json.loads(result.read_text())
    outcome["log"] = completed.stderr
    return outcome
