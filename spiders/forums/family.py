"""The forum family as the registry lists it, and its saved-page readers for ``leakwatch parse``."""

from __future__ import annotations

from functools import partial

from crawler.core.config import SourceConfig
from crawler.core.dates import DateResolver
from crawler.core.items import SourceItem
from spiders.family import Family
from spiders.forums.options import ForumOptions
from spiders.forums.parsers import ThreadListPage, parse_thread_list
from spiders.forums.spider import ForumSpider

ENGINES = ("mybb", "xenforo", "phpbb", "custom")


def read_forum_page(
    engine: str, html: str, url: str, source: SourceConfig | None = None
) -> ThreadListPage:
    """A saved listing page read with ``engine``'s table and, when a forum source is given, its
    selectors, ``date_order`` and timezone (threads, next page, sub-forums of a page without
    threads). Raises ValueError for an unusable selector table, ConfigError for bad options."""
    forum = source if source is not None and source.kind == "forum" else None
    options = ForumOptions.of(forum) if forum is not None else ForumOptions()
    dates = DateResolver(
        forum.timezone if forum is not None else "UTC", date_order=options.date_order
    )
    return parse_thread_list(html, url, options.layout(engine), dates)


def parse_configured_forum(html: str, url: str, source: SourceConfig | None) -> list[SourceItem]:
    """A forum page read with the named source's engine and selectors (``custom`` included)."""
    if source is None or source.kind != "forum":
        raise ValueError(
            "--kind forum reads a page the way a configured forum source does: "
            "name one with --source"
        )
    return list(read_forum_page(source.engine, html, url, source).threads)


def parse_engine_page(
    engine: str, html: str, url: str, source: SourceConfig | None
) -> list[SourceItem]:
    """A forum page read with a built-in engine's table (and the source's options, if any)."""
    return list(read_forum_page(engine, html, url, source).threads)


def subforum_notice(
    engine: str | None, html: str, url: str, source: SourceConfig | None
) -> str | None:
    """A forum page without threads that lists sub-forums (a category or the index) says so."""
    engine = engine or (source.engine if source is not None else None)
    return read_forum_page(engine, html, url, source).subforum_notice() if engine else None


FAMILY = Family(
    kind="forum",
    engines=ENGINES,
    options=ForumOptions,
    spider=ForumSpider,
    page_parsers={
        "mybb": partial(parse_engine_page, "mybb"),
        "xenforo": partial(parse_engine_page, "xenforo"),
        "phpbb": partial(parse_engine_page, "phpbb"),
        "forum": parse_configured_forum,
    },
    empty_page_notices={
        "mybb": partial(subforum_notice, "mybb"),
        "xenforo": partial(subforum_notice, "xenforo"),
        "phpbb": partial(subforum_notice, "phpbb"),
        "forum": partial(subforum_notice, None),
    },
)
