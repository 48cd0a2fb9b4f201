"""Forum page parsers: pure functions from HTML to :class:`crawler.core.items.ForumThread` items.

One selector table per engine (``mybb``, ``xenforo``, ``phpbb``); the ``custom`` engine builds
its table from the source's ``options.selectors``, optionally on top of a built-in one
(``options.base_engine``). Any engine accepts ``options.selectors`` overrides, so a themed forum
is fixed in configuration, not in code. See docs/forums.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from crawler.core.config import SourceConfig
from crawler.core.dates import DateResolver
from crawler.core.items import ForumThread
from spiders.forums.parsers.layout import UI_CONTROLS, ListingLayout, check_selectors
from spiders.forums.parsers.listing import ThreadListPage, parse_first_post, parse_thread_list
from spiders.forums.parsers.mybb import MYBB
from spiders.forums.parsers.phpbb import PHPBB
from spiders.forums.parsers.xenforo import XENFORO
from spiders.selectors import is_xpath

__all__ = [
    "LAYOUTS",
    "ListingLayout",
    "ThreadListPage",
    "layout_for",
    "parse_first_post",
    "parse_forum_page",
    "parse_thread_list",
    "read_forum_page",
]

#: Built-in selector tables by engine name.
LAYOUTS: dict[str, ListingLayout] = {"mybb": MYBB, "xenforo": XENFORO, "phpbb": PHPBB}
_CUSTOM_DEFAULTS = ListingLayout(
    rows=(),
    thread_id=(),
    title=(),
    url=(),
    next_page=("link[rel=next]::attr(href)", "a[rel=next]::attr(href)"),
    post_chrome=(UI_CONTROLS,),
)


def layout_for(engine: str, options: Mapping[str, Any]) -> ListingLayout:
    """The selector table for ``engine`` with the source's ``selectors`` overrides applied.

    Raises ValueError for an unknown engine, an unknown or invalid selector, or a ``custom``
    table without ``rows`` and ``url``.
    """
    overrides = options.get("selectors") or {}
    if not isinstance(overrides, Mapping):
        raise ValueError("options.selectors must be a table of selectors")
    if engine == "custom":
        base_name = options.get("base_engine")
        if base_name is not None and base_name not in LAYOUTS:
            raise ValueError(f"options.base_engine must be one of {', '.join(LAYOUTS)}")
        base = LAYOUTS[base_name] if base_name else _CUSTOM_DEFAULTS
        layout = base.with_selectors(overrides)
        if not layout.rows or not layout.url:
            raise ValueError("a custom forum needs options.selectors.rows and .url")
        if not layout.thread_id:
            layout = layout.with_selectors({"thread_id": _href_selectors(layout.url)})
    elif engine in LAYOUTS:
        layout = LAYOUTS[engine].with_selectors(overrides)
    else:
        raise ValueError(f"unknown forum engine {engine!r} (known: custom, {', '.join(LAYOUTS)})")
    check_selectors(layout)
    return layout


def parse_forum_page(
    engine: str, html: str, url: str, source: SourceConfig | None = None
) -> list[ForumThread]:
    """Threads of a saved listing page, read with ``engine``'s table and the source's options.

    The source (optional for built-in engines) gives selector overrides, ``date_order`` and
    the timezone of displayed dates. Raises ValueError for a bad engine or selector table.
    """
    return read_forum_page(engine, html, url, source).threads


def read_forum_page(
    engine: str, html: str, url: str, source: SourceConfig | None = None
) -> ThreadListPage:
    """The whole listing page as :func:`parse_forum_page` reads it (threads, next page, sub-forums
    of a page without threads)."""
    options = source.options if source is not None else {}
    dates = DateResolver(
        source.timezone if source is not None else "UTC",
        date_order=options.get("date_order", "MDY"),
    )
    return parse_thread_list(html, url, layout_for(engine, options), dates)


def _href_selectors(url_selectors: tuple[str, ...]) -> list[str]:
    """Where a custom table finds thread ids by default: the last number of the thread URL."""
    selectors = []
    for expression in url_selectors:
        if "::attr(" in expression or "@" in expression.rsplit("/", 1)[-1]:
            selectors.append(expression)
        elif is_xpath(expression):
            selectors.append(f"{expression}/@href")
        else:
            selectors.append(f"{expression}::attr(href)")
    return selectors
