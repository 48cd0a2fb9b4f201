"""The crawl server under the real daemon: crawls use the matcher it keeps loaded, and the next
crawl sees a changed watchlist without a reload; a crawl server killed mid-crawl takes its
crawl with it and the next crawl gets a new server; the server ends when the daemon closes its
pipe."""

from __future__ import annotations

import os
import signal
import threading
from http.server import ThreadingHTTPServer
from pathlib import Path

from sqlalchemy import select

from crawler.runtime.child import ChildCrawls
from db.engine import make_engine, make_session_factory
from db.models import CrawlRun, Entity, Hit
from tests.conftest import copy_sqlite
from tests.crawler.runtime.test_daemon import (
    HANG_CONFIG,
    _HangingSite,
    _start,
    wait_for,
    wait_until,
)
from tests.loopback import serve

THREAD = '<li class="thread" data-id="{n}"><a href="/t/{n}">Vente base Mediboard {n}</a></li>'

CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[watchlist]
bundled = false

[[watchlist.entries]]
name = "{entity}"
kind = "vendor"

[[sources]]
name = "forum"
kind = "forum"
engine = "mybb"
start_urls = ["{base}/forum"]
download_delay = 0
schedule = {{ every = "2s" }}
"""


def _hits(url: str) -> list[str]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            query = select(Entity.key).join(Hit, Hit.entity_id == Entity.id)
            return [str(key) for key in session.execute(query).scalars()]
    finally:
        engine.dispose()


def _servers(pid: int) -> list[int]:
    """Live crawl servers the daemon ``pid`` started (multiprocessing's resource tracker, its
    other child, aside)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            command = (stat.parent / "cmdline").read_bytes()
        except OSError:
            continue
        if fields[1] == str(pid) and fields[0] != "Z" and b"spawn_main" in command:
            found.append(int(stat.parent.name))
    return found


def test_a_changed_watchlist_is_seen_by_the_next_crawl_without_a_reload(
    tmp_path: Path, migrated_url: str
) -> None:
    listing = f"<ul>{THREAD.format(n=1)}</ul>".encode()
    with serve({"/forum": (200, "text/html", listing)}) as site:
        config = tmp_path / "leakwatch.toml"
        values = {"database_url": migrated_url, "data_dir": tmp_path / "data"}
        config.write_text(CONFIG.format(**values, entity="Clinique Alpha", base=site.base_url))
        daemon = _start(config)
        try:
            wait_for(migrated_url, lambda runs: runs.get("forum", []).count("ok") >= 2)
            # The crawls of the daemon are forked from one crawl server, its only child.
            (server,) = _servers(daemon.pid)
            assert _hits(migrated_url) == []
            config.write_text(CONFIG.format(**values, entity="Mediboard", base=site.base_url))
            # A post crawled before is not matched again: a new one names the new entry.
            listing = f"<ul>{THREAD.format(n=2)}{THREAD.format(n=1)}</ul>".encode()
            site.routes["/forum"] = (200, "text/html", listing)
            wait_until(lambda: _hits(migrated_url) != [], timeout=60)
            assert _servers(daemon.pid) == [server]
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.communicate(timeout=60)
    assert daemon.returncode == 0
    assert _hits(migrated_url) == ["vendor:mediboard"]
    log = (tmp_path / "daemon.log").read_text(errors="replace")
    assert "matcher could not be loaded" not in log, log[-3000:]


def test_a_crawl_server_killed_mid_crawl_takes_its_crawl_along_and_is_replaced(
    tmp_path: Path, migrated_url: str
) -> None:
    site = _HangingSite()
    http = ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    http.daemon_threads = True
    threading.Thread(target=http.serve_forever, daemon=True).start()
    config = tmp_path / "leakwatch.toml"
    config.write_text(
        HANG_CONFIG.format(
            database_url=migrated_url,
            data_dir=tmp_path / "data",
            base=f"http://127.0.0.1:{http.server_address[1]}",
        )
    )
    daemon = _start(config)
    try:
        wait_until(lambda: site.open_connections() == 1)
        (server,) = _servers(daemon.pid)
        os.kill(server, signal.SIGKILL)
        # The crawl hangs up (its group killed), the run is closed, and a new server starts
        # the next crawl (the hanging page holds its connection up to 240 s otherwise).
        wait_until(lambda: len(site.connections) >= 2, timeout=60)
        with site.lock:
            (_, killed_closed), (next_opened, _) = site.connections[:2]
        assert killed_closed is not None and killed_closed <= next_opened
        (replacement,) = _servers(daemon.pid)
        assert replacement != server
    finally:
        daemon.send_signal(signal.SIGTERM)
        daemon.communicate(timeout=60)
        http.shutdown()
        http.server_close()
    assert daemon.returncode == 0
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        first = session.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars().first()
        assert first is not None and first.status == "failed", first and first.error_detail
    engine.dispose()
    log = (tmp_path / "daemon.log").read_text(errors="replace")
    assert "the crawl server ended during the crawl of hanging" in log, log[-3000:]
    assert "the crawl server ended: starting a new one" in log


def test_the_crawl_server_ends_on_its_own_when_the_daemon_closes_its_pipe(
    tmp_path: Path, migrated_sqlite_template: Path
) -> None:
    url = copy_sqlite(migrated_sqlite_template, tmp_path / "leakwatch.db")
    config = tmp_path / "leakwatch.toml"
    config.write_text(
        f'database_url = "{url}"\n[watchlist]\nbundled = false\n\n'
        '[[watchlist.entries]]\nname = "Mediboard"\nkind = "vendor"\n'
    )
    crawls = ChildCrawls()
    assert crawls.warm_up(config)
    server = crawls._server
    assert server is not None
    crawls.close()
    # It saw the end of its pipe and returned: not killed once the daemon stopped waiting.
    assert server._process.exitcode == 0
