"""Incremental state of a Telegram source, and the rule that decides how far back to page.

The state is the JSON object the crawl runner saves between runs (``SourceSpider.state``)::

    {"channels": {"<channel, lower case>": {"last_id": 540}}}

``last_id`` is the newest message id seen in the channel. Message ids of a channel only grow,
so a later crawl yields the messages above it and stops paging back as soon as a page reaches
it: an unchanged channel costs one request. The first crawl of a channel (no ``last_id``)
backfills ``depth`` pages with ``?before=<smallest id seen>``.
"""

from __future__ import annotations

from typing import Any


class ChannelState:
    """The saved state of one channel, stored in (and changed inside) the JSON state."""

    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data

    @property
    def last_id(self) -> int | None:
        """The newest message id seen by an earlier run, or None before the first run."""
        value = self.data.get("last_id")
        return value if isinstance(value, int) and not isinstance(value, bool) else None

    def saw(self, message_ids: list[int]) -> None:
        """Record the ids of a page: ``last_id`` becomes the newest id ever seen."""
        if message_ids:
            known, newest = self.last_id, max(message_ids)
            self.data["last_id"] = newest if known is None else max(known, newest)

    def forget(self) -> None:
        """Drop ``last_id``: the next page read starts the channel afresh."""
        self.data.pop("last_id", None)


class TelegramState:
    """All channels of a source, backed by the spider's JSON ``state`` dict."""

    def __init__(self, state: dict[str, Any]) -> None:
        channels = state.get("channels")
        if not isinstance(channels, dict):
            channels = state["channels"] = {}
        self._channels = channels

    def channel(self, key: str) -> ChannelState:
        """The state of channel ``key`` (its lower-case username)."""
        data = self._channels.get(key)
        if not isinstance(data, dict):
            data = self._channels[key] = {}
        return ChannelState(data)


def next_before(
    page_ids: list[int],
    page_links_older: bool,
    smallest_seen: int,
    known_id: int | None,
    pages_read: int,
    depth: int,
) -> int | None:
    """The ``before`` id of the next (older) page to read, or None to stop paging.

    ``page_ids`` are the ids on the page just read, ``page_links_older`` whether it links to
    older messages, ``smallest_seen`` the smallest id read so far in this crawl, ``known_id``
    the channel's ``last_id`` from the previous run (None on a first crawl) and
    ``pages_read`` the pages read so far. A page without a link to older messages is the
    beginning of the channel.
    """
    if not page_ids or not page_links_older or smallest_seen <= 1:
        return None
    if known_id is not None:
        # Every message newer than the known one is on the pages read once the smallest id
        # read is next to it; a gap of deleted ids costs one more page at most.
        return smallest_seen if smallest_seen > known_id + 1 else None
    return smallest_seen if pages_read < depth else None
