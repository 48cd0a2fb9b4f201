"""The daemon against loopback sources: runs happen on schedule, never overlap, a hanging source
is killed at its limit while the others keep their schedule, SIGTERM stops cleanly; a killed
daemon loses and duplicates nothing; health changes alert once each; SIGHUP reschedules;
``leakwatch status`` and the metrics endpoint report; two daemons share one database."""

from __future__ import annotations

import json
import logging
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session
from typer.testing import CliRunner

from alerts.outbox import enqueue_operations_alert
from crawler.cli import app
from crawler.core.config import load_config
from crawler.demo.forums.data import generate_forum
from crawler.demo.forums.server import serve_forum
from crawler.demo.webhook_sink import ReceivedRequest, SinkResponse, WebhookSink
from crawler.runtime.daemon import Daemon, settle_health
from crawler.runtime.health import alert_due
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import CrawlRun, Hit, OutboxMessage, Post, Source, utcnow
from db.repository import start_run, sync_sources
from spiders.registry import load_settings
from tests.alerts.support import SECRET
from tests.conftest import copy_sqlite
from tests.loopback import serve

ROOT = Path(__file__).parents[3]
LISTING = b'<ul><li class="thread" data-id="1"><a href="/t/1">Vente base patients</a></li></ul>'

CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "steady"
kind = "forum"
engine = "mybb"
start_urls = ["{base}/forum"]
download_delay = 0
schedule = {{ every = "2s" }}

[[sources]]
name = "hanging"
kind = "forum"
engine = "mybb"
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
    env["SCRAPY_SETTINGS_MODULE"] = "tests.crawler.runtime.scrapy_test_settings"
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


def _start(
    config: Path, *options: str, env: dict[str, str] | None = None
) -> subprocess.Popen[bytes]:
    log = (config.parent / "daemon.log").open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "crawler", "--config", str(config), "run", "--kill-grace", "2"]
        + list(options),
        cwd=ROOT,
        env=env or daemon_env(),
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
    assert log.count("retention: deleted outbox=0") == 1  # at start, then daily
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
engine = "mybb"
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
        # The killed daemon's crawl was stopped with it, not left behind to finish.
        assert statuses[0] in ("interrupted", "abandoned"), statuses
    engine.dispose()


# --- Health: one operations alert per change ------------------------------------------------------

OPS_SETTINGS = """
database_url = "{url}"

[[sources]]
name = "board"
kind = "forum"
engine = "mybb"
start_urls = ["http://127.0.0.1:1/forumdisplay.php?fid=2"]

[[channels]]
name = "ops"
type = "webhook"
url = "http://127.0.0.1:1/hook"
signing_secret = "{secret}"

[[routes]]
channel = "ops"
operations = true
"""


def _finish_run(session: Session, source_id: int, status: str, health: str) -> None:
    """A run as the crawl child records it: the run row and the source's health."""
    run = start_run(session, source_id)
    run.status, run.health, run.finished_at = status, health, utcnow()
    run.error_detail = None if health == "ok" else f"{health} detail"
    source = session.get(Source, source_id)
    assert source is not None
    source.health = health


def _after_runs(url: str, tmp_path: Path, runs: list[tuple[str, str]]) -> list[str]:
    """Settle the health after each run as the daemon does; return the operations alerts."""
    config = tmp_path / "leakwatch.toml"
    config.write_text(OPS_SETTINGS.format(url=url, secret=SECRET))
    settings = load_config(config)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        source_id = sync_sources(session, settings.sources)["board"]
    for status, health in runs:
        with sessions.begin() as session:
            source = session.get(Source, source_id)
            assert source is not None
            before = source.health
            _finish_run(session, source_id, status, health)
            after = settle_health(session, source_id, timedelta(minutes=5), before)
            if alert_due(before, after):
                enqueue_operations_alert(session, settings, "board", before, after, None)
    with sessions.begin() as session:
        messages = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        changes = [
            f"{m.payload['data']['old_health']}>{m.payload['data']['new_health']}" for m in messages
        ]
        source = session.get(Source, source_id)
        assert source is not None
        changes.append(f"now {source.health}, backoff {source.backoff_until is not None}")
    engine.dispose()
    return changes


def test_a_parser_broken_twice_then_fixed_raises_two_alerts(
    tmp_path: Path, migrated_url: str
) -> None:
    runs = [("ok", "ok"), ("failed", "parser_broken"), ("failed", "parser_broken"), ("ok", "ok")]
    assert _after_runs(migrated_url, tmp_path, runs) == [
        "ok>parser_broken",
        "parser_broken>ok",
        "now ok, backoff False",
    ]


