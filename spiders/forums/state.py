"""Incremental state of a forum source: per section, the threads seen and their activity.

The state is the JSON object the crawl runner saves between runs (``SourceSpider.state``)::

    {"sections": {"<section URL>": {"max_id": 1234,
                                     "threads": {"1234": [replies, last_post_epoch], …}}}}

(a third element, 1, marks a sticky thread).

A thread is *new* when its id is unknown, *changed* when its reply count (or, without one,
its last-post time) moved. Listings are sorted by last activity, so the crawl stops paging a
section at the first page whose non-sticky threads are all known and unchanged. Each section
keeps its :data:`KNOWN_THREADS_LIMIT` most recently active threads: enough to cover the pages
a recrawl reads, bounded however large the forum; stickies are always kept, since they sit on
the first page however old they are.
"""

from __future__ import annotations

from typing import Any

from crawler.core.items import ForumThread

KNOWN_THREADS_LIMIT = 2000
#: Last-post times closer than this are the same time (relative dates are minute-precise).
SAME_TIME_SECONDS = 90


class SectionState:
    """The known threads of one section, stored in (and changed inside) the JSON state."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.threads: dict[str, list[int | None]] = data.setdefault("threads", {})
        data.setdefault("max_id", 0)

    def is_fresh(self, thread: ForumThread) -> bool:
        """True when ``thread`` is unknown or its activity changed since it was last seen."""
        known = self.threads.get(thread.thread_id)
        if known is None:
            return True
        replies, last_post = known[0], known[1]
        if thread.replies is not None and replies is not None:
            return thread.replies != replies
        epoch = _epoch(thread)
        if epoch is not None and last_post is not None:
            return abs(epoch - last_post) > SAME_TIME_SECONDS
        return False

    def remember(self, thread: ForumThread) -> None:
        """Record ``thread`` as seen with its current activity."""
        known: list[int | None] = [thread.replies, _epoch(thread)]
        if thread.sticky:
            known.append(1)
        self.threads[thread.thread_id] = known
        if thread.thread_id.isdigit():
            self.data["max_id"] = max(int(self.data["max_id"]), int(thread.thread_id))
        if len(self.threads) > KNOWN_THREADS_LIMIT + KNOWN_THREADS_LIMIT // 4:
            self.trim()

    def forget(self, thread_id: str) -> None:
        """Drop a thread, so that the next run treats it as new."""
        self.threads.pop(thread_id, None)

    def trim(self) -> None:
        """Keep the stickies and the most recently active threads, at most the limit."""
        ranked = sorted(
            self.threads.items(),
            key=lambda item: (len(item[1]) > 2, item[1][1] or 0, _numeric(item[0])),
            reverse=True,
        )
        self.threads.clear()
        self.threads.update(ranked[:KNOWN_THREADS_LIMIT])


class ForumState:
    """All sections of a source, backed by the spider's JSON ``state`` dict."""

    def __init__(self, state: dict[str, Any]) -> None:
        sections = state.get("sections")
        if not isinstance(sections, dict):
            sections = state["sections"] = {}
        self._sections = sections

    def section(self, key: str) -> SectionState:
        """The state of the section whose first page is ``key``."""
        data = self._sections.get(key)
        if not isinstance(data, dict):
            data = self._sections[key] = {}
        return SectionState(data)


def _epoch(thread: ForumThread) -> int | None:
    return int(thread.last_post_at.timestamp()) if thread.last_post_at else None


def _numeric(thread_id: str) -> int:
    return int(thread_id) if thread_id.isdigit() else 0
