"""Leak-site page parsers: pure functions from a page and a group layout to victim posts.

:func:`parse_leak_listing` reads a listing page into
:class:`spiders.leaksites.items.LeakSitePost` items (``parse_leak_page`` also gives the
pagination links and each victim's own page), :func:`parse_leak_detail` fills a post from its
victim page. The layout
(spiders.leaksites.layout) says where each field is; this module applies it: selectors, then a
regular expression (under a time budget), a template, a default; dates through
:class:`crawler.core.dates.DateResolver` (ISO, epochs, "20 Nov, 2024", "3 days ago", countdowns).
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, Literal
from urllib.parse import urljoin

import regex  # type: ignore[import-untyped]

from crawler.core.dates import DateResolver
from spiders.leaksites.items import LeakSitePost
from spiders.leaksites.layout import (
    REGEX_FLAGS,
    FieldRule,
    FieldSpec,
    LeakSiteLayout,
    Pagination,
)
from spiders.leaksites.status import split_title, status_of
from spiders.leaksites.values import (
    base_of,
    clean_website,
    countdown_end,
    country_code,
    page_link,
    refused_link,
)
from spiders.page_text import block_text, parse_html, string_of
from spiders.selectors import first_match

logger = logging.getLogger(__name__)

#: Longest description kept for matching (the pipeline stores a redacted excerpt only).
DESCRIPTION_LIMIT = 20_000
TITLE_LIMIT = 300
#: Seconds one user regular expression may run on one text before it is given up.
REGEX_SECONDS = 0.25
_MACHINE_DATES = ("datetime", "data-timestamp", "data-time", "data-timer", "data-date")
_LINK_ATTRIBUTES = ("href", "data-href", "data-url", "src")
_NUMBER = re.compile(r"\d+")
#: Shapes leak sites print dates in, read by strptime before the (much slower) general parser.
_DATE_SHAPES = (
    "%d %b, %Y, %H:%M", "%d %b, %Y %H:%M", "%d %b, %Y", "%b %d, %Y %H:%M:%S", "%b %d, %Y %H:%M",
    "%b %d, %Y", "%B %d, %Y %H:%M:%S", "%B %d, %Y", "%d %b %Y %H:%M:%S", "%d %b %Y %H:%M",
    "%d %b %Y", "%d %B %Y %H:%M", "%d %B %Y", "%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M",
    "%Y/%m/%d %H:%M:%S", "%Y/%m/%d", "%d.%m.%Y %H:%M", "%d.%m.%Y",
)  # fmt: skip
_UTC_SUFFIX = re.compile(r"\s*(?:utc|gmt|z)$", re.IGNORECASE)
Mode = Literal["text", "block", "url", "date"]


@dataclass
class ListedPost:
    """A victim found on a listing page, with its own page's URL when the layout follows it."""

    post: LeakSitePost
    detail_url: str | None = None
    #: Why the victim page is not followed (file host, download, other site), if it is not.
    refused_detail: str | None = None


@dataclass
class LeakListingPage:
    """What a listing page holds: victims, the next page's URL, the highest page number."""

    posts: list[ListedPost] = field(default_factory=list)
    next_url: str | None = None
    last_page: int | None = None

    @property
    def items(self) -> list[LeakSitePost]:
        """The victims as items."""
        return [listed.post for listed in self.posts]


def parse_leak_listing(
    html: str, url: str, layout: LeakSiteLayout, now: datetime | None = None
) -> list[LeakSitePost]:
    """Every victim of a listing page at ``url``, in page order (empty when none is found)."""
    return parse_leak_page(html, url, layout, now).items


def parse_leak_page(
    html: str,
    url: str,
    layout: LeakSiteLayout,
    now: datetime | None = None,
    timezone: str = "UTC",
) -> LeakListingPage:
    """Victims, next page and last page number of a listing page.

    ``now`` anchors relative dates and countdowns; ``timezone`` is the source's, used when
    the layout names none. Relative links resolve against ``<base href>`` or ``url``.
    """
    root = parse_html(html)
    if not _is_markup(root):
        return LeakListingPage()  # a JSON answer: no markup for a layout to read
    base = base_of(root, url)
    reader = FieldReader(layout, now, timezone)
    listed: list[ListedPost] = []
    for container in first_match_in_page(root, layout.post):
        if isinstance(getattr(container, "tag", None), str):
            entry = _listed_post(container, base, url, layout, reader)
            if entry is not None:
                listed.append(entry)
    page = LeakListingPage(posts=_unique(listed))
    if layout.pagination is not None:
        page.next_url, page.last_page = _pagination(root, base, url, layout.pagination, reader)
    return page


