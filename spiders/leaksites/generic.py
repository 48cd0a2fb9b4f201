"""The layout-free reader of leak-site listings: the general case, when no layout fits.

Groups change their markup without warning, and many have no layout at all. This reader
needs none: spiders/leaksites/generic_blocks.py finds the page's repeated, titled blocks
(cards, rows, table cells), and each block's fields are read heuristically
(spiders/leaksites/generic_values.py):

* ``post_title``: the block's title, cleaned of status markers (spiders/leaksites/status.py);
* ``post_url``: the title's link, the block's own ``href``, else a "Read more" link or the
  block's only link on the site;
* ``website``: a labelled line ("Website: …"), a line that is a domain, a link to another
  site, or the title when it is a domain;
* ``country``: a labelled line, or a line that is a country's name;
* ``published``: a labelled publication date, a countdown ("3D 04h", "2 DAYS BEFORE
  PUBLICATION") or a timer's date attribute (``data-timer``);
* ``discovered``: a labelled date ("added:", "Posted"), another date attribute, else the
  first date-looking line (read by crawler/core/dates.py);
* ``status``: the title's markers, else a short status line ("PUBLISHED"), else a countdown;
* ``description``: the other lines.

A JSON answer (an API, or JSON in a ``<pre>``) is read as records instead
(spiders/leaksites/generic_json.py). Every post says ``layout = "generic"``. Pure functions,
no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from spiders.leaksites.generic_blocks import Block, best_blocks
from spiders.leaksites.generic_json import json_records, record_date, record_text, title_of
from spiders.leaksites.generic_values import (
    FIELD_LINE_MAX,
    country_line,
    date_in,
    is_countdown,
    labelled,
    link_word,
    read_date,
    website_in_line,
)
from spiders.leaksites.items import LeakSitePost
from spiders.leaksites.status import known_statuses, split_title, status_of
from spiders.leaksites.values import (
    base_of,
    clean_website,
    countdown_end,
    country_code,
    page_link,
    refused_link,
)
from spiders.page_text import parse_html, string_of

#: Name of the reader, in each post's ``layout`` field and in health reports.
GENERIC = "generic"
TITLE_LIMIT = 300
DESCRIPTION_LIMIT = 20_000
_MACHINE_DATES = ("data-timer", "datetime", "data-timestamp", "data-time", "data-date")
_TIMER_CLASS = re.compile(r"timer|countdown|counter|clock|deadline", re.IGNORECASE)
_NEXT_WORDS = {"next", "next page", "suivant", "page suivante", "older", "older posts", "»", "›"}
#: Blog titles "<victim> Data Leak" (Everest): the words are the post's, not the victim's.
_TITLE_SUFFIX = re.compile(r"\s*[-–|:]?\s*\bdata\s+leak$", re.IGNORECASE)
#: A label before the name: "Company: Acme", "Victim name: …", "Entreprise : …".
_TITLE_LABEL = re.compile(
    r"^(?:company(?:\s+name)?|victim(?:\s+name)?|name|target|organi[sz]ation|entreprise"
    r"|soci[ée]t[ée])\s*:\s*",
    re.IGNORECASE,
)


@dataclass
class GenericPage:
    """What the generic reader found: the victims and the page's "next" link."""

    posts: list[LeakSitePost] = field(default_factory=list)
    next_url: str | None = None


def parse_generic_page(
    html: str,
    url: str,
    group: str,
    now: datetime | None = None,
    timezone: str = "UTC",
) -> GenericPage:
    """Victims of a listing page at ``url`` read without a layout (none when no group of
    blocks looks like a listing), and the page's "next" link. ``now`` anchors countdowns;
    dates without a timezone are in ``timezone``."""
    moment = now or datetime.now(UTC)
    records = json_records(html)
    if records or html.lstrip().startswith(("{", "[")):  # JSON: records, or nothing
        return GenericPage(_unique(record_post(r, group, url, timezone) for r in records))
    root = parse_html(html)
    base = base_of(root, url)
    blocks = (block_post(block, group, base, url, moment, timezone) for block in best_blocks(root))
    posts = _unique(blocks)
    return GenericPage(posts, _next_link(root, base, url) if posts else None)


