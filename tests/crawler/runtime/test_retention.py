"""The retention pass on files: false positives' screenshots no row refers to are deleted (only
under <data_dir>/evidence), page snapshots are pruned; a dry run touches nothing. The daemon
runs it and logs one line; ``leakwatch retention`` prints the counts."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from crawler.cli import app
from crawler.core.config import Settings
from crawler.runtime.daemon import Daemon
from crawler.runtime.retention import run_retention
from db.engine import make_engine, make_session_factory
from db.models import CrawlRun, Entity, Evidence, Hit, Post, Source, utcnow

NOW = utcnow()
OLD = NOW - timedelta(days=400)


@pytest.fixture
def sessions(migrated_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(migrated_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


def _dismissed_post_with_screenshots(
    sessions: sessionmaker[Session], paths: list[Path], snapshot: Path
) -> None:
    """An old post whose only hit is an old false positive, with one evidence row per path,
    and an old run whose snapshot is ``snapshot``."""
    with sessions.begin() as session:
        board = Source(name="board", kind="forum", engine="mybb")
        entity = Entity(key="lab:x", kind="lab", name="Lab X")
        post = Post(
            source=board, external_id="1", title="t", content_hash="h",
            first_seen=OLD, last_seen=OLD,
        )  # fmt: skip
        session.add_all([board, entity, post])
        session.flush()
        session.add(
            Hit(
                post=post, entity=entity, matched="x", score=1.0, created_at=OLD,
                triage_status="false_positive", triaged_at=OLD,
            )
        )  # fmt: skip
        for number, path in enumerate(paths):
            session.add(
                Evidence(
                    post_id=post.id, url="http://127.0.0.1:1/", html_sha256=str(number) * 64,
                    html_bytes=1, screenshot_path=str(path), captured_at=OLD,
                )
            )  # fmt: skip
        session.add(CrawlRun(source=board, started_at=NOW, snapshot_path=str(snapshot)))


def _file(path: Path, age_days: int = 0) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"x")
    stamp = (NOW - timedelta(days=age_days)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_screenshots_and_snapshots_go_and_a_dry_run_keeps_them(
    sessions: sessionmaker[Session], migrated_url: str, tmp_path: Path
) -> None:
    data_dir = tmp_path / "data"
    screenshot = _file(data_dir / "evidence" / "board" / "a.png")
    outside = _file(tmp_path / "elsewhere.png")
    snapshot = _file(data_dir / "snapshots" / "board" / "run-1-parser_broken.html", 60)
    young_snapshot = _file(data_dir / "snapshots" / "board" / "run-2-parser_broken.html", 1)
    _dismissed_post_with_screenshots(sessions, [screenshot, outside], snapshot)
    settings = Settings(database_url=migrated_url, data_dir=data_dir)

    dry = run_retention(sessions, settings, NOW, dry_run=True)
    assert dry.counts["false_positive_evidence"] == 2
    assert dry.counts["snapshots"] == 1
    assert screenshot.exists() and snapshot.exists()

    done = run_retention(sessions, settings, NOW)
    assert done.counts["false_positive_evidence"] == 2
    assert done.counts["evidence_files"] == 1
    assert done.counts["snapshots"] == 1
    assert not screenshot.exists()
    assert outside.exists()  # not under <data_dir>/evidence: never deleted
    assert not snapshot.exists() and young_snapshot.exists()
    with sessions() as session:
        assert session.execute(select(CrawlRun.snapshot_path)).scalar_one() is None
        assert set(session.execute(select(Evidence.screenshot_path)).scalars()) == {None}
    assert "evidence_files=1" in done.summary()


def test_the_daemon_logs_one_line_of_counts(
    sessions: sessionmaker[Session],
    migrated_url: str,
    tmp_path: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    screenshot = _file(tmp_path / "data" / "evidence" / "board" / "a.png")
    _dismissed_post_with_screenshots(sessions, [screenshot], tmp_path / "none.html")
    settings = Settings(database_url=migrated_url, data_dir=tmp_path / "data")
    daemon = Daemon(settings, None)
    try:
        with caplog.at_level(logging.INFO, logger="crawler.runtime.daemon"):
            daemon.apply_retention()
    finally:
        daemon.engine.dispose()
    lines = [r.getMessage() for r in caplog.records if r.getMessage().startswith("retention")]
    assert lines == [
        "retention: deleted outbox=0, quiet_posts=0, false_positive_evidence=1, runs=0, "
        "evidence_files=1, snapshots=0"
    ]


def test_cli_dry_run_prints_counts_and_deletes_nothing(database_url: str, tmp_path: Path) -> None:
    config = tmp_path / "leakwatch.toml"
    config.write_text(f'database_url = "{database_url}"\ndata_dir = "{tmp_path / "data"}"\n')
    runner = CliRunner()
    first = runner.invoke(app, ["--config", str(config), "retention", "--dry-run", "-f", "json"])
    assert first.exit_code == 0, first.output
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            board = Source(name="board", kind="forum", engine="mybb")
            session.add(board)
            session.add(
                Post(
                    source=board, external_id="1", title="t", content_hash="h",
                    first_seen=OLD, last_seen=OLD,
                )
            )  # fmt: skip
        dry = runner.invoke(app, ["--config", str(config), "retention", "--dry-run", "-f", "json"])
        assert dry.exit_code == 0, dry.output
        assert {"kind": "quiet_posts", "count": 1} in json.loads(dry.stdout)
        with make_session_factory(engine)() as session:
            assert session.execute(select(Post.id)).scalar_one_or_none() is not None
        done = runner.invoke(app, ["--config", str(config), "retention", "-f", "json"])
        assert {"kind": "quiet_posts", "count": 1} in json.loads(done.stdout)
        with make_session_factory(engine)() as session:
            assert session.execute(select(Post.id)).scalar_one_or_none() is None
    finally:
        engine.dispose()
