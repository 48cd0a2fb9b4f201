"""Retention on both engines: old rows of each kind go, young and protected ones stay, in
batches; a dry run counts the same rows and deletes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session, sessionmaker

from crawler.core.config import RetentionConfig
from db.engine import make_engine, make_session_factory
from db.models import (
    CrawlRun,
    Entity,
    Evidence,
    Hit,
    Incident,
    OutboxMessage,
    PossibleHit,
    Post,
    Source,
)
from db.retention import _candidates, _delete, apply_retention

NOW = datetime(2026, 12, 7, 4, 0, tzinfo=UTC)
OLD = NOW - timedelta(days=400)
YOUNG = NOW - timedelta(days=1)


@pytest.fixture
def sessions(migrated_url: str) -> Iterator[sessionmaker[Session]]:
    engine = make_engine(migrated_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()


@dataclass
class World:
    """Ids of the rows each test looks for."""

    posts: dict[str, int]
    runs: dict[str, int]
    outbox: dict[str, int]
    incidents: dict[str, int]


def _post(session: Session, source: Source, name: str, first: datetime, last: datetime) -> Post:
    post = Post(
        source=source,
        external_id=name,
        title=name,
        content_hash=name,
        first_seen=first,
        last_seen=last,
    )
    session.add(post)
    session.flush()
    return post


def _hit(session: Session, post: Post, entity: Entity, **fields: object) -> Hit:
    hit = Hit(post=post, entity=entity, matched="x", score=1.0, **fields)
    session.add(hit)
    session.flush()
    return hit


def _evidence(session: Session, post: Post, path: str) -> None:
    session.add(
        Evidence(
            post_id=post.id,
            url="http://127.0.0.1:1/",
            html_sha256=path[-8:].rjust(64, "0"),
            html_bytes=10,
            screenshot_path=path,
            captured_at=OLD,
        )
    )


def _outbox(session: Session, key: str, status: str, at: datetime, hit: Hit | None) -> int:
    message = OutboxMessage(
        channel="slack",
        payload={},
        idempotency_key=key,
        status=status,
        created_at=at,
        next_attempt_at=at,
        delivered_at=at if status == "delivered" else None,
        hit_id=hit.id if hit else None,
    )
    session.add(message)
    session.flush()
    return message.id


def _world(sessions: sessionmaker[Session]) -> World:
    with sessions.begin() as session:
        board = Source(name="board", kind="forum", engine="mybb")
        idle = Source(name="idle", kind="forum", engine="mybb")
        entity = Entity(key="lab:x", kind="lab", name="Lab X")
        session.add_all([board, idle, entity])
        session.flush()
        posts = {
            "quiet_old": _post(session, board, "quiet_old", OLD, OLD),
            "quiet_still_seen": _post(session, board, "quiet_still_seen", OLD, YOUNG),
            "hit_old": _post(session, board, "hit_old", OLD, OLD),
            "possible_old": _post(session, board, "possible_old", OLD, OLD),
            "fp_old": _post(session, board, "fp_old", OLD, OLD),
            "fp_young": _post(session, board, "fp_young", OLD, OLD),
            "alerting_old": _post(session, board, "alerting_old", OLD, OLD),
        }
        incident = Incident(entity=entity, first_seen=OLD, last_seen=OLD)
        empty_incident = Incident(entity=entity, first_seen=OLD, last_seen=OLD)
        session.add_all([incident, empty_incident])
        session.flush()
        _hit(session, posts["hit_old"], entity, created_at=OLD, incident=incident)
        session.add(
            PossibleHit(
                post=posts["possible_old"], field="title", start=0, end=1, matched="x",
                score=0.5, created_at=OLD,
            )
        )  # fmt: skip
        for name, triaged in (("fp_old", OLD), ("fp_young", YOUNG)):
            _hit(
                session, posts[name], entity, created_at=OLD,
                triage_status="false_positive", triaged_at=triaged,
            )  # fmt: skip
        alerting = _hit(session, posts["alerting_old"], entity, created_at=OLD)
        _evidence(session, posts["fp_old"], "/data/evidence/board/fp-old.png")
        _evidence(session, posts["fp_young"], "/data/evidence/board/fp-young.png")
        # One listing page gave two posts: its screenshot is shared.
        _evidence(session, posts["fp_old"], "/data/evidence/board/shared.png")
        _evidence(session, posts["hit_old"], "/data/evidence/board/shared.png")
        outbox = {
            "delivered_old": _outbox(session, "a", "delivered", OLD, None),
            "dead_old": _outbox(session, "b", "dead", OLD, None),
            "pending_old": _outbox(session, "c", "pending", OLD, alerting),
            "held_old": _outbox(session, "d", "held", OLD, None),
            "delivered_young": _outbox(session, "e", "delivered", YOUNG, None),
        }
        runs = {}
        for name, source, started, status in (
            ("old", board, OLD, "ok"),
            ("old_running", board, OLD, "running"),
            ("young", board, YOUNG, "ok"),
            ("idle_newest", idle, OLD, "ok"),
        ):
            run = CrawlRun(source=source, started_at=started, finished_at=started, status=status)
            session.add(run)
            session.flush()
            runs[name] = run.id
        return World(
            {name: post.id for name, post in posts.items()},
            runs,
            outbox,
            {"with_hits": incident.id, "empty": empty_incident.id},
        )


def _ids(session: Session, column: object) -> set[int]:
    return set(session.execute(select(column)).scalars())  # type: ignore[call-overload]


def test_defaults_delete_old_history_and_keep_findings(sessions: sessionmaker[Session]) -> None:
    world = _world(sessions)
    report = apply_retention(sessions, RetentionConfig(), NOW)
    assert report.counts == {
        "outbox": 2,
        "quiet_posts": 1,
        "false_positive_evidence": 2,
        "runs": 1,
    }
    assert report.files == ["/data/evidence/board/fp-old.png"]
    with sessions() as session:
        assert _ids(session, Post.id) == set(world.posts.values()) - {world.posts["quiet_old"]}
        assert _ids(session, OutboxMessage.id) == {
            world.outbox[name] for name in ("pending_old", "held_old", "delivered_young")
        }
        assert _ids(session, CrawlRun.id) == {
            world.runs[name] for name in ("old_running", "young", "idle_newest")
        }
        assert _ids(session, Incident.id) == set(world.incidents.values())
        screenshots = list(session.execute(select(Evidence.screenshot_path)).scalars())
        assert len(screenshots) == 4  # the rows (page hashes) stay
        assert sorted(path for path in screenshots if path) == [
            "/data/evidence/board/fp-young.png",
            "/data/evidence/board/shared.png",
        ]
    again = apply_retention(sessions, RetentionConfig(), NOW)
    assert sum(again.counts.values()) == 0


def test_a_dry_run_counts_the_same_rows_and_deletes_nothing(
    sessions: sessionmaker[Session],
) -> None:
    _world(sessions)
    config = RetentionConfig()

    def sizes() -> list[int]:
        with sessions() as session:
            tables = (Post.id, Hit.id, OutboxMessage.id, CrawlRun.id, Incident.id)
            counted = [session.execute(select(func.count(c))).scalar_one() for c in tables]
            paths = select(func.count(Evidence.screenshot_path))
            return [*counted, session.execute(paths).scalar_one()]

    before = sizes()
    dry = apply_retention(sessions, config, NOW, dry_run=True)
    assert sizes() == before
    assert dry.files == []
    done = apply_retention(sessions, config, NOW)
    assert sizes() != before
    assert dry.counts == done.counts


def test_a_dry_run_with_a_finding_age_counts_each_kind_as_it_stands(
    sessions: sessionmaker[Session],
) -> None:
    _world(sessions)
    config = RetentionConfig(finding_days=365)
    dry = apply_retention(sessions, config, NOW, dry_run=True)
    done = apply_retention(sessions, config, NOW)
    # Deleting fp_old as a finding takes its screenshots with it, and empties one more
    # incident: the dry run, counting each kind against today's rows, cannot know that.
    assert dry.counts["finding_posts"] == done.counts["finding_posts"] == 3
    assert (dry.counts["false_positive_evidence"], done.counts["false_positive_evidence"]) == (2, 0)
    assert (dry.counts["incidents"], done.counts["incidents"]) == (1, 2)


def test_findings_go_only_when_an_age_is_set_and_no_alert_waits(
    sessions: sessionmaker[Session],
) -> None:
    world = _world(sessions)
    report = apply_retention(sessions, RetentionConfig(finding_days=365), NOW)
    # hit_old, possible_old, fp_old, fp_young (triaged a day ago is younger than a year:
    # kept), and alerting_old is waited for by a pending alert.
    assert report.counts["finding_posts"] == 3
    assert report.counts["incidents"] == 2
    with sessions() as session:
        assert _ids(session, Post.id) == {
            world.posts[name] for name in ("quiet_still_seen", "fp_young", "alerting_old")
        }
        assert _ids(session, Incident.id) == set()
        assert world.outbox["pending_old"] in _ids(session, OutboxMessage.id)
    assert sorted(report.files) == [
        "/data/evidence/board/fp-old.png",
        "/data/evidence/board/shared.png",
    ]


def test_deletes_in_batches_until_nothing_is_left(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        board = Source(name="board", kind="forum", engine="mybb")
        session.add(board)
        for number in range(7):
            _post(session, board, f"p{number}", OLD, OLD)
    engine = sessions.kw["bind"]
    events: list[str] = []

    def on_execute(*args: Any) -> None:
        if args[2].lstrip().upper().startswith("DELETE FROM POSTS"):
            events.append("delete")

    def on_commit(_connection: Any) -> None:
        if events and events[-1] == "delete":
            events.append("commit")

    event.listen(engine, "before_cursor_execute", on_execute)
    event.listen(engine, "commit", on_commit)
    report = apply_retention(sessions, RetentionConfig(), NOW, batch_size=3)
    assert report.counts["quiet_posts"] == 7
    assert events == ["delete", "commit"] * 3  # 3 + 3 + 1, one transaction each
    with sessions() as session:
        assert session.execute(select(func.count(Post.id))).scalar_one() == 0


def test_the_configuration_refuses_bad_ages() -> None:
    assert RetentionConfig().finding_days is None
    for field, value in (
        ("run_days", 0),
        ("quiet_post_days", -1),
        ("outbox_days", "soon"),
        ("false_positive_evidence_days", 0),
        ("finding_days", 7),  # findings are a record: no less than a month
        ("post_days", 30),  # no such key
    ):
        with pytest.raises(ValueError, match=field):
            RetentionConfig(**{field: value})


def test_a_post_that_found_a_hit_since_it_was_picked_is_not_deleted(
    sessions: sessionmaker[Session],
) -> None:
    """Between picking a batch and deleting it, a crawl may store a hit on one of its posts:
    the delete checks the conditions again."""
    world = _world(sessions)
    quiet = _candidates(RetentionConfig(), NOW)["quiet_posts"]
    with sessions.begin() as session:
        picked = list(session.execute(quiet).scalars())
        assert picked == [world.posts["quiet_old"]]
        entity = session.execute(select(Entity)).scalar_one()
        post = session.get(Post, picked[0])
        assert post is not None
        _hit(session, post, entity, created_at=NOW)
        assert quiet.whereclause is not None
        assert _delete(session, "quiet_posts", picked, quiet.whereclause) == (0, [])
    with sessions() as session:
        assert session.get(Post, picked[0]) is not None


def test_a_stopping_daemon_ends_the_pass_between_batches(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        board = Source(name="board", kind="forum", engine="mybb")
        session.add(board)
        for number in range(7):
            _post(session, board, f"p{number}", OLD, OLD)
    asked: list[int] = []

    def stopping() -> bool:
        asked.append(1)
        return len(asked) > 2  # outbox, then one batch of posts

    report = apply_retention(sessions, RetentionConfig(), NOW, batch_size=3, stopping=stopping)
    assert report.counts["quiet_posts"] == 3
    with sessions() as session:
        assert session.execute(select(func.count(Post.id))).scalar_one() == 4
    assert apply_retention(sessions, RetentionConfig(), NOW).counts["quiet_posts"] == 4
