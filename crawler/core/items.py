"""Items yielded by spiders.

Each source family yields its own dataclass, with the field names analysts already use for that
family (forum threads, Telegram messages, ransomwatch-style leak-site posts, pastes, feed entries).
Parsers are pure functions returning these items; `leakwatch parse` prints them as JSON Lines.

The storage pipeline turns every item into one :class:`PostRecord` with :func:`to_post_record`,
the single shape the database, the matcher and the alerts know about.

Datetimes are timezone-aware UTC. ``text`` fields hold crawled text used for matching; only a
redacted excerpt of it is ever stored.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlsplit


@dataclass
class ForumThread:
    """One thread of a forum section listing (MyBB, XenForo, phpBB or a configured engine)."""

    thread_id: str
    title: str
    url: str
    author: str | None = None
    created_at: datetime | None = None
    last_post_at: datetime | None = None
    replies: int | None = None
    views: int | None = None
    tags: list[str] = field(default_factory=list)
    sticky: bool = False
    section: str | None = None
    text: str | None = None


@dataclass
class TelegramMessage:
    """One message of a public Telegram channel's web preview (``t.me/s/<channel>``)."""

    channel: str
    message_id: int
    url: str
    date: datetime | None = None
    text: str = ""
    views: int | None = None
    forwarded_from: str | None = None
    author: str | None = None
    links: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)


@dataclass
class LeakSitePost:
    """One victim entry of a ransomware leak site, in the ransomwatch / ransomware.live schema.

    ``published`` is when the group publishes (or published) the data: a publication date, the
    end of a countdown. ``discovered`` is when the site listed the victim, when the page says
    so; otherwise it stays empty and the stored post's ``first_seen`` is the discovery time.
    """

    post_title: str
    group_name: str
    discovered: datetime | None = None
    published: datetime | None = None
    description: str = ""
    website: str | None = None
    post_url: str | None = None
    country: str | None = None


@dataclass
class Paste:
    """One paste: listing metadata plus (size-capped) raw text used only for matching.

    ``text`` is left out of ``repr`` so that Scrapy's item log lines never carry a paste's
    content; ``truncated`` says the text stops at the source's size cap.
    """

    key: str
    url: str
    title: str | None = None
    author: str | None = None
    date: datetime | None = None
    size: int | None = None
    syntax: str | None = None
    raw_url: str | None = None
    text: str | None = field(default=None, repr=False)
    truncated: bool = False


@dataclass
class FeedEntry:
    """One entry of a public feed (RSS/Atom, ransomwatch posts.json, ransomware.live API)."""

    entry_id: str
    title: str
    url: str | None = None
    published: datetime | None = None
    author: str | None = None
    summary: str = ""
    group_name: str | None = None
    website: str | None = None
    country: str | None = None
    tags: list[str] = field(default_factory=list)


SourceItem = ForumThread | TelegramMessage | LeakSitePost | Paste | FeedEntry


@dataclass
class PostRecord:
    """The family-independent shape of a crawled post, as stored and matched.

    ``external_id`` is unique per source. ``text`` is crawled text kept in memory for matching
    only; the database stores ``excerpt`` (redacted) and ``raw_length``.
    """

    external_id: str
    url: str | None
    title: str
    author: str | None = None
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


def to_post_record(item: SourceItem) -> PostRecord:
    """Map any spider item to a :class:`PostRecord`.

    Raises ``TypeError`` for an object that is not a known item class.
    """
    if isinstance(item, ForumThread):
        return PostRecord(
            external_id=item.thread_id,
            url=item.url,
            title=item.title,
            author=item.author,
            posted_at=item.created_at,
            activity_at=item.last_post_at,
            text=item.text or "",
            tags=list(item.tags),
            extra=_extra(item, {"replies", "views", "sticky", "section"}),
        )
    if isinstance(item, TelegramMessage):
        # Channel usernames are case-insensitive: "Durov/5" and "durov/5" are one message.
        post_id = f"{item.channel.lower()}/{item.message_id}"
        documents = "\n".join(item.documents)
        return PostRecord(
            external_id=post_id,
            url=item.url,
            title=_first_line(item.text) or _first_line(documents) or post_id,
            author=item.author or item.channel,
            posted_at=item.date,
            text="\n".join(part for part in (item.text, documents) if part),
            extra=_extra(item, {"views", "forwarded_from", "links", "documents", "channel"}),
        )
    if isinstance(item, LeakSitePost):
        return PostRecord(
            external_id=leak_site_post_id(item),
            url=item.post_url,
            title=item.post_title,
            author=item.group_name,
            posted_at=item.discovered or item.published,
            activity_at=item.published,
            text="\n".join(part for part in (item.website or "", item.description) if part),
            extra=_extra(item, {"group_name", "website", "country", "discovered", "published"}),
        )
    if isinstance(item, Paste):
        extra = _extra(item, {"size", "syntax"})
        if item.truncated:
            extra["truncated"] = True
        return PostRecord(
            external_id=item.key,
            url=item.url,
            title=item.title or item.key,
            author=item.author,
            posted_at=item.date,
            text=item.text or "",
            extra=extra,
        )
    if isinstance(item, FeedEntry):
        # The title is matched as its own field: the text is what the entry adds to it.
        labels = [f"group:{item.group_name}"] if item.group_name else []
        labels += [f"country:{item.country}"] if item.country else []
        return PostRecord(
            external_id=item.entry_id,
            url=item.url,
            title=item.title,
            author=item.author or item.group_name,
            posted_at=item.published,
            text="\n".join(part for part in (item.website or "", item.summary) if part),
            tags=_unique([*item.tags, *labels]),
            extra=_extra(item, {"group_name", "website", "country"}),
        )
    raise TypeError(f"not a leakwatch item: {type(item).__name__}")


def leak_site_post_id(item: LeakSitePost) -> str:
    """The victim's id, stable across crawls and mirrors: ``group:`` + the post URL's path and
    query (the host is left out, onion mirrors share ids), else ``group:`` + the title
    (case and spacing folded)."""
    group = item.group_name.casefold()
    if item.post_url:
        parts = urlsplit(item.post_url)
        locator = parts.path + (f"?{parts.query}" if parts.query else "")
        if locator.strip("/"):
            return f"{group}:{locator}"
    return f"{group}:{' '.join(item.post_title.split()).casefold()}"


def item_to_json(item: SourceItem) -> dict[str, Any]:
    """JSON-ready dict of an item (datetimes as ISO 8601), as printed by `leakwatch parse`."""
    return {key: _jsonable(value) for key, value in dataclasses.asdict(item).items()}


def _jsonable(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.isoformat()
    return value


def _extra(item: SourceItem, names: set[str]) -> dict[str, Any]:
    return {
        name: _jsonable(getattr(item, name))
        for name in sorted(names)
        if getattr(item, name) not in (None, [], "")
    }


def _unique(values: list[str]) -> list[str]:
    return list(dict.fromkeys(value for value in values if value))


def _first_line(text: str, limit: int = 200) -> str:
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""