def test_a_source_going_down_alerts_on_each_change_and_backs_off(
    tmp_path: Path, migrated_url: str
) -> None:
    runs = [("ok", "ok")] + [("failed", "down")] * 4
    assert _after_runs(migrated_url, tmp_path, runs) == [
        "ok>degraded",
        "degraded>down",
        "now down, backoff True",
    ]


# --- The daemon against the demo forum ------------------------------------------------------------

FORUM_SOURCE = """
[[sources]]
name = "{name}"
kind = "forum"
engine = "mybb"
start_urls = ["{start}"]
download_delay = 0
timezone = "Europe/Paris"
schedule = {{ every = "{every}" }}
"""
FORUM_CONFIG = """
database_url = "{url}"
data_dir = "{data}"
{sources}
[[channels]]
name = "siem"
type = "webhook"
url = "{sink}/hook"
signing_secret = "{secret}"

[[routes]]
channel = "siem"

[[routes]]
channel = "siem"
operations = true
"""
SALE_TITLE = "[SELLING] Hôpital privé de Thiais — 120k patients (NIR, mutuelle), 2 BTC"


def project_env() -> dict[str, str]:
    """Environment of a daemon crawling with the project's own spiders."""
    env = {key: value for key, value in os.environ.items() if key != "SCRAPY_SETTINGS_MODULE"}
    env["PYTHONPATH"] = str(ROOT)
    return env


def write_forum_config(
    folder: Path, url: str, sink: str, sources: dict[str, str], every: str = "1s"
) -> Path:
    """A config of forum sources (name → listing URL) and a signed webhook to ``sink``."""
    blocks = "".join(
        FORUM_SOURCE.format(name=name, start=start, every=every) for name, start in sources.items()
    )
    path = folder / "leakwatch.toml"
    path.write_text(
        FORUM_CONFIG.format(
            url=url, data=folder / "data", sources=blocks, sink=sink, secret=SECRET
        ),
        encoding="utf-8",
    )
    return path


def runs_of(url: str, name: str) -> list[CrawlRun]:
    """The runs of source ``name``, oldest first."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            return list(
                session.execute(
                    select(CrawlRun).join(Source).where(Source.name == name).order_by(CrawlRun.id)
                ).scalars()
            )
    finally:
        engine.dispose()


def wait_until(condition: Callable[[], object], timeout: float = 90.0) -> None:
    """Poll ``condition`` until it is true (machines are noisy)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.3)
    raise AssertionError(f"condition not met in {timeout}s")


def _status(config: Path) -> dict[str, dict[str, object]]:
    result = CliRunner().invoke(app, ["--config", str(config), "status", "--json"])
    assert result.exit_code == 0, result.output
    # stdout only: a loopback server thread of the test may write to stderr meanwhile
    return {row["name"]: row for row in json.loads(result.stdout)}


def _stop(daemon: subprocess.Popen[bytes]) -> None:
    if daemon.poll() is None:
        daemon.send_signal(signal.SIGTERM)
    try:
        daemon.wait(timeout=60)
    except subprocess.TimeoutExpired:
        daemon.kill()
        raise


def _documents(sink: WebhookSink, kind: str) -> list[dict[str, Any]]:
    return [r.json() for r in sink.requests if r.json().get("type") == kind]


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """A migrated SQLite database (for daemon tests the engine does not change)."""
    return copy_sqlite(migrated_sqlite_template, tmp_path / "leakwatch.db")


