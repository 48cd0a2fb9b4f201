"""The paste family's item, :class:`Paste`, and the post it is stored as."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.core.items import PostRecord, extra_fields


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

    def to_post_record(self) -> PostRecord:
        """The paste as a post under its key (titled by the key when it has no title); size,
        syntax and, when the text was cut, ``truncated`` in ``extra``."""
        extra = extra_fields(self, ("size", "syntax"))
        if self.truncated:
            extra["truncated"] = True
        return PostRecord(
            external_id=self.key,
            url=self.url,
            title=self.title or self.key,
            author=self.author,
            posted_at=self.date,
            text=self.text or "",
            extra=extra,
        )
