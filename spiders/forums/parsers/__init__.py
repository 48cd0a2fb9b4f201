"""Forum page parsers: pure functions from HTML to :class:`spiders.forums.items.ForumThread` items.

One selector table per engine (``mybb``, ``xenforo``, ``phpbb``); the ``custom`` engine builds
its table from the source's ``options.selectors``, optionally on top of a built-in one
(``options.base_engine``). Any engine accepts ``options.selectors`` overrides, so a themed forum
is fixed in configuration, not in code. See docs/forums.md.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

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
    "parse_thread_list",
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


def layout_for(
    engine: str, selectors: Mapping[str, Any] | None = None, base_engine: str | None = None
) -> ListingLayout:
    """The selector table for ``engine`` with a source's ``selectors`` overrides applied.

    ``base_engine`` is where a ``custom`` table starts from (none: an empty table). Raises
    ValueError for an unknown engine, an unknown or invalid selector, or a ``custom`` table
    without ``rows`` and ``url``.
    """
    overrides = selectors or {}
    if not isinstance(overrides, Mapping):
        raise ValueError("options.selectors must be a table of selectors")
    if engine == "custom":
        if base_engine is not None and base_engine not in LAYOUTS:
            raise ValueError(f"options.base_engine must be one of {', '.join(LAYOUTS)}")
        base = LAYOUTS[base_engine] if base_engine else _CUSTOM_DEFAULTS
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
