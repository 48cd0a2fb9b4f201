"""Incremental state of a leak-site source: the victims listed, each with a fingerprint.

The state is the JSON object the crawl runner saves between runs (``SourceSpider.state``)::

    {"posts": {"<external id>": "<fingerprint>", …}}

A victim is *fresh* when its id is unknown or its fingerprint changed (title, website, country,
listing description, post URL, dates to the day, status). Only fresh victims are yielded (and
have their victim page fetched); every victim of the listing is reported in ``seen_ids``, and
the run recorder refreshes ``last_seen`` of those it did not receive. After a complete listing
the state keeps only the victims still listed, so a victim that comes back is new again.

``listing_complete`` and ``seen_ids`` describe one run: they are cleared when a run starts.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from spiders.leaksites.items import LeakSitePost

#: Victims remembered at most (an incomplete listing never shrinks the state).
KNOWN_POSTS_LIMIT = 20_000


class LeakSiteState:
    """The known victims of a source, backed by the spider's JSON ``state`` dict."""

    def __init__(self, state: dict[str, Any]) -> None:
        posts = state.get("posts")
        if not isinstance(posts, dict):
            posts = state["posts"] = {}
        self.state = state
        self.posts: dict[str, str] = posts
        state.pop("listing_complete", None)
        state.pop("seen_ids", None)

    def is_fresh(self, post_id: str, post: LeakSitePost) -> bool:
        """True when the victim is unknown or its listing fields changed."""
        return self.posts.get(post_id) != fingerprint(post)

    def remember(self, post_id: str, post: LeakSitePost) -> None:
        """Record the victim as seen with its current listing fields."""
        self.posts[post_id] = fingerprint(post)
        while len(self.posts) > KNOWN_POSTS_LIMIT:
            del self.posts[next(iter(self.posts))]

    def forget(self, post_id: str) -> None:
        """Drop a victim, so that the next run treats it as new."""
        self.posts.pop(post_id, None)

    def complete(self, seen_ids: Iterable[str]) -> None:
        """The whole listing was read: keep only its victims, tell the runner which they are."""
        seen = sorted(set(seen_ids))
        kept = set(seen)
        for post_id in [known for known in self.posts if known not in kept]:
            del self.posts[post_id]
        self.state["listing_complete"] = True
        self.state["seen_ids"] = seen


def fingerprint(post: LeakSitePost) -> str:
    """Short hash of a victim's listing fields and status; dates count to the day (countdowns
    move)."""
    parts = (
        post.post_title,
        post.website or "",
        post.country or "",
        post.description,
        post.post_url or "",
        _day(post.published),
        _day(post.discovered),
        post.status or "",
    )
    return hashlib.sha256("\0".join(parts).encode("utf-8", "replace")).hexdigest()[:16]


def _day(moment: datetime | None) -> str:
    return moment.date().isoformat() if moment is not None else ""
