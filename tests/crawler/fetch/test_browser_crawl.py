"""Browser sources in real crawls: Debian's Chromium through scrapy-playwright, on loopback.

The forum spider is unchanged: ``browser = true`` alone sends its requests to Chromium. A
listing built by JavaScript yields its threads with the browser and none without; a browser
source behind a SOCKS5 proxy reaches a fake onion name unresolved, keeps its cookies for the
next run and, with ``evidence = true``, stores a screenshot and page hash for each post with hits.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from crawler.demo.browser_site import (
    ADMIN,
    COOKIE,
    EXPORT,
    SELECTORS,
    WAIT_FOR,
    ScriptedForumSite,
)
from crawler.demo.loopback import LoopbackServer
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import CrawlRun, Evidence, Hit, Post
from tests.socks_server import SocksServer
from tests.spiders.forums.crawls import crawl, source_for

CHROMIUM = "/usr/bin/chromium"
ONION = "scriptedforumabcdef.onion"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        shutil.which(CHROMIUM) is None, reason=f"Chromium not installed at {CHROMIUM}"
    ),
]


def scripted_source(urls: list[str], **fields: Any) -> dict[str, Any]:
    return source_for("custom", urls, options={"selectors": SELECTORS}, **fields)


def test_javascript_listing_needs_the_browser(tmp_path: Path) -> None:
    site = ScriptedForumSite(sections=1, pages=2)
    data_dir = tmp_path / "data"
    env = {"LEAKWATCH_DATA_DIR": str(data_dir)}
    with LoopbackServer(site) as server:
        urls = site.section_urls(server.base_url)
        plain = crawl(tmp_path, scripted_source(urls, name="scripted"), env=env)
        assert _pages(server.requested) == ["/js/section/1"]
        server.requested.clear()
        onion = f"http://{ONION}/js/section/1"
        source = scripted_source([*urls, onion], name="scripted", browser=True, wait_for=WAIT_FOR)
        rendered = crawl(tmp_path, source, env=env)
    assert plain["items"] == []
    assert [report["status"] for report in plain["health"]] == ["parser_broken"]

    assert len(rendered["items"]) == 20  # both pages: the next link was rendered by script too
    titles = {item["title"] for item in rendered["items"]}
    assert {t.title for page in (1, 2) for t in site.threads(1, page)} == titles
    assert rendered["stats"]["playwright/page_count"] == 2
    assert rendered["stats"]["leakwatch/refused/onion_without_proxy"] == 1
    assert f"{onion} is an onion service and the source has no proxy" in rendered["log"]
    # Only the two listing pages were fetched: no logo, no archive, no other local host.
    assert _pages(server.requested) == ["/js/section/1", "/js/section/1?page=2"]
    assert rendered["stats"]["leakwatch/browser/aborted/image"] == 2
    assert rendered["stats"]["leakwatch/browser/aborted/file_link"] == 2
    assert rendered["stats"]["leakwatch/browser/aborted/private"] == 2
    assert f"link to a .zip file refused: {server.base_url}{EXPORT}" in rendered["log"]
    assert f"{ADMIN}: private address, not one of the source's hosts" in rendered["log"]
    state_file = data_dir / "browser" / "scripted" / "storage_state.json"
    assert stat.S_IMODE(state_file.stat().st_mode) == 0o600
    assert stat.S_IMODE(state_file.parent.stat().st_mode) == 0o700
    cookies = json.loads(state_file.read_text())["cookies"]
    assert [f"{c['name']}={c['value']}" for c in cookies] == [COOKIE]


CONFIG = """
database_url = "sqlite:///{database}"
data_dir = "{data_dir}"

[[sources]]
name = "scripted-onion"
kind = "forum"
engine = "custom"
start_urls = ["http://{onion}:{port}/js/section/1"]
download_delay = 0
browser = true
wait_for = "{wait_for}"
proxy = "{proxy}"
evidence = true
timezone = "Europe/Paris"

[sources.options]
date_order = "DMY"

[sources.options.selectors]
{selectors}
"""
RUNNER = """
import json, sys
from pathlib import Path
from crawler.core.config import load_config
from crawler.runtime.crawl import run_crawl
summary = run_crawl(load_config(Path(sys.argv[1])), "scripted-onion")
print(json.dumps(summary.__dict__))
import gc
gc.freeze()  # the process ends: exit without walking the matcher's objects (~0.7 s)
"""


def test_browser_through_socks_keeps_evidence_of_hits(tmp_path: Path) -> None:
    database = tmp_path / "leakwatch.db"
    data_dir = tmp_path / "data"
    upgrade(f"sqlite:///{database}")
    site = ScriptedForumSite(sections=1, pages=1, per_page=6)
    with LoopbackServer(site) as server:
        port = urlsplit(server.base_url).port
        assert port is not None
        with SocksServer(routes={ONION: ("127.0.0.1", port)}) as proxy:
            config = tmp_path / "leakwatch.toml"
            config.write_text(
                CONFIG.format(
                    database=database,
                    data_dir=data_dir,
                    onion=ONION,
                    port=port,
                    wait_for=WAIT_FOR,
                    proxy=proxy.url,
                    selectors="\n".join(f"{k} = {json.dumps(v)}" for k, v in SELECTORS.items()),
                )
            )
            completed = subprocess.run(
                [sys.executable, "-c", RUNNER, str(config)],
                capture_output=True,
                text=True,
                timeout=120,
                cwd=Path(__file__).parents[3],
            )
    assert completed.returncode == 0, completed.stderr[-3000:]
    summary = json.loads(completed.stdout.strip().splitlines()[-1])
    assert summary["status"] == "ok" and summary["items"] == 6 and summary["hits"] > 0
    # Chromium handed the onion name to the proxy unresolved.
    assert (ONION, "domain") in {(c.host, c.address_type) for c in proxy.connects}
    assert {c.host for c in proxy.connects} == {ONION}

    engine = make_engine(f"sqlite:///{database}")
    with make_session_factory(engine).begin() as session:
        hit_posts = set(session.execute(select(Hit.post_id)).scalars())
        evidence = session.execute(select(Evidence)).scalars().all()
        run = session.execute(select(CrawlRun)).scalar_one()
        posts = session.execute(select(Post)).scalars().all()
    engine.dispose()
    assert len(posts) == 6 and 0 < len(hit_posts) < 6
    assert {row.post_id for row in evidence} == hit_posts  # evidence only where there are hits
    assert {row.run_id for row in evidence} == {run.id}
    assert len({row.html_sha256 for row in evidence}) == 1  # one listing page
    for row in evidence:
        assert row.url == f"http://{ONION}:{port}/js/section/1"
        assert row.html_bytes > 0 and len(row.html_sha256) == 64
        assert row.screenshot_path is not None
        screenshot = Path(row.screenshot_path)
        assert screenshot.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
        assert screenshot.parent.parent == data_dir / "evidence"
        assert stat.S_IMODE(screenshot.stat().st_mode) == 0o600
        assert stat.S_IMODE(screenshot.parent.stat().st_mode) == 0o700
        assert stat.S_IMODE(screenshot.parent.parent.stat().st_mode) == 0o700


def _pages(requested: list[str]) -> list[str]:
    # What the crawl asked for: Chromium may also ask for the site's icon, on its own timing.
    return [path for path in requested if path != "/favicon.ico"]