def _unique(found: Iterable[LeakSitePost]) -> list[LeakSitePost]:
    """Posts with a title, each (title, post URL) once."""
    posts: list[LeakSitePost] = []
    seen: set[tuple[str, str | None]] = set()
    for post in found:
        if post.post_title and (post.post_title, post.post_url) not in seen:
            seen.add((post.post_title, post.post_url))
            posts.append(post)
    return posts


def record_post(record: dict[str, Any], group: str, page_url: str, timezone: str) -> LeakSitePost:
    """One JSON record as a victim (spiders/leaksites/generic_json.py)."""
    title, title_status = split_title(title_of(record))
    link = record_text(record, "post_url")
    shown_status = record_text(record, "status")
    return LeakSitePost(
        post_title=title[:TITLE_LIMIT],
        group_name=group,
        discovered=record_date(record, "discovered", timezone),
        published=record_date(record, "published", timezone),
        description=(record_text(record, "description") or "")[:DESCRIPTION_LIMIT],
        website=clean_website(record_text(record, "website")),
        post_url=page_link(page_url, link, page_url) if link else None,
        country=country_code(record_text(record, "country")),
        status=title_status or (status_of(shown_status) if shown_status else None),
        layout=GENERIC,
    )


def block_post(
    block: Block, group: str, base: str, page_url: str, now: datetime, timezone: str
) -> LeakSitePost:
    """One block as a victim, every field read heuristically."""
    shown = _TITLE_LABEL.sub("", _TITLE_SUFFIX.sub("", block.title)) or block.title
    title, title_status = split_title(shown)
    extra = block.extra_lines
    published, discovered = _dates(block, extra, now, timezone)
    countdown = any(is_countdown(line) for line in extra) or any(
        timer for _, timer in _machine_dates(block.element)
    )
    used = {line for line in extra if _field_line(line)}
    description = "\n".join(line for line in extra if line not in used)
    return LeakSitePost(
        post_title=title[:TITLE_LIMIT],
        group_name=group,
        discovered=discovered,
        published=published,
        description=description[:DESCRIPTION_LIMIT],
        website=_website(block, extra, title, page_url),
        post_url=_post_url(block, base, page_url),
        country=_country(extra),
        status=title_status or _status(extra) or ("countdown" if countdown else None),
        layout=GENERIC,
    )


def _field_line(line: str) -> bool:
    """Lines read as a field (or a button) and kept out of the description; sentences that
    mention a date or a countdown stay."""
    if len(line) > FIELD_LINE_MAX:
        return False
    date = date_in(line)
    return bool(
        (is_countdown(line) and len(line) <= 60)
        or (date is not None and len(line) - len(date) <= 24)
        or link_word(line)
        or website_in_line(line)
        or country_line(line)
        or any(labelled(line, name) for name in ("website", "country", "published", "discovered"))
        or _known_status(line)
    )


def _dates(
    block: Block, extra: list[str], now: datetime, timezone: str
) -> tuple[datetime | None, datetime | None]:
    """(published, discovered): labelled lines, timers, countdowns, then any date."""
    published = discovered = None
    for line in extra:
        value = labelled(line, "published")
        if published is None and value and date_in(value):
            published = read_date(date_in(value) or "", timezone)
        value = labelled(line, "discovered")
        if discovered is None and value and date_in(value):
            discovered = read_date(date_in(value) or "", timezone)
    for value, timer in _machine_dates(block.element):
        parsed = _attribute_date(value, timezone)
        if parsed is not None and timer and published is None:
            published = parsed
        elif parsed is not None and not timer and discovered is None:
            discovered = parsed
    if published is None:
        published = next((countdown_end(line, now) for line in extra if is_countdown(line)), None)
    if discovered is None:
        found = next((date_in(line) for line in extra if date_in(line)), None)
        unlabelled = read_date(found, timezone) if found else None
        if unlabelled is not None and unlabelled != published:
            discovered = unlabelled
    return published, discovered


