"""Helpers to run real forum crawls against the loopback fixture forum, in a subprocess."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).parents[3]
CUSTOM_SELECTORS = {
    "rows": "article.topic",
    "thread_id": "@data-topic",
    "title": "a.topic-link",
    "url": "a.topic-link",
    "author": ".meta .who",
    "created_at": ".meta .when",
    "last_post_at": ".last .when",
    "replies": ".answers",
    "views": ".seen",
    "tags": ".badge",
    "sticky": "xpath:self::*[has-class('pinned')]",
    "next_page": "a.next::attr(href)",
    "first_post": ".message.first .message-text",
}


def source_for(
    engine: str, start_urls: list[str], name: str = "fixture", **fields: Any
) -> dict[str, Any]:
    """A forum source config (as a dict) for the fixture forum."""
    options = dict(fields.pop("options", {}))
    if engine == "custom":
        options.setdefault("selectors", CUSTOM_SELECTORS)
        options.setdefault("date_order", "DMY")
    return {
        "name": name,
        "kind": "forum",
        "engine": engine,
        "start_urls": start_urls,
        "download_delay": 0,
        "timezone": "Europe/Paris",
        "options": options,
        **fields,
    }


def crawl(
    tmp_path: Path,
    source: dict[str, Any],
    state: dict[str, Any] | None = None,
    settings: dict[str, Any] | None = None,
    env: dict[str, str] | None = None,
    spider: str | None = None,
) -> dict[str, Any]:
    """Crawl ``source`` once in a child process with ``spider`` ("module:Class"; default: the
    spider of the source's kind); returns items, state, health, stats and the log."""
    job = tmp_path / f"job-{os.urandom(4).hex()}.json"
    result = job.with_suffix(".result.json")
    defaults = {"RETRY_BACKOFF_BASE": 0.05, "RETRY_BACKOFF_MAX": 0.5}
    payload = {
        "source": source,
        "state": state or {},
        "settings": defaults | (settings or {}),
    }
    if spider is not None:
        payload["spider"] = spider
    job.write_text(json.dumps(payload))
    completed = subprocess.run(
        [sys.executable, "-m", "tests.spiders.crawl_runner", str(job), str(result)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
    )
    assert completed.returncode == 0, completed.stderr[-4000:]
    outcome: dict[str, Any] = json.loads(result.read_text())
    outcome["log"] = completed.stderr
    return outcome
