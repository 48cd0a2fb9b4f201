"""The daemon against loopback sources: runs happen on schedule, never overlap, a hanging source
is killed at its limit while the others keep their schedule, SIGTERM stops cleanly."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import select

from db.engine import make_engine, make_session_factory
from db.models import CrawlRun, Post, Source
from tests.loopback import serve

ROOT = Path(__file__).parents[2]
LISTING = b'<ul><li class="thread" data-id="1"><a href="/t/1">Vente base patients</a></li></ul>'

CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "steady"
kind = "forum"
engine = "custom"
start_urls = ["{base}/forum"]
download_delay = 0
schedule = {{ every = "2s" }}

[[sources]]
name = "hanging"
kind = "forum"
engine = "custom"
start_urls = ["{base}/hang"]
download_delay = 0
max_wall_seconds = 5
schedule = {{ every = "2s" }}
"""


def _hang() -> tuple[int, str, bytes]:
    time.sleep(120)
    return 200, "text/html", LISTING


def daemon_env() -> dict[str, str]:
    """Environment making child crawls use the sample test spiders."""
    env = dict(os.environ)
    env["SCRAPY_SETTINGS_MODULE"] = "tests.crawler.scrapy_test_settings"
    env["PYTHONPATH"] = str(ROOT)
    return env


def _statuses(url: str) -> dict[str, list[str]]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            names = {s.id: s.name for s in session.execute(select(Source)).scalars()}
            result: dict[str, list[str]] = {name: [] for name in names.values()}
            for run in session.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars():
                result[names[run.source_id]].append(run.status)
            return result
    finally:
        engine.dispose()


def wait_for(url: str, condition, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    """Poll the runs until ``condition(statuses by source)`` holds (machines are noisy)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition(_statuses(url)):
            return
        time.sleep(0.5)
    raise AssertionError(f"condition not met in {timeout}s: {_statuses(url)}")


def _start(config: Path) -> subprocess.Popen[bytes]:
    log = (config.parent / "daemon.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "--config", str(config), "run", "--kill-grace", "2"],
        cwd=ROOT,
        env=daemon_env(),
        stdout=log,
        stderr=subprocess.STDOUT,
    )


def test_schedule_overlap_hard_kill_and_clean_stop(tmp_path: Path, migrated_url: str) -> None:
    with serve({"/forum": (200, "text/html", LISTING), "/hang": _hang}) as site:
        config = tmp_path / "leakwatch.toml"
        config.write_text(
            CONFIG.format(database_url=migrated_url, data_dir=tmp_path / "data", base=site.base_url)
        )
        daemon = _start(config)
        wait_for(
            migrated_url,
            lambda runs: (
                "timeout" in runs.get("hanging", []) and runs.get("steady", []).count("ok") >= 3
            ),
        )
        daemon.send_signal(signal.SIGTERM)
        daemon.communicate(timeout=60)
    log = (tmp_path / "daemon.log").read_text(errors="replace")
    assert daemon.returncode == 0, log[-3000:]
    assert "daemon stopped" in log
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        sources = {s.name: s for s in session.execute(select(Source)).scalars()}
        runs = session.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars().all()
        steady = [r for r in runs if r.source_id == sources["steady"].id]
        hanging = [r for r in runs if r.source_id == sources["hanging"].id]
        # The steady source kept its 2 s schedule while the other one hung for 7 s.
        assert len(steady) >= 3, [(r.status, r.started_at) for r in steady]
        assert all(r.status in ("ok", "interrupted") for r in steady)
        for earlier, later in zip(steady, steady[1:], strict=False):
            assert earlier.finished_at is not None and earlier.finished_at <= later.started_at
        assert hanging[0].status == "timeout", [(r.status, r.error_detail) for r in hanging]
        assert "wall-time limit" in (hanging[0].error_detail or "")
        assert hanging[0].finished_at is not None
        assert (hanging[0].finished_at - hanging[0].started_at).total_seconds() < 15
        assert all(r.status != "running" for r in runs)
        assert session.execute(select(Post)).scalars().all()[0].title == "Vente base patients"
        assert sources["steady"].lease_owner is None
    engine.dispose()


SLOW_CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "slow"
kind = "forum"
engine = "custom"
start_urls = ["{base}/slow"]
download_delay = 0
schedule = {{ every = "2s" }}
"""


def _slow() -> tuple[int, str, bytes]:
    time.sleep(3)
    return 200, "text/html", LISTING


def test_sigkill_mid_crawl_then_restart_loses_and_duplicates_nothing(
    tmp_path: Path, migrated_url: str
) -> None:
    with serve({"/slow": _slow}) as site:
        config = tmp_path / "leakwatch.toml"
        config.write_text(
            SLOW_CONFIG.format(
                database_url=migrated_url, data_dir=tmp_path / "data", base=site.base_url
            )
        )
        first = _start(config)
        wait_for(migrated_url, lambda runs: "running" in runs.get("slow", []))
        time.sleep(1)  # the crawl is waiting on the slow page
        first.kill()
        first.communicate(timeout=30)
        second = _start(config)
        wait_for(migrated_url, lambda runs: "ok" in runs.get("slow", []))
        second.send_signal(signal.SIGTERM)
        second.communicate(timeout=60)
    log = (tmp_path / "daemon.log").read_text(errors="replace")
    assert second.returncode == 0, log[-3000:]
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        posts = session.execute(select(Post)).scalars().all()
        runs = session.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars().all()
        assert len(posts) == 1  # crawled several times, stored once
        statuses = [r.status for r in runs]
        assert "ok" in statuses, statuses
        assert "running" not in statuses, statuses
        # The killed daemon's crawl was stopped with it, not left behind.
        assert statuses[0] in ("interrupted", "abandoned", "ok"), statuses
    engine.dispose()