def test_the_daemon_alerts_once_when_a_parser_breaks_and_once_when_it_is_fixed(
    tmp_path: Path, sqlite_url: str
) -> None:
    with serve_forum(generate_forum(threads=6), "mybb") as site, WebhookSink() as sink:
        config = write_forum_config(tmp_path, sqlite_url, sink.url, {"board": site.section_url(2)})
        daemon = _start(config, env=project_env())
        try:
            wait_until(lambda: any(r.health == "ok" for r in runs_of(sqlite_url, "board")))
            site.modes.markup_changed = True
            wait_until(
                lambda: [r.health for r in runs_of(sqlite_url, "board")].count("parser_broken") >= 2
            )
            broken = _status(config)["board"]
            site.modes.markup_changed = False

            def fixed() -> bool:
                healths = [r.health for r in runs_of(sqlite_url, "board")]
                return "ok" in healths[len(healths) - healths[::-1].index("parser_broken") :]

            wait_until(fixed)
            wait_until(lambda: len(_documents(sink, "source.health_changed")) >= 2, 30)
            time.sleep(2)  # a few more good runs: they must not alert
        finally:
            _stop(daemon)
    log = (tmp_path / "daemon.log").read_text(errors="replace")
    assert daemon.returncode == 0, log[-3000:]
    changes = [
        (d["data"]["old_health"], d["data"]["new_health"], d["data"]["detail"])
        for d in _documents(sink, "source.health_changed")
    ]
    assert changes == [
        ("ok", "parser_broken", "no thread found by the mybb selectors"),
        ("parser_broken", "ok", None),
    ]
    assert broken["health"] == "parser_broken"
    assert broken["last_error"] == "no thread found by the mybb selectors"
    assert broken["next_run"] is not None and broken["last_run"] is not None


def test_sighup_schedules_added_sources_and_drops_removed_ones(
    tmp_path: Path, sqlite_url: str
) -> None:
    forum = generate_forum(threads=6)
    forum.add_thread(3, SALE_TITLE, author="mediseller", body="Sample in PM.", at=utcnow())
    port = _free_port()
    with serve_forum(forum, "mybb") as site, WebhookSink() as sink:
        config = write_forum_config(tmp_path, sqlite_url, sink.url, {"alpha": site.section_url(2)})
        daemon = _start(config, "--metrics-port", str(port), env=project_env())
        try:
            wait_until(lambda: any(r.status == "ok" for r in runs_of(sqlite_url, "alpha")))
            write_forum_config(tmp_path, sqlite_url, sink.url, {"beta": site.section_url(3)})
            daemon.send_signal(signal.SIGHUP)
            reloaded = utcnow()
            wait_until(lambda: [r.status for r in runs_of(sqlite_url, "beta")].count("ok") >= 2)
            wait_until(lambda: "leakwatch_alert_delivery_seconds_count" in _metrics(port), 30)
            status = _status(config)
            metrics = _metrics(port)
        finally:
            _stop(daemon)
    assert daemon.returncode == 0
    log = (tmp_path / "daemon.log").read_text(errors="replace")
    assert "SIGHUP: configuration reloaded, 1 source(s) scheduled" in log
    alpha = runs_of(sqlite_url, "alpha")
    assert all(run.started_at < reloaded + timedelta(seconds=1) for run in alpha)
    assert list(status) == ["beta"]
    assert status["beta"]["health"] == "ok" and status["beta"]["next_run"] is not None
    assert status["beta"]["hits_24h"] >= 1 and status["beta"]["last_error"] is None
    engine = make_engine(sqlite_url)
    with make_session_factory(engine).begin() as session:
        removed = session.execute(select(Source).where(Source.name == "alpha")).scalar_one()
        assert removed.next_run_at is None
    engine.dispose()
    assert 'leakwatch_runs_total{source="alpha",status="ok"}' in metrics
    assert 'leakwatch_runs_total{source="beta",status="ok"}' in metrics
    assert 'leakwatch_outbox_messages{status="delivered"}' in metrics
    assert 'leakwatch_alert_delivery_seconds_count{channel="siem"}' in metrics