def parse_leak_detail(
    html: str,
    url: str,
    post: LeakSitePost,
    layout: LeakSiteLayout,
    now: datetime | None = None,
    timezone: str = "UTC",
) -> LeakSitePost:
    """``post`` with the fields its victim page shows (found values replace the listing's)."""
    if layout.detail is None:
        return post
    root = parse_html(html)
    if not _is_markup(root):
        return post
    reader = FieldReader(layout, now, timezone)
    fields = layout.detail.fields
    title, title_status = _title_and_status(reader.text(root, fields.post_title))
    changes: dict[str, Any] = {
        "post_title": title,
        "status": status_of(reader.text(root, fields.status)) or title_status,
        "description": _description(reader.text(root, fields.description, block=True)),
        "website": clean_website(reader.text(root, fields.website)),
        "country": country_code(reader.text(root, fields.country)),
        "published": reader.date(root, fields.published),
        "discovered": reader.date(root, fields.discovered),
    }
    return dataclasses.replace(post, **{k: v for k, v in changes.items() if v})


def pattern_page_url(listing_url: str, pagination: Pagination, page: int) -> str:
    """URL of listing page ``page`` (2, 3…) built from the layout's pattern."""
    assert pagination.pattern is not None
    number = pagination.first + (page - 2) * pagination.step
    return urljoin(listing_url, pagination.pattern.replace("{page}", str(number)))


class FieldReader:
    """Reads field rules in a page: selectors, regex, template, default, then conversion."""

    def __init__(self, layout: LeakSiteLayout, now: datetime | None, timezone: str) -> None:
        self.dates = DateResolver(
            layout.timezone or timezone,
            now=now or datetime.now(UTC),
            date_order=layout.date_order,
        )

    def text(self, node: Any, rule: FieldRule, block: bool = False) -> str | None:
        """The first value ``rule`` gives in ``node`` (text, lines kept when ``block``)."""
        for spec in rule:
            for value in self.values(node, spec, "block" if block else "text"):
                return value
        return None

    def url(self, node: Any, rule: FieldRule, base: str, page_url: str) -> str | None:
        """The first link ``rule`` gives, absolute; links back to the page itself are None."""
        for spec in rule:
            for value in self.values(node, spec, "url"):
                link = page_link(base, value, page_url)
                if link is not None:
                    return link
        return None

    def date(self, node: Any, rule: FieldRule) -> datetime | None:
        """The first value of ``rule`` that reads as a date (or countdown), in UTC."""
        for spec in rule:
            for value in self.values(node, spec, "date"):
                parsed = self._date(value, spec)
                if parsed is not None:
                    return parsed
        return None

    def numbers(self, node: Any, rule: FieldRule) -> list[int]:
        """Every number in every value of ``rule`` (page numbers of a pager)."""
        found: list[int] = []
        for spec in rule:
            for value in self.values(node, spec, "text", every=True):
                found += [int(number) for number in _NUMBER.findall(value)]
        return found

    def values(self, node: Any, spec: FieldSpec, mode: Mode, every: bool = False) -> Iterator[str]:
        """Values one spec gives, first match first; its default when nothing matches."""
        nodes = _matches(node, spec.expressions)
        texts = [text for text in (_string(n, mode, spec) for n in nodes) if text]
        if spec.join is not None and texts:
            texts = [spec.join.join(texts)]
        given = False
        for text in texts:
            value: str | None = text
            if spec.regex is not None:
                value = _search(spec.regex, text)
            if value is not None and spec.template is not None:
                value = spec.template.replace("{}", value)
            if value is not None and value.strip():
                given = True
                yield value.strip()
        if not given and spec.default is not None and not every:
            yield spec.default

    def _date(self, value: str, spec: FieldSpec) -> datetime | None:
        if spec.countdown:
            return countdown_end(value, self.dates.now)
        for shape in spec.date_formats:
            try:
                parsed = datetime.strptime(value, shape)
            except ValueError:
                continue
            if parsed.tzinfo is None:
                parsed = parsed.replace(tzinfo=self.dates.zone)
            return parsed.astimezone(UTC)
        return (
            self._common_shape(value) or self.dates.from_timestamp(value) or self.dates.parse(value)
        )

    def _common_shape(self, value: str) -> datetime | None:
        text = " ".join(value.split()).strip(" ,")
        stripped = _UTC_SUFFIX.sub("", text)
        zone = UTC if stripped != text else self.dates.zone
        if not stripped[:1].isalnum() or not any(char.isdigit() for char in stripped):
            return None
        for shape in _DATE_SHAPES:
            try:
                parsed = datetime.strptime(stripped, shape)
            except ValueError:
                continue
            return parsed.replace(tzinfo=zone).astimezone(UTC)
        return None