def _attribute_date(value: str, timezone: str) -> datetime | None:
    """A date attribute: epoch seconds or milliseconds, else a date in its text."""
    if re.fullmatch(r"\d{9,13}(?:\.\d+)?", value):
        seconds = float(value) / (1000 if len(value.split(".")[0]) > 11 else 1)
        return datetime.fromtimestamp(seconds, UTC)
    found = date_in(value)
    return read_date(found, timezone) if found else None


def _machine_dates(element: Any) -> Iterator[tuple[str, bool]]:
    """Date attributes in a block, each with whether its element is a countdown timer."""
    for node in element.iter():
        if not isinstance(node.tag, str):
            continue
        for name in _MACHINE_DATES:
            value = (node.get(name) or "").strip()
            if value:
                yield (
                    value,
                    name == "data-timer" or bool(_TIMER_CLASS.search(node.get("class") or "")),
                )


def _website(block: Block, extra: list[str], title: str, page_url: str) -> str | None:
    for line in extra:
        value = labelled(line, "website")
        if value:
            return clean_website(value.split()[0])
    for line in extra:
        value = website_in_line(line)
        if value:
            return clean_website(value)
    for href, text in block.links:
        parts = urlsplit(href)
        host = parts.hostname or ""
        external = host and host != urlsplit(page_url).hostname and not host.endswith(".onion")
        if parts.scheme in ("http", "https") and external:
            return clean_website(website_in_line(text) or host)
    return clean_website(website_in_line(title))


def _country(extra: list[str]) -> str | None:
    for line in extra:
        value = labelled(line, "country")
        if value:
            return country_code(value)
    return next((code for code in map(country_line, extra) if code), None)


def _known_status(line: str) -> str | None:
    """The status a short line says ("PUBLISHED", "SOLD"); not a dated line ("Updated: …")."""
    if len(line) > 40 or date_in(line):
        return None
    status = status_of(line)
    return status if status in known_statuses() else None


def _status(extra: list[str]) -> str | None:
    return next((status for status in map(_known_status, extra) if status), None)


def _post_url(block: Block, base: str, page_url: str) -> str | None:
    """The title's link, the block's own link, a button's link, else its only site link."""
    candidates: list[str] = []
    node = block.title_node
    if node is not None:
        holder = next((a for a in node.iterancestors("a") if a.get("href")), None)
        inner = node.xpath("descendant-or-self::a[@href][1]/@href")
        if holder is not None:
            candidates.append(str(holder.get("href")))
        candidates += [str(href) for href in inner]
    if block.element.tag == "a" and block.element.get("href"):
        candidates.append(str(block.element.get("href")))
    candidates += [href for href, text in block.links if link_word(text)]
    site_links = {
        link
        for link in (page_link(base, href, page_url) for href, _ in block.links)
        if link and urlsplit(link).hostname == urlsplit(page_url).hostname
    }
    if len(site_links) == 1:
        candidates += list(site_links)
    for href in candidates:
        link = page_link(base, href, page_url)
        if link is not None and refused_link(link, page_url) is None:
            return link
    return None


def _next_link(root: Any, base: str, url: str) -> str | None:
    """The listing's next page: ``rel="next"``, else a link reading "Next", "»", "Suivant"."""
    for href in root.xpath("//link[@rel='next']/@href | //a[@rel='next']/@href"):
        link = page_link(base, str(href), url)
        if link is not None:
            return link
    for anchor in root.xpath("//a[@href]"):
        if string_of(anchor).casefold().strip(" >") in _NEXT_WORDS:
            link = page_link(base, str(anchor.get("href")), url)
            if link is not None and urlsplit(link).hostname == urlsplit(url).hostname:
                return link
    return None
