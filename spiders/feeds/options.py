"""A feed source's options (``[sources.options]``), as documented in docs/feeds.md."""

from __future__ import annotations

from pydantic import Field

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
