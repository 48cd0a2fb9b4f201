"""A feed source's options (``[sources.options]``), as documented in docs/feeds.md."""

from __future__ import annotations

from pydantic import Field, field_validator

from spiders.options import SourceOptions

#: Larger feeds are refused unless ``max_feed_bytes`` says otherwise.
DEFAULT_MAX_FEED_BYTES = 32 * 1024 * 1024


class FeedOptions(SourceOptions):
    """Which entries are kept, the feed size cap, conditional requests and redirect hosts."""

    #: Entries published longer ago than this many days are left out (undated ones are kept).
    max_age_days: float | None = Field(default=None, gt=0)
    max_feed_bytes: int = Field(default=DEFAULT_MAX_FEED_BYTES, gt=0)
    conditional_requests: bool = True
    allowed_domains: list[str] = Field(default_factory=list)
    #: A group's page (``{group}`` replaced), the link of victim entries without a URL; None:
    #: the engine's default (spiders.feeds.parsers.GROUP_PAGES), "": none.
    group_page_url: str | None = None

    @field_validator("group_page_url")
    @classmethod
    def _group_page(cls, value: str | None) -> str | None:
        if value and (not value.startswith(("http://", "https://")) or "{group}" not in value):
            raise ValueError('expected an http(s) URL holding {group}, or "" for none')
        return value
