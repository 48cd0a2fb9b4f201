"""The feed family's item, :class:`FeedEntry`, the post it is stored as, and a parsed
:class:`FeedPage`."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.core.items import PostRecord, extra_fields


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

    def to_post_record(self) -> PostRecord:
        """The entry as a post: website and summary are matched; the group is the post's
        ``group_name``; the tags gain ``group:<name>`` and ``country:<code>``; group, website
        and country go into ``extra``."""
        # The title is matched as its own field: the text is what the entry adds to it.
        labels = [f"group:{self.group_name}"] if self.group_name else []
        labels += [f"country:{self.country}"] if self.country else []
        tags = [tag for tag in (*self.tags, *labels) if tag]
        return PostRecord(
            external_id=self.entry_id,
            url=self.url,
            title=self.title,
            author=self.author,
            group_name=self.group_name,
            posted_at=self.published,
            text="\n".join(part for part in (self.website or "", self.summary) if part),
            tags=list(dict.fromkeys(tags)),
            extra=extra_fields(self, ("group_name", "website", "country")),
        )


@dataclass
class FeedPage:
    """The entries of one fetched feed and, when something is wrong with it, what."""

    entries: list[FeedEntry] = field(default_factory=list)
    problem: str | None = None
    #: Records left out because they lack a title (victim lists) or are older than the cutoff.
    skipped: int = 0