def _listed_post(
    container: Any, base: str, page_url: str, layout: LeakSiteLayout, reader: FieldReader
) -> ListedPost | None:
    fields = layout.fields
    title, title_status = _title_and_status(reader.text(container, fields.post_title))
    if not title:
        return None
    post_url = reader.url(container, fields.post_url, base, page_url)
    post = LeakSitePost(
        post_title=title,
        group_name=layout.group,
        discovered=reader.date(container, fields.discovered),
        published=reader.date(container, fields.published),
        description=_description(reader.text(container, fields.description, block=True)),
        website=clean_website(reader.text(container, fields.website)),
        post_url=post_url,
        country=country_code(reader.text(container, fields.country)),
        status=status_of(reader.text(container, fields.status)) or title_status,
    )
    if layout.detail is None:
        return ListedPost(post)
    link = (
        reader.url(container, layout.detail.link, base, page_url)
        if layout.detail.link
        else post_url
    )
    if link is None:
        return ListedPost(post, refused_detail="no victim page link")
    return ListedPost(post, link, refused_link(link, page_url))


def _unique(listed: list[ListedPost]) -> list[ListedPost]:
    """Drop exact repeats (a container matched twice); a post URL shared by victims with
    different titles is no post URL at all (it would merge them under one id)."""
    titles: dict[str, set[str]] = {}
    for entry in listed:
        if entry.post.post_url:
            titles.setdefault(entry.post.post_url, set()).add(entry.post.post_title)
    unique: list[ListedPost] = []
    keys: set[tuple[Any, ...]] = set()
    for entry in listed:
        url = entry.post.post_url
        if url and len(titles[url]) > 1:
            entry.post.post_url = None
            if entry.detail_url == url:
                entry.detail_url, entry.refused_detail = None, "link shared by several victims"
        key = (*dataclasses.astuple(entry.post), entry.detail_url)
        if key not in keys:
            keys.add(key)
            unique.append(entry)
    return unique


def first_match_in_page(root: Any, selectors: tuple[str, ...]) -> list[Any]:
    """Matches of the first selector that matches anything, in every top-level element.

    libxml2 recovers some broken pages (Play's) into two sibling ``<html>`` elements; a
    selector run from the first one alone would miss half the victims.
    """
    tops = _top_elements(root)
    for expression in selectors:
        found = [match for top in tops for match in first_match(top, (expression,))]
        if found:
            return found
    return []


def _top_elements(root: Any) -> list[Any]:
    return [root, *(node for node in root.itersiblings() if isinstance(node.tag, str))]


def _matches(node: Any, expressions: tuple[str, ...]) -> list[Any]:
    """What selectors find in ``node`` (a whole page when it is the root); no selector: itself."""
    is_page = isinstance(getattr(node, "tag", None), str) and node.getparent() is None
    if not expressions:
        return _top_elements(node) if is_page else [node]
    return first_match_in_page(node, expressions) if is_page else first_match(node, expressions)


def _pagination(
    root: Any, base: str, url: str, pagination: Pagination, reader: FieldReader
) -> tuple[str | None, int | None]:
    next_url = reader.url(root, pagination.next, base, url) if pagination.next else None
    numbers = reader.numbers(root, pagination.last_page) if pagination.last_page else []
    return next_url, max(numbers) if numbers else None


def _string(node: Any, mode: Mode, spec: FieldSpec) -> str:
    """The text a selected node stands for, as the field's mode wants it."""
    if isinstance(node, str):
        if mode == "block" or spec.regex is not None:
            return "\n".join(string_of(line) for line in node.splitlines()).strip()
        return string_of(node)
    if not isinstance(getattr(node, "tag", None), str):
        return ""
    if mode == "url":
        for name in _LINK_ATTRIBUTES:
            if node.get(name):
                return str(node.get(name)).strip()
    if mode == "date" and spec.regex is None:
        for name in _MACHINE_DATES:
            holder = node if node.get(name) else next(iter(node.xpath(f".//*[@{name}]")), None)
            if holder is not None and str(holder.get(name)).strip():
                return str(holder.get(name)).strip()
    if mode == "block" or spec.regex is not None:
        return block_text(node)
    return string_of(node)


@cache
def _compiled(pattern: str) -> Any:
    return regex.compile(pattern, REGEX_FLAGS)


def _search(pattern: str, text: str) -> str | None:
    """The named group ``value``, else group 1, else the whole match; None without a match."""
    compiled = _compiled(pattern)
    try:
        match = compiled.search(text, timeout=REGEX_SECONDS)
    except TimeoutError:
        logger.warning("regular expression %r gave up after %.2f s", pattern, REGEX_SECONDS)
        return None
    if match is None:
        return None
    if "value" in compiled.groupindex:
        found = match.group("value")
    else:
        found = match.group(1) if compiled.groups else match.group(0)
    return str(found) if found else None


def _is_markup(root: Any) -> bool:
    """Whether a parsed page is markup (parsel reads a JSON text as data, not elements)."""
    return isinstance(getattr(root, "tag", None), str)


def _title_and_status(text: str | None) -> tuple[str, str | None]:
    """The victim's name without the status markers the site wrote around it, and the status
    they said (spiders/leaksites/status.py)."""
    if not text:
        return "", None
    title, status = split_title(string_of(text))
    return title[:TITLE_LIMIT], status


def _description(text: str | None) -> str:
    return text[:DESCRIPTION_LIMIT] if text else ""
