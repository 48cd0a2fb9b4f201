"""The feed family as the registry lists it."""

from __future__ import annotations

from functools import partial

from spiders.family import Family
from spiders.feeds.options import FeedOptions
from spiders.feeds.parsers import FEED_ENGINES, parse_feed_page
from spiders.feeds.spider import FeedSpider

FAMILY = Family(
    kind="feed",
    engines=FEED_ENGINES,
    options=FeedOptions,
    spider=FeedSpider,
    page_parsers={
        "rss": partial(parse_feed_page, "rss"),
        "ransomwatch": partial(parse_feed_page, "ransomwatch"),
        "ransomlive": partial(parse_feed_page, "ransomlive"),
        "feed": partial(parse_feed_page, "auto"),
    },
)
