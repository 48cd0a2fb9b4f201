"""Text and dates of parsed pages, shared by every family's parsers (pure)."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from lxml import etree  # type: ignore[import-untyped]
from parsel import Selector

from crawler.core.dates import DateResolver

_SPACES = re.compile(r"\s+")
_DATE_HINT = re.compile(
    r"\d|today|yesterday|aujourd|hier|ago|il y a|moment|now|instant", re.IGNORECASE
)
_BLOCK_TAGS = {
    "address", "article", "blockquote", "br", "cite", "dd", "div", "dl", "dt", "figcaption",
    "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "ol", "p", "pre", "section",
    "table", "td", "th", "tr", "ul",
}  # fmt: skip
#: A label before an attribute's date ("Posted: Sun Nov 22, 2026 9:12 pm").
_LABEL = re.compile(r"^[^\d:]{2,24}:\s+(?=.*\d)")
_SKIPPED_TAGS = {"script", "style", "noscript", "template"}
_DATA_TIMESTAMP = etree.XPath("descendant-or-self::*[@data-timestamp][1]/@data-timestamp")
_DATA_TIME = etree.XPath("descendant-or-self::*[@data-time][1]/@data-time")
_DATETIME = etree.XPath("descendant-or-self::*[@datetime][1]/@datetime")
_ANY_DATE_ATTRIBUTE = etree.XPath(
    "boolean(descendant-or-self::*[@data-timestamp or @data-time or @datetime])"
)
_TITLED_SPAN = etree.XPath("descendant-or-self::span[@title][1]")


def parse_html(html: str) -> Any:
    """The lxml root of a page, parsed the way Scrapy's selectors parse it."""
    return Selector(text=html).root


def text_of(found: list[Any]) -> str:
    """Whitespace-collapsed text of the first match (an element's text, or a string)."""
    return string_of(found[0]) if found else ""


def string_of(node: Any) -> str:
    """Whitespace-collapsed text of an lxml element or XPath string result."""
    if isinstance(node, str):
        value = node
    elif isinstance(getattr(node, "tag", None), str):
        value = "".join(node.itertext())
    else:  # comments and processing instructions have no text worth reading
        value = ""
    return _SPACES.sub(" ", value.replace("\u00a0", " ")).strip()


def date_of(found: list[Any], dates: DateResolver) -> datetime | None:
    """The date a node shows: machine attributes first, then a MyBB title, then its text.

    Attributes: ``data-timestamp`` (XenForo 2.3), numeric ``data-time`` (XenForo 2.0–2.2),
    ``datetime`` (phpBB 3.1+, XenForo). MyBB writes ``<span title="11-23-2026">Today</span>,
    08:50 AM``. Text is split at ``<br>``; the first part that reads as a date wins; text
    after a "»" (phpBB 3.0: "by admin » Tue Mar 16, 2010 1:23 pm") is the date, the last such
    part that reads as one (a global announcement ends with "» in <forum>").
    """
    if not found:
        return None
    node = found[0]
    if isinstance(node, str):
        value = _LABEL.sub("", node.rsplit("»", 1)[-1].strip())
        return dates.from_timestamp(value) or dates.from_iso(value) or dates.parse(value)
    # One walk of the node tells whether any date attribute is worth three lookups.
    attribute_queries = (
        (
            (_DATA_TIMESTAMP, dates.from_timestamp),
            (_DATA_TIME, dates.from_timestamp),
            (_DATETIME, dates.from_iso),
        )
        if _ANY_DATE_ATTRIBUTE(node)
        else ()
    )
    for query, convert in attribute_queries:
        values = query(node)
        parsed = convert(str(values[0])) if values else None
        if parsed is not None:
            return parsed
    titled = _TITLED_SPAN(node)
    if titled:
        title = titled[0].get("title", "").strip()
        tail = (titled[0].tail or "").strip(" ,\u00a0\n\t")
        parsed = dates.parse(f"{title}, {tail}" if tail else title)
        if parsed is not None:
            return parsed
    for segment in _segments(node):
        for part in reversed(segment.split("»")):
            candidate = part.strip()
            if _DATE_HINT.search(candidate):
                parsed = dates.parse(candidate)
                if parsed is not None:
                    return parsed
    return None


def _segments(node: Any) -> list[str]:
    """Text of ``node`` split at its ``<br>`` and block-level children."""
    segments = [node.text or ""]
    for child in node:
        if child.tag in _BLOCK_TAGS:
            segments += ["".join(child.itertext()), ""]
        elif isinstance(child.tag, str):
            segments[-1] += "".join(child.itertext())
        segments[-1] += child.tail or ""
    return [_SPACES.sub(" ", s.replace("\u00a0", " ")).strip() for s in segments if s.strip()]


def block_text(element: Any) -> str:
    """Readable text of an element: block elements and ``<br>`` become line breaks.

    The tree is walked with an explicit stack, not recursion: a hostile page nesting
    thousands of elements is read like any other.
    """
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    stack: list[tuple[Any, bool]] = [(element, False)]
    while stack:
        node, leaving = stack.pop()
        tag = node.tag if isinstance(node.tag, str) else ""
        if leaving or tag in _SKIPPED_TAGS:
            if leaving and tag in _BLOCK_TAGS:
                flush()
            if node is not element and node.tail:
                current.append(node.tail)
            continue
        if tag in _BLOCK_TAGS:
            flush()
        if node.text and tag:
            current.append(node.text)
        stack.append((node, True))
        stack.extend((child, False) for child in reversed(node))
    flush()
    return "\n".join(lines)
