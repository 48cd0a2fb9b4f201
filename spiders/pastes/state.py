"""Incremental state of a paste source: the keys of the pastes already read.

The state is the JSON object the crawl runner saves between runs (``SourceSpider.state``)::

    {"seen_keys": ["oldest", …, "newest"]}

A paste whose key is known is neither yielded nor fetched again, so a recrawl of an unchanged
archive costs one listing page. Archives list the newest pastes only, so the
:data:`DEFAULT_REMEMBERED` most recent keys are enough; the list stays bounded however long
the source is watched.
"""

from __future__ import annotations

from typing import Any

DEFAULT_REMEMBERED = 5000


class SeenKeys:
    """The known paste keys, oldest first, stored in (and changed inside) the JSON state."""

    def __init__(self, state: dict[str, Any], limit: int = DEFAULT_REMEMBERED) -> None:
        keys = state.get("seen_keys")
        if not isinstance(keys, list):
            keys = state["seen_keys"] = []
        self._keys: list[str] = keys
        self._known = {str(key) for key in keys}
        self.limit = max(1, limit)

    def __contains__(self, key: object) -> bool:
        return key in self._known

    def __len__(self) -> int:
        return len(self._keys)

    def remember(self, key: str) -> None:
        """Record ``key`` as read; the oldest keys are dropped beyond the limit."""
        if key in self._known:
            return
        self._keys.append(key)
        self._known.add(key)
        if len(self._keys) > self.limit:
            dropped = self._keys[: len(self._keys) - self.limit]
            del self._keys[: len(dropped)]
            self._known.difference_update(dropped)
