"""Upserts: a post crawled twice is one row with a fresh last_seen; concurrent writers agree."""

from __future__ import annotations

import multiprocessing
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, text

from crawler.core.config import SourceConfig
from db.engine import make_engine, make_session_factory
from db.models import Post
from db.repository import (
    EXTERNAL_ID_LENGTH,
    PostRow,
    count_posts,
    mark_listed,
    mark_removed,
    sync_sources,
    upsert_posts,
)

T0 = datetime(2024, 11, 19, 8, 50, tzinfo=UTC)


def _source() -> SourceConfig:
    return SourceConfig(
        name="demo-forum", kind="forum", engine="mybb", start_urls=["http://127.0.0.1:1/f"]
    )


def _row(external_id: str, title: str = "Selling clinic db", text_hash: str = "h1") -> PostRow:
    return PostRow(
        external_id=external_id,
        url=f"http://127.0.0.1:1/t/{external_id}",
        title=title,
        author="seller",
        posted_at=T0,
        activity_at=T0,
        content_hash=text_hash,
        excerpt="",
        raw_length=10,
        tags=["[SELLING]"],
        extra={"replies": 3},
    )


def _session_factory(url: str):  # type: ignore[no-untyped-def]
    engine = make_engine(url)
    return engine, make_session_factory(engine)


def test_same_post_twice_is_one_row_with_updated_last_seen(migrated_url: str) -> None:
    engine, sessions = _session_factory(migrated_url)
    with sessions.begin() as session:
        source_id = sync_sources(session, [_source()])["demo-forum"]
        first = upsert_posts(session, source_id, [_row("42")], now=T0)
    later = T0 + timedelta(minutes=5)
    with sessions.begin() as session:
        second = upsert_posts(session, source_id, [_row("42", text_hash="h2")], now=later)
    with sessions.begin() as session:
        posts = session.execute(select(Post)).scalars().all()
        assert len(posts) == 1
        assert posts[0].first_seen == T0
        assert posts[0].last_seen == later
        assert posts[0].content_hash == "h2"
    assert first[0].is_new and not first[0].changed
    assert not second[0].is_new and second[0].changed
    assert first[0].id == second[0].id
    engine.dispose()


def test_duplicates_within_one_batch_collapse(migrated_url: str) -> None:
    engine, sessions = _session_factory(migrated_url)
    with sessions.begin() as session:
        source_id = sync_sources(session, [_source()])["demo-forum"]
        stored = upsert_posts(session, source_id, [_row("1"), _row("1", title="edited")])
        assert len(stored) == 1
        assert count_posts(session, source_id) == 1
    engine.dispose()


def test_removed_post_is_marked_and_cleared_when_seen_again(migrated_url: str) -> None:
    engine, sessions = _session_factory(migrated_url)
    with sessions.begin() as session:
        source_id = sync_sources(session, [_source()])["demo-forum"]
        upsert_posts(session, source_id, [_row("a"), _row("b")], now=T0)
        assert mark_removed(session, source_id, ["a"], now=T0) == 1
    with sessions.begin() as session:
        removed = session.execute(select(Post).where(Post.external_id == "b")).scalar_one()
        assert removed.removed_at == T0
        upsert_posts(session, source_id, [_row("b")], now=T0 + timedelta(hours=1))
    with sessions.begin() as session:
        again = session.execute(select(Post).where(Post.external_id == "b")).scalar_one()
        assert again.removed_at is None
    engine.dispose()


def test_complete_listing_of_many_posts_marks_refreshes_and_restores(migrated_url: str) -> None:
    engine, sessions = _session_factory(migrated_url)
    long_id = "x" * 300  # stored cut to the column length, listed in full by the spider
    ids = [f"play:/topic.php?id={n}" for n in range(1200)]
    with sessions.begin() as session:
        source_id = sync_sources(session, [_source()])["demo-forum"]
        other_id = sync_sources(session, [_source().model_copy(update={"name": "other"})])["other"]
        stored = [
            *ids,
            long_id[:EXTERNAL_ID_LENGTH],
        ]  # as post_row cuts it
        upsert_posts(session, source_id, [_row(i) for i in stored], now=T0)
        upsert_posts(session, other_id, [_row("elsewhere")], now=T0)
    listed = [i for n, i in enumerate(ids) if n % 100] + [long_id]  # 12 victims gone
    later = T0 + timedelta(hours=1)
    with sessions.begin() as session:
        assert mark_removed(session, source_id, listed, now=later) == 12
        assert mark_listed(session, source_id, listed, now=later) == 0
    with sessions.begin() as session:
        posts = {p.external_id: p for p in session.execute(select(Post)).scalars()}
        assert len(posts) == 1202 and len(posts[long_id[:EXTERNAL_ID_LENGTH]].external_id) == 255
        assert sorted(i for i, p in posts.items() if p.removed_at) == sorted(
            ids[n] for n in range(0, 1200, 100)
        )
        assert posts[ids[1]].last_seen == later and posts[ids[0]].last_seen == T0
        assert posts["elsewhere"].removed_at is None and posts["elsewhere"].last_seen == T0
        assert posts[long_id[:EXTERNAL_ID_LENGTH]].removed_at is None
    again = T0 + timedelta(hours=2)
    with sessions.begin() as session:
        assert mark_removed(session, source_id, ids, now=again) == 1  # the long one, now gone
        assert mark_listed(session, source_id, ids, now=again) == 12  # the twelve came back
    with sessions.begin() as session:
        posts = {p.external_id: p for p in session.execute(select(Post)).scalars()}
        assert [i for i, p in posts.items() if p.removed_at] == [long_id[:EXTERNAL_ID_LENGTH]]
        assert posts[ids[0]].last_seen == again and posts[ids[0]].removed_at is None
    engine.dispose()


def test_sync_sources_is_an_upsert(migrated_url: str) -> None:
    engine, sessions = _session_factory(migrated_url)
    with sessions.begin() as session:
        first = sync_sources(session, [_source()])
    with sessions.begin() as session:
        second = sync_sources(session, [_source()])
    assert first == second
    engine.dispose()


def _writer(url: str, start: int) -> None:
    engine, sessions = _session_factory(url)
    for batch in range(10):
        rows = [_row(str((start + batch * 20 + n) % 200)) for n in range(20)]
        with sessions.begin() as session:
            source_id = sync_sources(session, [_source()])["demo-forum"]
            upsert_posts(session, source_id, rows)
    engine.dispose()


def test_concurrent_writers_create_no_duplicates(migrated_url: str) -> None:
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_writer, args=(migrated_url, s)) for s in (0, 7)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
        assert worker.exitcode == 0
    engine, sessions = _session_factory(migrated_url)
    with sessions.begin() as session:
        assert count_posts(session) == 200
    engine.dispose()


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(f"sqlite:///{tmp_path / 'x' / 'lw.db'}")
    with engine.connect() as connection:
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
    engine.dispose()