def test_a_reload_with_a_bad_family_option_keeps_the_running_configuration(
    tmp_path: Path, sqlite_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    config = tmp_path / "leakwatch.toml"
    source = '[[sources]]\nname = "alpha"\nkind = "forum"\nengine = "mybb"\n'
    source += 'start_urls = ["http://127.0.0.1:9/forum"]\n'
    config.write_text(f'database_url = "{sqlite_url}"\n{source}')
    daemon = Daemon(load_settings(config), config)
    running = daemon.settings
    try:
        config.write_text(
            f'database_url = "{sqlite_url}"\n{source}options = {{ date_ordre = "DMY" }}\n'
        )
        with caplog.at_level(logging.ERROR, logger="crawler.runtime.daemon"):
            daemon._on_reload(signal.SIGHUP, None)
    finally:
        daemon.engine.dispose()
    assert daemon.settings is running
    assert (
        f"SIGHUP: configuration not reloaded: {config}: sources[alpha].options.date_ordre: "
        "unknown option for a forum source; did you mean 'date_order'?"
    ) in caplog.text


def test_a_reload_with_a_bad_cron_keeps_the_daemon_on_the_old_config(
    tmp_path: Path, sqlite_url: str
) -> None:
    with serve({"/forum": (200, "text/html", LISTING)}) as site:
        config = tmp_path / "leakwatch.toml"
        good = SLOW_CONFIG.format(
            database_url=sqlite_url, data_dir=tmp_path / "data", base=site.base_url
        ).replace("/slow", "/forum")
        config.write_text(good)
        daemon = _start(config)
        try:
            wait_until(lambda: [r.status for r in runs_of(sqlite_url, "slow")].count("ok") >= 1)
            config.write_text(good.replace('every = "2s"', 'cron = "99 * * * *"'))
            daemon.send_signal(signal.SIGHUP)
            log = tmp_path / "daemon.log"
            wait_until(lambda: "configuration not reloaded" in log.read_text(errors="replace"))
            before = len(runs_of(sqlite_url, "slow"))
            # Still alive, still crawling every 2 s as the old configuration says.
            wait_until(lambda: len(runs_of(sqlite_url, "slow")) >= before + 2, 60)
            assert daemon.poll() is None
        finally:
            _stop(daemon)
    text = (tmp_path / "daemon.log").read_text(errors="replace")
    assert daemon.returncode == 0, text[-3000:]
    assert "Traceback" not in text
    assert "SIGHUP: configuration not reloaded: " in text
    assert "schedule.cron: not a valid cron schedule" in text


def _metrics(port: int) -> str:
    return httpx.get(f"http://127.0.0.1:{port}/metrics", timeout=10).text


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_sigkill_mid_delivery_then_restart_resends_the_same_alert_and_nothing_else(
    tmp_path: Path, migrated_url: str
) -> None:
    forum = generate_forum(threads=3)
    forum.add_thread(2, SALE_TITLE, author="mediseller", body="Sample in PM.", at=utcnow())
    arrived, release = threading.Event(), threading.Event()

    def responder(request: ReceivedRequest) -> SinkResponse:
        if request.seq == 0:
            arrived.set()
            release.wait(60)
        return SinkResponse(204)

    with serve_forum(forum, "mybb") as site, WebhookSink(responder) as sink:
        config = write_forum_config(
            tmp_path, migrated_url, sink.url, {"board": site.section_url(2)}, every="2s"
        )
        first = _start(config, env=project_env())
        try:
            assert arrived.wait(90), "no alert reached the sink"
            first.kill()  # the alert is in flight, its delivery not recorded
            first.wait(timeout=30)
        finally:
            release.set()
            if first.poll() is None:
                first.kill()
        second = _start(config, env=project_env())
        try:
            wait_until(lambda: len(_documents(sink, "alert.created")) >= 2, 60)
            crawled = len(runs_of(migrated_url, "board"))
            wait_until(lambda: len(runs_of(migrated_url, "board")) >= crawled + 2)
            time.sleep(1.5)  # a delivery pass after those runs
        finally:
            _stop(second)
    log = (tmp_path / "daemon.log").read_text(errors="replace")
    assert second.returncode == 0, log[-3000:]
    # The alert in flight, and any operations message claimed with it (the first crawl's
    # quiet-history line), are freed for the next deliverer.
    assert re.search(r"\d+ alert\(s\) claimed by a dead deliverer will be sent again", log), log
    ids = [r.webhook_id for r in sink.requests if r.json().get("type") == "alert.created"]
    assert len(ids) >= 2 and ids[0] == ids[1], ids  # the one in flight, sent again
    assert len(set(ids[1:])) == len(ids) - 1, ids  # nothing else twice, no new id
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        messages = session.execute(select(OutboxMessage)).scalars().all()
        assert sorted(m.idempotency_key for m in messages if m.kind != "operations") == sorted(
            set(ids)
        )
        assert all(m.status == "delivered" for m in messages)
        posts = session.execute(select(Post)).scalars().all()
        assert len(posts) == len({p.external_id for p in posts})
        assert sum(p.title == SALE_TITLE for p in posts) == 1
        hits = session.execute(select(Hit)).scalars().all()
        assert hits and len(hits) == len({(h.post_id, h.entity_id, h.matched) for h in hits})
    engine.dispose()


def test_two_daemons_on_one_postgresql_crawl_a_source_once_per_period(
    tmp_path: Path, postgres_url: str
) -> None:
    upgrade(postgres_url)
    daemons = []
    with serve_forum(generate_forum(threads=6), "mybb") as site, WebhookSink() as sink:
        for folder in (tmp_path / "one", tmp_path / "two"):
            folder.mkdir()
            config = write_forum_config(
                folder, postgres_url, sink.url, {"board": site.section_url(2)}, every="3s"
            )
            text = config.read_text().replace('every = "3s"', 'every = "3s", jitter = "1s"')
            config.write_text(text)
            daemons.append(_start(config, env=project_env()))
        try:
            wait_until(lambda: len(runs_of(postgres_url, "board")) >= 10, 180)
        finally:
            for daemon in daemons:
                _stop(daemon)
    assert [daemon.returncode for daemon in daemons] == [0, 0]
    runs = runs_of(postgres_url, "board")
    starts = [run.started_at for run in runs]
    for earlier, later in zip(runs, runs[1:], strict=False):
        assert earlier.finished_at is not None and earlier.finished_at <= later.started_at
        # Never a second crawl within half a period…
        assert later.started_at - earlier.started_at >= timedelta(seconds=1.5), starts
    # …and about one per period (3 s, the jitter around it), not one per daemon (1.5 s): the
    # mean of nine gaps stays well above 2 s even on a loaded machine (2.36 s was seen).
    mean_gap = (starts[-1] - starts[0]) / (len(starts) - 1)
    assert mean_gap >= timedelta(seconds=2), starts
    logs = [(tmp_path / f / "daemon.log").read_text(errors="replace") for f in ("one", "two")]
    assert all("leakwatch daemon" in log for log in logs)


# --- kill -9 of the daemon: its crawl dies with it, a restart waits for it ------------------------

HANG_CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "hanging"
kind = "forum"
engine = "mybb"
start_urls = ["{base}/hang"]
download_delay = 0
max_wall_seconds = 300
schedule = {{ every = "2s" }}
"""


class _HangingSite:
    """Answers nothing and records, per connection, when it opened and when its client left."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.connections: list[list[float | None]] = []  # [opened, closed or None]

    def open_connections(self) -> int:
        with self.lock:
            return sum(1 for _, closed in self.connections if closed is None)

    def handler(self) -> type[BaseHTTPRequestHandler]:
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                record: list[float | None] = [time.monotonic(), None]
                with site.lock:
                    site.connections.append(record)
                self.connection.settimeout(0.2)
                deadline = time.monotonic() + 240
                while time.monotonic() < deadline:
                    try:
                        if not self.connection.recv(1, socket.MSG_PEEK):
                            break  # the client went away
                    except TimeoutError:
                        continue
                    except OSError:
                        break
                record[1] = time.monotonic()
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


def test_sigkill_of_the_daemon_kills_its_crawl_and_a_restart_never_crawls_alongside_it(
    tmp_path: Path, migrated_url: str
) -> None:
    site = _HangingSite()
    server = ThreadingHTTPServer(("127.0.0.1", 0), site.handler())
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    second = None
    try:
        config = tmp_path / "leakwatch.toml"
        config.write_text(
            HANG_CONFIG.format(
                database_url=migrated_url,
                data_dir=tmp_path / "data",
                base=f"http://127.0.0.1:{server.server_address[1]}",
            )
        )
        first = _start(config)
        wait_until(lambda: site.open_connections() == 1)
        engine = make_engine(migrated_url)
        with make_session_factory(engine).begin() as session:
            lease = session.execute(select(Source.lease_owner)).scalar_one()
        engine.dispose()
        # The lease names the daemon and its crawl: host:daemon pid:crawl pid.
        assert lease == f"{socket.gethostname()}:{first.pid}:{lease.rsplit(':', 1)[-1]}"
        first.kill()
        first.communicate(timeout=30)
        second = _start(config)
        wait_until(lambda: len(site.connections) >= 2, timeout=120)
        with site.lock:
            (_, killed_closed), (restarted_opened, _) = site.connections[:2]
        # The killed daemon's crawl had hung up before the restarted daemon's crawl began.
        assert killed_closed is not None and killed_closed <= restarted_opened
        wait_for(migrated_url, lambda runs: "abandoned" in runs.get("hanging", []))
    finally:
        if second is not None:
            second.send_signal(signal.SIGTERM)
            second.communicate(timeout=60)
        server.shutdown()
        server.server_close()
    log = (tmp_path / "daemon.log").read_text(errors="replace")
    assert "freed leases of a dead daemon on: hanging" in log, log[-3000:]
