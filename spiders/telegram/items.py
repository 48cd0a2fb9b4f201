"""The Telegram family's item, :class:`TelegramMessage`, and the post it is stored as."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from crawler.core.items import PostRecord, extra_fields


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

    def to_post_record(self) -> PostRecord:
        """The message as a post: ``<channel, lower case>/<id>``, titled by its first line (else
        its first document's name, else the id); the text followed by the document names is
        matched."""
        # Channel usernames are case-insensitive: "Durov/5" and "durov/5" are one message.
        post_id = f"{self.channel.lower()}/{self.message_id}"
        documents = "\n".join(self.documents)
        return PostRecord(
            external_id=post_id,
            url=self.url,
            title=_first_line(self.text) or _first_line(documents) or post_id,
            author=self.author or self.channel,
            posted_at=self.date,
            text="\n".join(part for part in (self.text, documents) if part),
            extra=extra_fields(self, ("views", "forwarded_from", "links", "documents", "channel")),
        )


def _first_line(text: str, limit: int = 200) -> str:
    """The first non-blank line of ``text``, stripped and cut at ``limit`` characters."""
    for line in text.splitlines():
        if line.strip():
            return line.strip()[:limit]
    return ""
