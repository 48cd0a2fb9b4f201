"""A Telegram source's options (``[sources.options]``), as documented in docs/telegram.md."""

from __future__ import annotations

from pydantic import Field

from spiders.options import SourceOptions


class TelegramOptions(SourceOptions):
    """How far back a channel's first crawl reads, and where redirects may go."""

    #: Pages read on a channel's first crawl, the newest page included.
    depth: int = Field(default=5, ge=1)
    allowed_domains: list[str] = Field(default_factory=list)
