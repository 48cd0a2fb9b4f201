"""Selectors over parsed pages, shared by every family's parsers (pure).

A selector is CSS (with parsel's ``::text`` and ``::attr(name)``) or XPath: written with an
``xpath:`` prefix, or starting with ``/``, ``./``, ``(``, ``@`` or an axis such as
``ancestor::``; parsel's ``has-class('name')`` works in XPath. Each is compiled once per process.
"""

from __future__ import annotations

import re
from functools import cache
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from parsel.csstranslator import HTMLTranslator

Selectors = tuple[str, ...]

_CSS = HTMLTranslator()
_HAS_CLASS = re.compile(r"""has-class\((['"])([\w-]+)\1\)""")
_XPATH_START = re.compile(
    r"^(xpath:|\.?/|\(|@|(ancestor|ancestor-or-self|child|descendant|descendant-or-self"
    r"|following|following-sibling|parent|preceding|preceding-sibling|self)::)"
)


def is_xpath(expression: str) -> bool:
    """True when ``expression`` is XPath rather than CSS (see the module docstring)."""
    return bool(_XPATH_START.match(expression))


@cache
def compiled(expression: str) -> Any:
    """The lxml XPath evaluator of a CSS or XPath selector, compiled once per process.

    ``has-class('name')`` is rewritten into plain XPath: parsel's extension function is a
    Python callback per node, several times slower on a listing page.
    """
    if not is_xpath(expression):
        return etree.XPath(_CSS.css_to_xpath(expression, prefix="descendant-or-self::"))
    xpath = _HAS_CLASS.sub(
        lambda match: (
            f"(contains(@class, '{match[2]}')"
            f" and contains(concat(' ', normalize-space(@class), ' '), ' {match[2]} '))"
        ),
        expression.removeprefix("xpath:"),
    )
    return etree.XPath(xpath)


def select(node: Any, expression: str) -> list[Any]:
    """Apply one CSS or XPath selector to an lxml ``node``: elements and/or strings."""
    found = compiled(expression)(node)
    if isinstance(found, list):
        return found
    return [found] if isinstance(found, str) and found else []


def first_match(node: Any, selectors: Selectors) -> list[Any]:
    """Matches of the first selector that matches anything (empty when none does)."""
    for expression in selectors:
        found = select(node, expression)
        if found:
            return found
    return []
