"""Where a forum engine puts each thread field: a table of selectors, one per field.

Every field lists alternatives; the first one that matches anything wins, so a table covers
an engine's versions and common themes. A selector is CSS (with parsel's ``::text`` and
``::attr(name)``) or XPath: written with an ``xpath:`` prefix, or starting with ``/``, ``./``,
``(``, ``@`` or an axis such as ``ancestor::``; parsel's ``has-class('name')`` works in XPath.
Row-level selectors are relative to the row.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from cssselect import SelectorError
from lxml import etree  # type: ignore[import-untyped]
from parsel import Selector

from spiders.selectors import Selectors, select

#: (selector, regular expression whose first group is the id)
IdRules = tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class ListingLayout:
    """Selectors of a section listing page (rows and their fields) and of a thread page."""

    rows: Selectors
    thread_id: IdRules
    title: Selectors
    url: Selectors
    author: Selectors = ()
    created_at: Selectors = ()
    last_post_at: Selectors = ()
    replies: Selectors = ()
    views: Selectors = ()
    tags: Selectors = ()
    sticky: Selectors = ()
    next_page: Selectors = ()
    section: Selectors = ()
    first_post: Selectors = ()
    #: Links to sub-forums (a category or the board index), read only when no thread is found.
    subforums: Selectors = ()
    #: Interface labels inside the first post ("Click to expand...", "Select all"): every
    #: selector applies (not only the first that matches) and the elements are left out.
    post_chrome: Selectors = ()
    #: Tags matching this expression (case-insensitive, whole tag) are dropped ("Poll:").
    ignored_tags: str = ""
    #: Query parameters removed from URLs (session ids make URLs differ on every visit).
    drop_url_params: tuple[str, ...] = ("sid",)
    #: Trailing path segments removed from thread URLs (XenForo's ``/unread``).
    drop_url_suffixes: tuple[str, ...] = ()

    def with_selectors(self, overrides: Mapping[str, Any]) -> ListingLayout:
        """A copy with some fields replaced, from a config ``selectors`` table.

        Values are a selector or a list of them; ``thread_id`` takes ``thread_id_pattern``
        (a regular expression with one group). Raises ValueError for an unknown key.
        """
        changes: dict[str, Any] = {}
        pattern = overrides.get("thread_id_pattern", r"(\d+)(?!.*\d)")
        for key, value in overrides.items():
            if key == "thread_id_pattern":
                continue
            name = "rows" if key == "row" else key
            if name not in _SELECTOR_FIELDS:
                known = ", ".join(sorted(_SELECTOR_FIELDS | {"thread_id_pattern"}))
                raise ValueError(f"unknown selector {key!r} (known: {known})")
            selectors = _as_tuple(value, key)
            if name == "thread_id":
                changes[name] = tuple((selector, pattern) for selector in selectors)
            else:
                changes[name] = selectors
        if "thread_id_pattern" in overrides and "thread_id" not in overrides:
            changes["thread_id"] = tuple((selector, pattern) for selector, _ in self.thread_id)
        re.compile(pattern)
        return dataclasses.replace(self, **changes)


#: Controls inside a post (spoiler "Show"/"Hide" toggles, copy buttons): buttons, inputs, links
#: that only run a script, and scripted elements styled as buttons. BBCode lets authors write
#: none of these. Part of every built-in ``post_chrome``.
UI_CONTROLS = (
    "xpath:.//*[self::button or self::input"
    " or self::a[@onclick][@href='#' or starts-with(normalize-space(@href), 'javascript:')]"
    " or self::*[@onclick][contains(@class, 'button') or contains(@class, 'btn')]]"
)

_SELECTOR_FIELDS = {
    field.name
    for field in dataclasses.fields(ListingLayout)
    if field.name not in ("ignored_tags", "drop_url_params", "drop_url_suffixes")
}


def check_selectors(layout: ListingLayout) -> None:
    """Compile every selector of ``layout`` once; raises ValueError naming a bad one."""
    probe = Selector(text="<html><body><p>probe</p></body></html>").root
    for field in _SELECTOR_FIELDS:
        value = getattr(layout, field)
        expressions = [rule[0] for rule in value] if field == "thread_id" else list(value)
        for expression in expressions:
            try:
                select(probe, expression)
            except (ValueError, SelectorError, etree.XPathError) as exc:
                raise ValueError(f"invalid {field} selector {expression!r}: {exc}") from None
        if field == "thread_id":
            for _, pattern in value:
                re.compile(pattern)


def _as_tuple(value: Any, key: str) -> Selectors:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and all(isinstance(item, str) for item in value):
        return tuple(value)
    raise ValueError(f"selector {key!r} must be a string or a list of strings")
