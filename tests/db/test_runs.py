"""Source leases and run records: one scheduler at a time, once per period; a dead daemon's
leases, runs and claimed alerts are recovered by the next one."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.payload import TEST, envelope
from crawler.core.config import SourceConfig
from db.engine import make_engine, make_session_factory
from db.models import CrawlRun, OutboxMessage, Source, utcnow
from db.outbox import insert_message, lease_run, release_dead_locks
from db.repository import start_run, sync_sources
from db.runs import (
    RunEnd,
    claim_source,
    close_stale_runs,
    finish_run,
    recent_finished_runs,
    record_crawl,
    record_exit,
    record_health,
    record_next_runs,
    release_dead_leases,
    release_orphaned_leases,
    release_source,
)

SOURCE = SourceConfig(
    name="board", kind="forum", engine="mybb", start_urls=["http://127.0.0.1:1/forumdisplay.php"]
)


@pytest.fixture
def sessions(migrated_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(migrated_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@pytest.fixture
def source_id(sessions: sessionmaker[Session]) -> int:
    with sessions.begin() as session:
        return sync_sources(session, [SOURCE])["board"]


def test_one_owner_at_a_time(sessions: sessionmaker[Session], source_id: int) -> None:
    now = utcnow()
    until = now + timedelta(minutes=5)
    with sessions.begin() as session:
        assert claim_source(session, source_id, "host:1", until, now)
    with sessions.begin() as session:
        assert not claim_source(session, source_id, "host:2", until, now)
        assert claim_source(session, source_id, "host:1", until, now)  # its own lease
    with sessions.begin() as session:
        release_source(session, source_id, "host:2")  # not the holder: no effect
        assert not claim_source(session, source_id, "host:2", until, now)
        release_source(session, source_id, "host:1")
    with sessions.begin() as session:
        assert claim_source(session, source_id, "host:2", until, now)


def test_an_expired_lease_can_be_taken(sessions: sessionmaker[Session], source_id: int) -> None:
    now = utcnow()
    with sessions.begin() as session:
        assert claim_source(session, source_id, "host:1", now - timedelta(seconds=1), now)
    with sessions.begin() as session:
        assert claim_source(session, source_id, "host:2", now + timedelta(minutes=5), now)


def test_a_recent_run_keeps_a_second_scheduler_away(
    sessions: sessionmaker[Session], source_id: int
) -> None:
    now = utcnow()
    until = now + timedelta(minutes=5)
    with sessions.begin() as session:
        assert claim_source(session, source_id, "host:1", until, now)
        started = start_run(session, source_id).started_at
        release_source(session, source_id, "host:1")
    with sessions.begin() as session:
        # Its period is one minute: a run started less than half a minute ago counts.
        since = started - timedelta(seconds=1)
        assert not claim_source(session, source_id, "host:2", until, now, not_run_since=since)
    with sessions.begin() as session:
        since = started + timedelta(milliseconds=1)
        assert claim_source(session, source_id, "host:2", until, now, not_run_since=since)


def test_a_dead_daemon_leaves_nothing_blocked(
    sessions: sessionmaker[Session], source_id: int
) -> None:
    now = utcnow()
    with sessions.begin() as session:
        claim_source(session, source_id, "here:111", now + timedelta(hours=1), now)
        run_id = start_run(session, source_id).id
        insert_message(
            session,
            channel="ops",
            kind="test",
            payload=envelope(TEST, {"n": 1}, now),
            idempotency_key="msg:1",
            now=now,
        )
        insert_message(
            session,
            channel="siem",
            kind="test",
            payload=envelope(TEST, {"n": 2}, now),
            idempotency_key="msg:2",
            now=now,
        )
    until = now + timedelta(seconds=60)
    with sessions.begin() as session:
        ids = dict(session.execute(select(OutboxMessage.channel, OutboxMessage.id)).all())
        assert lease_run(session, "ops", ids["ops"], 10, "here:111:ab12cd34", until, now)
        assert lease_run(session, "siem", ids["siem"], 10, "here:222:ef56ab78", until, now)
    alive = {222}.__contains__

    def gone(pid: int) -> bool:
        return True

    with sessions.begin() as session:
        # Another host's leases are not this host's to judge.
        assert release_dead_leases(session, "elsewhere", alive, gone) == []
        assert release_dead_leases(session, "here", alive, gone) == ["board"]
        assert close_stale_runs(session) == 1
        assert release_dead_locks(session, "elsewhere", alive) == 0
        assert release_dead_locks(session, "here", alive) == 1
    with sessions.begin() as session:
        source = session.get(Source, source_id)
        assert source is not None and source.lease_owner is None
        run = session.get(CrawlRun, run_id)
        assert run is not None and run.status == "abandoned" and run.finished_at is not None
        locks = dict(session.execute(select(OutboxMessage.channel, OutboxMessage.locked_by)).all())
        assert locks == {"ops": None, "siem": "here:222:ef56ab78"}


def test_runs_of_a_live_lease_are_not_abandoned(
    sessions: sessionmaker[Session], source_id: int
) -> None:
    now = utcnow()
    with sessions.begin() as session:
        claim_source(session, source_id, "other-host:5", now + timedelta(hours=1), now)
        start_run(session, source_id)
    with sessions.begin() as session:
        assert close_stale_runs(session) == 0


def test_a_dead_daemons_lease_is_freed_only_once_its_crawl_is_gone(
    sessions: sessionmaker[Session], source_id: int
) -> None:
    now = utcnow()
    with sessions.begin() as session:
        assert claim_source(session, source_id, "here:111", now + timedelta(hours=1), now)
        record_crawl(session, source_id, "here:111", 4242)
        record_crawl(session, source_id, "here:999", 5555)  # not its lease: no change
    crawls = {4242}

    def dead_daemon(pid: int) -> bool:
        return False

    with sessions.begin() as session:
        source = session.get(Source, source_id)
        assert source is not None and source.lease_owner == "here:111:4242"
        # The daemon is dead but its crawl still runs: the lease stays.
        assert (
            release_dead_leases(session, "here", dead_daemon, lambda pid: pid not in crawls) == []
        )
        assert not claim_source(session, source_id, "here:222", now + timedelta(hours=1), now)
    crawls.clear()
    with sessions.begin() as session:
        assert release_dead_leases(
            session, "here", dead_daemon, lambda pid: pid not in crawls, source_id
        ) == ["board"]
        assert claim_source(session, source_id, "here:222", now + timedelta(hours=1), now)
        record_crawl(session, source_id, "here:222", 6000)
        release_source(session, source_id, "here:22")  # another owner's prefix frees nothing
        assert session.get(Source, source_id).lease_owner == "here:222:6000"  # type: ignore[union-attr]
        release_source(session, source_id, "here:222")
        assert session.get(Source, source_id).lease_owner is None  # type: ignore[union-attr]


def test_a_daemons_orphaned_lease_is_freed_and_its_run_abandoned_but_not_a_live_crawl(
    sessions: sessionmaker[Session], source_id: int
) -> None:
    other = SourceConfig(name="live", kind="forum", engine="mybb", start_urls=["http://x/"])
    now = utcnow()
    until = now + timedelta(minutes=5)
    with sessions.begin() as session:
        live_id = sync_sources(session, [other])["live"]
        for sid in (source_id, live_id):
            assert claim_source(session, sid, "host:1", until, now)
            record_crawl(session, sid, "host:1", 77)
        orphan_run = start_run(session, source_id).id
        live_run = start_run(session, live_id).id
        assert claim_source(session, source_id, "host:2", until, now) is False
    with sessions.begin() as session:
        # "host:2" holds nothing; "host:1" crawls "live" only; asked about one source, it
        # frees that one alone (a daemon about to crawl it again).
        assert release_orphaned_leases(session, "host:2", lambda: set()) == []
        assert release_orphaned_leases(session, "host:1", set, source_id=live_id + 100) == []
        assert release_orphaned_leases(session, "host:1", set, source_id=source_id) == ["board"]
        assert release_orphaned_leases(session, "host:1", lambda: {"live"}) == []
    with sessions.begin() as session:
        board, live = session.get(Source, source_id), session.get(Source, live_id)
        assert board is not None and live is not None
        assert board.lease_owner is None and live.lease_owner == "host:1:77"
        orphan, running = session.get(CrawlRun, orphan_run), session.get(CrawlRun, live_run)
        assert orphan is not None and running is not None
        assert orphan.status == "abandoned" and orphan.finished_at is not None
        assert "database unreachable" in (orphan.error_detail or "")
        assert running.status == "running"


def _end(status: str, health: str) -> RunEnd:
    return RunEnd(status, health, 3, 2, 1, 0, 4096, 0, f"{health} detail", None)


def test_a_finished_run_records_its_counts_and_the_sources_health(
    sessions: sessionmaker[Session], source_id: int
) -> None:
    now = utcnow()
    failures = []
    for status, health in [("failed", "down"), ("failed", "down"), ("ok", "ok")]:
        with sessions.begin() as session:
            run_id = start_run(session, source_id).id
            state = {"last": 7} if status == "ok" else None
            assert finish_run(session, run_id, source_id, _end(status, health), now, state)
            source = session.get(Source, source_id)
            assert source is not None
            failures.append(source.consecutive_failures)
    assert failures == [1, 2, 0]
    with sessions.begin() as session:
        run = session.get(CrawlRun, run_id)
        source = session.get(Source, source_id)
        assert run is not None and source is not None
        assert (run.status, run.pages, run.items, run.new_posts, run.bytes) == ("ok", 3, 2, 1, 4096)
        assert (source.health, source.health_detail, source.state) == (
            "ok",
            "ok detail",
            {"last": 7},
        )
        assert source.last_run_at is not None and source.health_changed_at is not None
        # A run that is gone writes nothing.
        assert not finish_run(session, run_id + 1, source_id, _end("failed", "down"), now)
        assert (source.health, source.consecutive_failures) == ("ok", 0)


def test_a_crawl_that_died_leaves_a_failed_run_and_a_finished_one_is_kept(
    sessions: sessionmaker[Session], source_id: int
) -> None:
    with sessions.begin() as session:
        died = start_run(session, source_id).id
        done = start_run(session, source_id).id
        finish_run(session, done, source_id, _end("ok", "ok"), utcnow())
    with sessions.begin() as session:
        record_exit(session, died, "failed", "crawl process exited with code -9")
        record_exit(session, done, "failed", "crawl process exited with code 0")
    with sessions.begin() as session:
        runs = recent_finished_runs(session, source_id, 5)
        assert [(r.id, r.status, r.error_detail) for r in runs] == [
            (died, "failed", "crawl process exited with code -9"),
            (done, "ok", "ok detail"),
        ]
        assert [r.id for r in recent_finished_runs(session, source_id, 1)] == [done]


def test_health_and_next_runs_are_written_to_the_source(
    sessions: sessionmaker[Session], source_id: int
) -> None:
    now = utcnow()
    with sessions.begin() as session:
        record_health(session, source_id, "down", "no page", 3, now + timedelta(minutes=5), now)
        record_next_runs(session, {"board": now + timedelta(minutes=1), "gone": now})
    with sessions.begin() as session:
        source = session.get(Source, source_id)
        assert source is not None
        assert (source.health, source.health_detail, source.consecutive_failures) == (
            "down",
            "no page",
            3,
        )
        assert source.backoff_until is not None and source.health_changed_at is not None
        assert source.next_run_at is not None
        changed = source.health_changed_at
    with sessions.begin() as session:
        record_health(session, source_id, "down", "no page", 4, None)  # unchanged health
        record_next_runs(session, {"board": None})
    with sessions.begin() as session:
        source = session.get(Source, source_id)
        assert source is not None
        assert (source.backoff_until, source.next_run_at) == (None, None)
        assert (source.consecutive_failures, source.health_changed_at) == (4, changed)
