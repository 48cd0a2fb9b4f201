"""Incremental state of a leak-site source: the victims listed, each with a fingerprint.

The state is the JSON object the crawl runner saves between runs (``SourceSpider.state``)::

    {"posts": {"<external id>": "<fingerprint>", …},
     "pending_pages": {"<external id>": <failed runs>, …},
     "given_up_pages": {"<external id>": "<why>", …}}

A victim is *fresh* when its id is unknown or its fingerprint changed (title, website, country,
listing description, post URL, dates to the day, status). Only fresh victims are yielded (and
have their victim page fetched); every victim of the listing is reported in ``seen_ids``, and
the run recorder refreshes ``last_seen`` of those it did not receive. After a complete listing
the state keeps only the victims still listed, so a victim that comes back is new again.

``pending_pages`` are the victims whose own page is still to be read: skipped for a cap (0
failures) or failed (HTTP error, unreachable) in that many runs; they are read on the next runs
even when their listing fields did not change. A page that failed in PAGE_ATTEMPTS runs is
given up (``given_up_pages``, with why) until the victim's listing fields change.

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
#: Runs in which a victim page may fail before it is given up.
PAGE_ATTEMPTS = 3


class LeakSiteState:
    """The known victims of a source, backed by the spider's JSON ``state`` dict."""

    def __init__(self, state: dict[str, Any]) -> None:
        posts = state.get("posts")
        if not isinstance(posts, dict):
            posts = state["posts"] = {}
        self.state = state
        self.posts: dict[str, str] = posts
        self.pending: dict[str, int] = _table(state, "pending_pages")
        self.given_up: dict[str, str] = _table(state, "given_up_pages")
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

    def is_known(self, post_id: str) -> bool:
        """True when an earlier run saw the victim."""
        return post_id in self.posts

    def page_pending(self, post_id: str) -> bool:
        """True when the victim's page is still to be read (skipped or failed before)."""
        return post_id in self.pending

    def page_read(self, post_id: str) -> None:
        """The victim's page was read: nothing is pending for it any more."""
        self.pending.pop(post_id, None)
        self.given_up.pop(post_id, None)

    def page_skipped(self, post_id: str) -> None:
        """The victim's page was not requested this run (a cap): read it on a next run."""
        self.pending.setdefault(post_id, 0)

    def page_failed(self, post_id: str, why: str) -> int | None:
        """The victim's page failed once more; returns the runs it failed in when it is now
        given up (PAGE_ATTEMPTS reached), else None (retried next run)."""
        failures = self.pending.get(post_id, 0) + 1
        if failures < PAGE_ATTEMPTS:
            self.pending[post_id] = failures
            return None
        self.pending.pop(post_id, None)
        self.given_up[post_id] = f"{why} ({failures} runs)"
        return failures

    def complete(self, seen_ids: Iterable[str]) -> None:
        """The whole listing was read: keep only its victims, tell the runner which they are."""
        seen = sorted(set(seen_ids))
        kept = set(seen)
        for post_id in [known for known in self.posts if known not in kept]:
            del self.posts[post_id]
        for table in (self.pending, self.given_up):
            for post_id in [known for known in table if known not in kept]:
                del table[post_id]
        self.state["listing_complete"] = True
        self.state["seen_ids"] = seen


def _table(state: dict[str, Any], key: str) -> Any:
    table = state.get(key)
    if not isinstance(table, dict):
        table = state[key] = {}
    return table


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
