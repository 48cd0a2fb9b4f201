"""Leak-site state: fresh victims, fingerprints to the day, a complete listing prunes the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from crawler.core.items import LeakSitePost
from spiders.leaksites.state import KNOWN_POSTS_LIMIT, LeakSiteState, fingerprint

T0 = datetime(2024, 11, 20, 9, 0, tzinfo=UTC)


def post(title: str = "CHU de Rennes", **fields: Any) -> LeakSitePost:
    return LeakSitePost(post_title=title, group_name="play", **{"published": T0, **fields})


def test_new_then_known_then_changed() -> None:
    state: dict[str, Any] = {}
    tracker = LeakSiteState(state)
    assert tracker.is_fresh("play:a", post())
    tracker.remember("play:a", post())
    assert not tracker.is_fresh("play:a", post())
    assert not tracker.is_fresh("play:a", post(published=T0 + timedelta(hours=3)))  # same day
    assert tracker.is_fresh("play:a", post(published=T0 + timedelta(days=2)))
    assert tracker.is_fresh("play:a", post(website="www.chu-rennes.fr"))
    tracker.forget("play:a")
    assert tracker.is_fresh("play:a", post()) and state == {"posts": {}}


def test_complete_listing_keeps_only_listed_victims_for_one_run() -> None:
    state: dict[str, Any] = {"posts": {}, "listing_complete": True, "seen_ids": ["old"]}
    tracker = LeakSiteState(state)
    assert state == {"posts": {}}  # a run starts without the previous run's listing
    for key in ("play:a", "play:b", "play:c"):
        tracker.remember(key, post(key))
    tracker.complete(["play:c", "play:a", "play:a"])
    assert state["listing_complete"] is True and state["seen_ids"] == ["play:a", "play:c"]
    assert sorted(state["posts"]) == ["play:a", "play:c"]
    assert state["posts"]["play:a"] == fingerprint(post("play:a"))


def test_state_is_bounded_and_survives_garbage() -> None:
    state: dict[str, Any] = {"posts": ["not", "a", "table"]}
    tracker = LeakSiteState(state)
    for number in range(KNOWN_POSTS_LIMIT + 5):
        tracker.remember(f"play:{number}", post(str(number)))
    assert len(state["posts"]) == KNOWN_POSTS_LIMIT and "play:0" not in state["posts"]
