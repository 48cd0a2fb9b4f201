"""Page parsers by kind, as ``leakwatch parse --kind KIND`` offers them: one list for all families.

Each entry takes a saved page's text, its URL (to resolve relative links) and the source's
configuration when one was named (``--source``), and returns the items found. A family adds
its kinds here, one line each.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path

from crawler.core.config import SourceConfig
from crawler.core.errors import ConfigError
from crawler.core.items import SourceItem
from spiders.feeds.parsers import parse_feed_page
from spiders.forums.parsers import parse_forum_page, read_forum_page
from spiders.leaksites.layout import bundled_layout, bundled_layout_names, layout_for_source
from spiders.leaksites.parsers import parse_leak_page
from spiders.pastes.parsers import parse_paste_page
from spiders.telegram.parsers import parse_telegram_page

#: ``(html, url, source or None) -> items``; raises ValueError when the source cannot be used.
PageParser = Callable[[str, str, SourceConfig | None], list[SourceItem]]
#: ``(html, url, source or None) -> why the page holds no item``, when the page tells.
EmptyPageNotice = Callable[[str, str, SourceConfig | None], str | None]


def parse_configured_forum(html: str, url: str, source: SourceConfig | None) -> list[SourceItem]:
    """A forum page read with the named source's engine and selectors (``custom`` included)."""
    if source is None or source.kind != "forum":
        raise ValueError(
            "--kind forum reads a page the way a configured forum source does: "
            "name one with --source"
        )
    return list(parse_forum_page(source.engine, html, url, source))


def _forum_engine(
    engine: str, html: str, url: str, source: SourceConfig | None
) -> list[SourceItem]:
    return list(parse_forum_page(engine, html, url, source))


def _forum_notice(
    engine: str | None, html: str, url: str, source: SourceConfig | None
) -> str | None:
    """A forum page without threads that lists sub-forums (a category or the index) says so."""
    engine = engine or (source.engine if source is not None else None)
    return read_forum_page(engine, html, url, source).subforum_notice() if engine else None


def parse_leak_site(html: str, url: str, source: SourceConfig | None) -> list[SourceItem]:
    """Victims of a leak-site listing, read with the source's layout; without a source, with
    the bundled layout that finds the most victims."""
    if source is None:
        found: list[SourceItem] = []
        for name in bundled_layout_names():
            items = parse_leak_page(html, url, bundled_layout(name)).items
            if len(items) > len(found):
                found = list(items)
        return found
    if source.kind != "leaksite":
        raise ValueError(f"source {source.name!r} is a {source.kind} source, not a leaksite one")
    try:
        layout = layout_for_source(source)
    except ConfigError as exc:
        raise ValueError(str(exc)) from None
    return list(parse_leak_page(html, url, layout, timezone=source.timezone).items)


def leak_site_layout_source(layout_file: Path, url: str) -> SourceConfig:
    """An unnamed leaksite source reading pages at ``url`` with the layout in ``layout_file``."""
    return SourceConfig(
        name="layout-file",
        kind="leaksite",
        engine="generic",
        start_urls=[url],
        options={"layout_file": str(layout_file)},
    )


PARSERS: dict[str, PageParser] = {
    "mybb": partial(_forum_engine, "mybb"),
    "xenforo": partial(_forum_engine, "xenforo"),
    "phpbb": partial(_forum_engine, "phpbb"),
    "forum": parse_configured_forum,
    "telegram": parse_telegram_page,
    "archive": partial(parse_paste_page, "archive"),
    "pastebin_api": partial(parse_paste_page, "pastebin_api"),
    "paste": partial(parse_paste_page, "auto"),
    "rss": partial(parse_feed_page, "rss"),
    "ransomwatch": partial(parse_feed_page, "ransomwatch"),
    "ransomlive": partial(parse_feed_page, "ransomlive"),
    "feed": partial(parse_feed_page, "auto"),
    "leaksite": parse_leak_site,
}

#: Kinds that can tell why a page gave no item (``leakwatch parse`` prints it).
EMPTY_PAGE_NOTICES: dict[str, EmptyPageNotice] = {
    "mybb": partial(_forum_notice, "mybb"),
    "xenforo": partial(_forum_notice, "xenforo"),
    "phpbb": partial(_forum_notice, "phpbb"),
    "forum": partial(_forum_notice, None),
}

#: Kinds whose ``--config`` may also be a page-layout file (not a leakwatch configuration).
LAYOUT_FILE_SOURCES: dict[str, Callable[[Path, str], SourceConfig]] = {
    "leaksite": leak_site_layout_source,
}
