"""A database outage while a crawl ends: the daemon closes the run it could not record once the
database answers again, without a restart (PostgreSQL made unreachable for real:
``ALLOW_CONNECTIONS false`` and ``pg_terminate_backend`` on the test's own database)."""

from __future__ import annotations

import signal
import time
from pathlib import Path

import psycopg
from sqlalchemy import select

from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import Post
from tests.conftest import PG_ADMIN_URL
from tests.crawler.runtime.test_daemon import LISTING, _start, runs_of, wait_until
from tests.loopback import serve

CONFIG = """
database_url = "{url}"
data_dir = "{data}"

[[sources]]
name = "slow"
kind = "forum"
engine = "mybb"
start_urls = ["{base}/slow"]
download_delay = 0
schedule = {{ every = "2s" }}
"""


def _slow() -> tuple[int, str, bytes]:
    time.sleep(4)
    return 200, "text/html", LISTING


def _database_reachable(url: str, reachable: bool) -> None:
    """Let nobody connect to the test's database and cut its connections, or allow them."""
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(reachable).lower()}')
        if not reachable:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                " WHERE datname = %s AND pid <> pg_backend_pid()",
                (name,),
            )


def test_a_run_ending_during_an_outage_is_closed_once_the_database_is_back(
    tmp_path: Path, postgres_url: str
) -> None:
    upgrade(postgres_url)
    log = tmp_path / "daemon.log"
    with serve({"/slow": _slow}) as site:
        config = tmp_path / "leakwatch.toml"
        config.write_text(
            CONFIG.format(url=postgres_url, data=tmp_path / "data", base=site.base_url)
        )
        daemon = _start(config)
        try:
            # Start-up takes long on a loaded machine.
            wait_until(
                lambda: [r.status for r in runs_of(postgres_url, "slow")] == ["running"], 300
            )
            _database_reachable(postgres_url, False)
            try:
                # The crawl gets its page, cannot store nor record anything, and ends; the
                # daemon cannot record it either.
                wait_until(
                    lambda: "crawl job of slow failed" in log.read_text(errors="replace"), 180
                )
            finally:
                _database_reachable(postgres_url, True)
            wait_until(lambda: "ok" in [r.status for r in runs_of(postgres_url, "slow")], 180)
            assert daemon.poll() is None  # no restart
        finally:
            daemon.send_signal(signal.SIGTERM)
            daemon.wait(timeout=60)
    runs = runs_of(postgres_url, "slow")
    first = runs[0]
    assert first.status == "abandoned", [(r.status, r.error_detail) for r in runs]
    assert first.error_detail == "its outcome could not be recorded (database unreachable)"
    assert first.finished_at is not None
    assert "running" not in [r.status for r in runs]
    # The post the outage kept from being stored was found again by a later crawl.
    engine = make_engine(postgres_url)
    try:
        with make_session_factory(engine).begin() as session:
            titles = session.execute(select(Post.title)).scalars().all()
    finally:
        engine.dispose()
    assert titles == ["Vente base patients"]
    text = log.read_text(errors="replace")
    assert "closed the run(s) of slow: the crawl ended but its outcome could not" in text
