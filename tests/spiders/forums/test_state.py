"""Incremental state: new and changed threads, bounded memory."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.core.items import ForumThread
from spiders.forums import state as forum_state
from spiders.forums.state import ForumState

T0 = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def thread(thread_id: str, replies: int | None = 0, last: datetime | None = T0) -> ForumThread:
    return ForumThread(
        thread_id,
        f"t{thread_id}",
        f"http://f.example/{thread_id}",
        replies=replies,
        last_post_at=last,
    )


def test_new_changed_and_unchanged_threads() -> None:
    state: dict = {}
    section = ForumState(state).section("http://f.example/s")
    assert section.is_fresh(thread("1"))
    section.remember(thread("1", replies=3))
    assert not section.is_fresh(thread("1", replies=3, last=T0 + timedelta(seconds=30)))
    assert section.is_fresh(thread("1", replies=4))
    assert state == {
        "sections": {
            "http://f.example/s": {"threads": {"1": [3, int(T0.timestamp())]}, "max_id": 1}
        }
    }


def test_without_reply_counts_the_last_post_time_decides() -> None:
    section = ForumState({}).section("s")
    section.remember(thread("7", replies=None))
    assert not section.is_fresh(thread("7", replies=None, last=T0 + timedelta(seconds=60)))
    assert section.is_fresh(thread("7", replies=None, last=T0 + timedelta(minutes=10)))


def test_state_survives_json_and_is_bounded(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(forum_state, "KNOWN_THREADS_LIMIT", 8)
    state: dict = {"sections": {}}
    section = ForumState(state).section("s")
    rules = thread("100", last=T0 - timedelta(days=400))
    rules.sticky = True
    section.remember(rules)
    for number in range(1, 30):
        section.remember(thread(str(number), last=T0 + timedelta(minutes=number)))
    kept = state["sections"]["s"]["threads"]
    assert len(kept) <= 8 + 8 // 4
    assert "29" in kept and "1" not in kept and "100" in kept
    assert state["sections"]["s"]["max_id"] == 100
    section.forget("29")
    assert ForumState(state).section("s").is_fresh(thread("29"))
