"""What spiders hand the storage pipeline: family items, all turned into one :class:`PostRecord`.

Each source family yields its own dataclass (``spiders/<family>/items.py``), with the field names
analysts already use for that family (forum threads, Telegram messages, ransomwatch-style
leak-site posts, pastes, feed entries). Every such item is a :class:`SourceItem`: its
``to_post_record()`` maps it to the single shape the database, the matcher and the alerts know
about. Parsers are pure functions returning items; ``leakwatch parse`` prints them as JSON Lines
(:func:`item_to_json`).

Datetimes are timezone-aware UTC. ``text`` fields hold crawled text used for matching; only a
redacted excerpt of it is ever stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, ClassVar, Protocol


@dataclass
class PostRecord:
    """The family-independent shape of a crawled post, as stored and matched.

    ``external_id`` is unique per source. ``text`` is crawled text kept in memory for matching
    only; the database stores ``excerpt`` (redacted) and ``raw_length``. ``group_name`` is the
    ransomware group that listed the victim (leak sites, trackers' feeds); ``author`` the
    author of a forum post, message, paste or news item.
    """

    external_id: str
    url: str | None
    title: str
    author: str | None = None
    group_name: str | None = None
    posted_at: datetime | None = None
    activity_at: datetime | None = None
    text: str = ""
    tags: list[str] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_hash(self) -> str:
        """sha256 of title and text: changes when the post is edited."""
        digest = hashlib.sha256()
        digest.update(self.title.encode("utf-8", "replace"))
        digest.update(b"\0")
        digest.update(self.text.encode("utf-8", "replace"))
        return digest.hexdigest()


class SourceItem(Protocol):
    """A family's item: a dataclass that maps itself to the :class:`PostRecord` stored."""

    __dataclass_fields__: ClassVar[dict[str, dataclasses.Field[Any]]]

    def to_post_record(self) -> PostRecord:
        """The post this item stands for (``external_id`` unique per source)."""
        ...


def item_to_json(item: SourceItem) -> dict[str, Any]:
    """JSON-ready dict of an item (datetimes as ISO 8601), as printed by `leakwatch parse`."""
    return {key: _jsonable(value) for key, value in dataclasses.asdict(item).items()}


def extra_fields(item: SourceItem, names: Iterable[str]) -> dict[str, Any]:
    """The item's fields ``names`` that hold a value, JSON-ready, for :attr:`PostRecord.extra`
    (sorted by name; empty strings, empty lists and None left out)."""
    return {
        name: _jsonable(getattr(item, name))
        for name in sorted(names)
        if getattr(item, name) not in (None, [], "")
    }


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value
