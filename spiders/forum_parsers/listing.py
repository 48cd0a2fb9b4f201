"""Engine-independent parsing of forum pages, driven by a :class:`ListingLayout` (pure).

``parse_thread_list`` reads a section listing page into :class:`ForumThread` items plus the
next page's URL; ``parse_first_post`` reads the first post's text of a thread page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree  # type: ignore[import-untyped]
from parsel import Selector

from crawler.dates import DateResolver
from crawler.items import ForumThread
from spiders.forum_parsers.layout import IdRules, ListingLayout, first_match, select
from spiders.forum_parsers.prefixes import merge_tags

#: First-post text kept for matching; longer posts are cut (the pipeline stores an excerpt).
FIRST_POST_LIMIT = 20_000
_SPACES = re.compile(r"\s+")
_COUNT = re.compile(r"(\d[\d,.\u00a0\u202f' ]*)\s*([kKmM])?")
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
_LINK_HREF = etree.XPath(".//a/@href")
_BASE_HREF = etree.XPath("//head/base/@href")
_EMPTY_SECTION = (
    "there are currently no threads in this forum",  # MyBB
    "there are no threads in this forum",  # XenForo
    "there are no threads matching your filters",
    "there are no topics or posts in this forum",  # phpBB
    "there are no topics in this forum",
    "no topics exist inside this forum for the selected time frame",
    "il n'y a actuellement aucun sujet",
    "il n'y a aucun sujet",
    "aucun sujet n'existe dans ce forum",
    "il n'y a aucune discussion",
)
#: XenForo's empty list is an element of this class (the quick-thread form only names it).
_EMPTY_LIST_CLASS = re.compile(r"""class=["'][^"']*\bjs-emptythreadlist\b""")
#: A spoiler toggle that names its content: "Spoiler: sample" (the title is the author's).
_SPOILER_TITLE = re.compile(r"^spoiler\s*:\s*(\S.*)$", re.IGNORECASE | re.DOTALL)
_APOSTROPHES = re.compile(r"&#0*39;|&apos;|&rsquo;|&#8217;|\u2019")


@dataclass
class ThreadListPage:
    """What a listing page holds: threads, the next page, the section name."""

    threads: list[ForumThread] = field(default_factory=list)
    next_url: str | None = None
    section: str | None = None
    #: The page itself says the section has no threads (so zero threads is not a breakage).
    says_empty: bool = False
    #: Sub-forum URLs of a page without threads: a category or index was configured.
    subforums: list[str] = field(default_factory=list)

    def subforum_notice(self) -> str | None:
        """What to tell when the page lists sub-forums instead of threads, else None."""
        if self.threads or not self.subforums:
            return None
        count = len(self.subforums)
        return (
            f"the page lists sub-forums, not threads ({count} sub-forum"
            f"{'s' if count > 1 else ''}, e.g. {self.subforums[0]}): "
            "configure a forum section URL"
        )


def parse_thread_list(
    html: str, url: str, layout: ListingLayout, dates: DateResolver
) -> ThreadListPage:
    """Threads of a listing page at ``url``; an empty list when the layout finds no row.

    Relative links resolve against the page's ``<base href>`` when it has one, else ``url``.
    """
    page = parse_html(html)
    base = _base_of(page, url)
    section = text_of(first_match(page, layout.section)) or None
    threads: list[ForumThread] = []
    seen: set[str] = set()
    for row in first_match(page, layout.rows):
        thread = _thread_of(row, base, layout, dates, section)
        if thread is not None and thread.thread_id not in seen:
            seen.add(thread.thread_id)
            threads.append(thread)
    next_href = first_match(page, layout.next_page)
    next_url = clean_url(base, _href_of(next_href[0]), layout) if next_href else None
    says_empty = not threads and _says_empty(html)
    subforums = [] if threads or says_empty else _subforums(page, base, layout)
    next_url = next_url if next_url != url else None
    return ThreadListPage(threads, next_url, section, says_empty, subforums)


def _subforums(page: Any, base: str, layout: ListingLayout) -> list[str]:
    """URLs of the sub-forum links the layout finds (a page without threads only)."""
    urls: list[str] = []
    for link in first_match(page, layout.subforums):
        href = _href_of(link)
        if href and not href.startswith(("#", "javascript:")):
            absolute = clean_url(base, href, layout)
            if absolute not in urls:
                urls.append(absolute)
    return urls


def _says_empty(html: str) -> bool:
    """Whether the page tells in words (any apostrophe form) that the section has no thread."""
    lowered = _APOSTROPHES.sub("'", html.lower())
    return any(marker in lowered for marker in _EMPTY_SECTION) or bool(
        _EMPTY_LIST_CLASS.search(lowered)
    )


def parse_first_post(html: str, layout: ListingLayout) -> str | None:
    """Text of the first post of a thread page (line breaks kept, size-capped), or None.

    The layout's ``post_chrome`` (expand links, spoiler toggles, code-box headers) is left
    out; a spoiler toggle's own title ("Spoiler: sample") is kept as a line.
    """
    found = first_match(parse_html(html), layout.first_post)
    if not found or isinstance(found[0], str):
        return text_of(found) or None
    post = found[0]
    _drop_chrome(post, layout.post_chrome)
    text = block_text(post)
    return text[:FIRST_POST_LIMIT] or None


def _drop_chrome(post: Any, selectors: tuple[str, ...]) -> None:
    """Remove the interface elements ``selectors`` find in ``post`` (a tree of its own)."""
    chrome = [node for expression in selectors for node in select(post, expression)]
    for node in chrome:
        element = isinstance(getattr(node, "tag", None), str) and node is not post
        parent = node.getparent() if element else None
        if parent is None:
            continue  # a string result or the post itself (a CSS selector matches its root)
        title = _SPOILER_TITLE.match(string_of(node))
        if title:
            replacement = etree.Element("div")
            replacement.text, replacement.tail = title.group(1), node.tail
            parent.replace(node, replacement)
            continue
        previous = node.getprevious()
        if node.tail and previous is not None:
            previous.tail = (previous.tail or "") + node.tail
        elif node.tail:
            parent.text = (parent.text or "") + node.tail
        parent.remove(node)


def _base_of(page: Any, url: str) -> str:
    """The URL relative links resolve against: the page's ``<base href>`` if it has one."""
    base = _BASE_HREF(page)
    return urljoin(url, str(base[0]).strip()) if base else url


def parse_html(html: str) -> Any:
    """The lxml root of a page, parsed the way Scrapy's selectors parse it."""
    return Selector(text=html).root


def _thread_of(
    row: Any, url: str, layout: ListingLayout, dates: DateResolver, section: str | None
) -> ForumThread | None:
    thread_id = _thread_id(row, layout.thread_id)
    link = first_match(row, layout.url)
    href = _href_of(link[0]) if link else ""
    # Most tables read the title from the link itself: the same selectors, one evaluation.
    same = not layout.title or layout.title == layout.url
    title = text_of(link if same else first_match(row, layout.title))
    if not thread_id or not href or not title:
        return None
    return ForumThread(
        thread_id=thread_id,
        title=title,
        url=clean_url(url, href, layout, thread=True),
        author=text_of(first_match(row, layout.author)).rstrip(", ") or None,
        created_at=date_of(first_match(row, layout.created_at), dates),
        last_post_at=date_of(first_match(row, layout.last_post_at), dates),
        replies=parse_count(text_of(first_match(row, layout.replies))),
        views=parse_count(text_of(first_match(row, layout.views))),
        tags=merge_tags(_tags(row, layout), title),
        sticky=bool(layout.sticky and first_match(row, layout.sticky)),
        section=section,
    )


def _thread_id(row: Any, rules: IdRules) -> str | None:
    for expression, pattern in rules:
        for value in select(row, expression):
            match = re.search(pattern, string_of(value))
            if match:
                return match.group(1)
    return None


def _tags(row: Any, layout: ListingLayout) -> list[str]:
    ignored = re.compile(layout.ignored_tags, re.IGNORECASE) if layout.ignored_tags else None
    tags: list[str] = []
    for node in first_match(row, layout.tags):
        tag = string_of(node)
        if tag and tag not in tags and not (ignored and ignored.fullmatch(tag)):
            tags.append(tag)
    return tags


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


def _href_of(node: Any) -> str:
    if isinstance(node, str):
        return node.strip()
    href = node.get("href") or next(iter(_LINK_HREF(node)), "")
    return str(href).strip()


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


def parse_count(text: str) -> int | None:
    """A reply or view count as shown: "1,234", "1 234", "1.2K", "12k", "3M"; None if absent."""
    match = _COUNT.search(text)
    if not match:
        return None
    digits, suffix = match.group(1).strip(), match.group(2)
    if suffix:
        try:
            number = float(re.sub(r"[\s\u00a0\u202f']", "", digits).replace(",", "."))
        except ValueError:
            return None
        return int(round(number * (1_000 if suffix in "kK" else 1_000_000)))
    only_digits = re.sub(r"\D", "", digits)
    return int(only_digits) if only_digits else None


def clean_url(base: str, href: str, layout: ListingLayout, thread: bool = False) -> str:
    """Absolute URL without fragment, session parameters and (for threads) "unread" suffixes."""
    parts = urlsplit(urljoin(base, href))
    query = parts.query
    if query and any(name in query for name in layout.drop_url_params):
        pairs = parse_qsl(query, keep_blank_values=True)
        kept = [(key, value) for key, value in pairs if key not in layout.drop_url_params]
        # Only rebuild when something was dropped: XenForo queries are paths ("?threads/x.1/").
        if len(kept) != len(pairs):
            query = urlencode(kept)
    path = parts.path
    if thread:
        for suffix in layout.drop_url_suffixes:
            path = re.sub(rf"/{re.escape(suffix)}/?$", "/", path)
            query = re.sub(rf"/{re.escape(suffix)}/?$", "/", query)
    return urlunsplit((parts.scheme, parts.netloc, path, query, ""))


def block_text(element: Any) -> str:
    """Readable text of an element: block elements and ``<br>`` become line breaks."""
    lines: list[str] = []
    current: list[str] = []

    def flush() -> None:
        line = _SPACES.sub(" ", "".join(current)).strip()
        if line:
            lines.append(line)
        current.clear()

    def walk(node: Any) -> None:
        tag = node.tag if isinstance(node.tag, str) else ""
        if tag in _SKIPPED_TAGS:
            return
        block = tag in _BLOCK_TAGS
        if block:
            flush()
        if node.text and tag:
            current.append(node.text)
        for child in node:
            walk(child)
            if child.tail:
                current.append(child.tail)
        if block:
            flush()

    walk(element)
    flush()
    return "\n".join(lines)
