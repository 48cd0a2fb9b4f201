"""Leak-site state: fresh victims, fingerprints to the day, a complete listing prunes the rest."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from spiders.leaksites.items import LeakSitePost
from spiders.leaksites.state import KNOWN_POSTS_LIMIT, PAGE_ATTEMPTS, LeakSiteState, fingerprint

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
    assert tracker.is_fresh("play:a", post(status="published"))


def test_victim_pages_pending_then_read_or_given_up() -> None:
    state: dict[str, Any] = {}
    tracker = LeakSiteState(state)
    tracker.page_skipped("play:a")
    assert tracker.page_pending("play:a") and state["pending_pages"] == {"play:a": 0}
    tracker.page_read("play:a")
    assert not tracker.page_pending("play:a")
    assert [tracker.page_failed("play:b", "HTTP 404") for _ in range(PAGE_ATTEMPTS)] == [
        *[None] * (PAGE_ATTEMPTS - 1),
        PAGE_ATTEMPTS,
    ]
    assert state["pending_pages"] == {} and not tracker.page_pending("play:b")
    assert state["given_up_pages"] == {"play:b": f"HTTP 404 ({PAGE_ATTEMPTS} runs)"}
    tracker.page_skipped("play:c")
    tracker.complete(["play:a"])  # victims no longer listed leave every table
    assert state["pending_pages"] == {} and state["given_up_pages"] == {}


def test_complete_listing_keeps_only_listed_victims_for_one_run() -> None:
    state: dict[str, Any] = {"posts": {}, "listing_complete": True, "seen_ids": ["old"]}
    tracker = LeakSiteState(state)
    # a run starts without the previous run's listing
    assert state == {"posts": {}, "pending_pages": {}, "given_up_pages": {}}
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
