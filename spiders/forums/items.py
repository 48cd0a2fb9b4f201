"""The forum family's item, :class:`ForumThread`, and the post it is stored as."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.core.items import PostRecord, extra_fields


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

    def to_post_record(self) -> PostRecord:
        """The thread as a post: its id, title and first post's text (when fetched); replies,
        views, sticky and section in ``extra``."""
        return PostRecord(
            external_id=self.thread_id,
            url=self.url,
            title=self.title,
            author=self.author,
            posted_at=self.created_at,
            activity_at=self.last_post_at,
            text=self.text or "",
            tags=list(self.tags),
            extra=extra_fields(self, ("replies", "views", "sticky", "section")),
        )
