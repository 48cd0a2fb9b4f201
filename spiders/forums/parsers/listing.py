"""Engine-independent parsing of forum pages, driven by a :class:`ListingLayout` (pure).

``parse_thread_list`` reads a section listing page into :class:`ForumThread` items plus the
next page's URL; ``parse_first_post`` reads the first post's text of a thread page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from lxml import etree  # type: ignore[import-untyped]

from crawler.core.dates import DateResolver
from crawler.core.items import ForumThread
from spiders.forums.parsers.layout import IdRules, ListingLayout
from spiders.forums.parsers.prefixes import merge_tags
from spiders.page_text import block_text, date_of, parse_html, string_of, text_of
from spiders.selectors import first_match, select

#: First-post text kept for matching; longer posts are cut (the pipeline stores an excerpt).
FIRST_POST_LIMIT = 20_000
_COUNT = re.compile(r"(\d[\d,.\u00a0\u202f' ]*)\s*([kKmM])?")
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


def _href_of(node: Any) -> str:
    if isinstance(node, str):
        return node.strip()
    href = node.get("href") or next(iter(_LINK_HREF(node)), "")
    return str(href).strip()


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
