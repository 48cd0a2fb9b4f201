"""Paste-site parsers: archive listings and the Pastebin scraping API (pure).

* :func:`parse_paste_archive` reads a listing page ("recent pastes", pastebin.com/archive) into
  :class:`~crawler.core.items.Paste` items, driven by an :class:`ArchiveLayout` (selectors from the
  source's ``options``, with defaults that fit Pastebin's ``table.maintable`` markup and,
  failing that, any table or list of paste links).
* :func:`parse_pastebin_api` reads the JSON list of Pastebin's scraping API
  (``api_scraping.php``); its plain-text refusal ("YOUR IP … DOES NOT HAVE ACCESS") raises
  :class:`ScrapingApiDenied`.

Raw paste bodies are read as text by spiders/pastes/text.py.

Selectors are CSS or XPath, as for forums (spiders/forums/parsers/layout.py). See docs/pastes.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any
from urllib.parse import urljoin, urlsplit, urlunsplit

from cssselect import SelectorError
from lxml import etree  # type: ignore[import-untyped]

from crawler.core.config import SourceConfig
from crawler.core.dates import DateResolver
from crawler.core.items import Paste, SourceItem
from spiders.page_text import date_of, parse_html, string_of
from spiders.selectors import Selectors, first_match, select

#: Rows tried in order when no ``rows`` selector is configured; the first that finds pastes wins.
DEFAULT_ROWS: Selectors = ("table.maintable tr", "table tr", "li", "article", "div[data-key]")
#: The paste key in a link's path: Pastebin "/AbCd1234", "/raw/…", Stikked "/view/…", "/p/…".
DEFAULT_KEY_PATTERN = r"^/(?:(?:raw|view|paste|p|v)/)?([A-Za-z0-9]{4,40})/?$"
DEFAULT_RAW_URL = "{base}/raw/{key}"
#: Site pages whose path looks like a key; never taken for a paste.
RESERVED_KEYS = frozenset(
    {
        "about", "account", "api", "archive", "contact", "dashboard", "doc_api", "faq", "help",
        "home", "index", "languages", "latest", "login", "logout", "messages", "night_mode",
        "privacy", "pro", "recent", "register", "search", "settings", "signup", "tools",
        "trending", "trends", "terms",
    }
)  # fmt: skip
_SELECTOR_KEYS = ("rows", "link", "title", "date", "syntax", "author", "size")
_DATE_LIKE = re.compile(
    r"\bago\b|il y a|today|yesterday|aujourd|hier|\b(?:19|20)\d{2}\b|\b\d{1,2}:\d{2}\b"
    r"|\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b\d+\s*(?:sec|min|hour|day|week|month|year)s?\b",
    re.IGNORECASE,
)
_SIZE = re.compile(
    r"^\s*(\d+(?:[.,]\d+)?)\s*(b|bytes?|octets?|kb|kib|ko|mb|mib|mo)\s*$", re.IGNORECASE
)
_SIZE_FACTORS = {"k": 1024, "m": 1024 * 1024}
_SYNTAX_LINK = etree.XPath(".//a[contains(@href, '/archive/')]")
_AUTHOR_LINK = etree.XPath(".//a[starts-with(@href, '/u/') or contains(@href, '/u/')]")
_CELLS = etree.XPath("./*")
_ATTRIBUTE_DATES = etree.XPath(
    "descendant-or-self::*[@datetime or @data-timestamp or @data-time or @data-date]"
)
_DENIED_MARKERS = ("does not have access", "doc_scraping_api", "not have access")


@dataclass(frozen=True)
class ArchiveLayout:
    """Where a paste archive listing puts each paste field, and how a paste's raw URL is built.

    ``rows`` lists alternatives tried in turn; a row's paste link is its first ``link`` match
    whose path matches ``key_pattern`` (one group: the key). Empty field selectors mean: the
    link's text (``title``), a cell that reads as a date (``date``), a link to ``/archive/<name>``
    (``syntax``), a link to ``/u/<name>`` (``author``), a cell reading "3.2 KB" (``size``).
    ``raw_url`` is a template with ``{base}`` (scheme and host of the paste's link), ``{key}``
    and ``{url}`` (the paste's page).
    """

    rows: Selectors = DEFAULT_ROWS
    link: Selectors = ("a[href]",)
    key_pattern: str = DEFAULT_KEY_PATTERN
    title: Selectors = ()
    date: Selectors = ()
    syntax: Selectors = ()
    author: Selectors = ()
    size: Selectors = ()
    raw_url: str = DEFAULT_RAW_URL
    #: True when ``rows`` came from the configuration (no guessing fallbacks then).
    configured_rows: bool = False


class ScrapingApiDenied(ValueError):
    """The Pastebin scraping API refused this IP address (it must be allow-listed)."""


def archive_layout(options: Mapping[str, Any]) -> ArchiveLayout:
    """The listing layout of a paste source's ``options``; raises ValueError for bad values."""
    layout = ArchiveLayout()
    selectors = options.get("selectors") or {}
    if not isinstance(selectors, Mapping):
        raise ValueError("options.selectors must be a table of selectors")
    changes: dict[str, Any] = {}
    for key, value in selectors.items():
        if key not in _SELECTOR_KEYS:
            raise ValueError(f"unknown selector {key!r} (known: {', '.join(_SELECTOR_KEYS)})")
        changes[key] = _as_selectors(value, key)
    if "rows" in changes:
        changes["configured_rows"] = True
    pattern = options.get("key_pattern", DEFAULT_KEY_PATTERN)
    raw_url = options.get("raw_url", DEFAULT_RAW_URL)
    if not isinstance(pattern, str) or not isinstance(raw_url, str):
        raise ValueError("options.key_pattern and options.raw_url must be strings")
    try:
        if re.compile(pattern).groups != 1:
            raise ValueError("options.key_pattern needs exactly one group (the key)")
    except re.error as exc:
        raise ValueError(f"options.key_pattern is not a regular expression: {exc}") from None
    if "{key}" not in raw_url and "{url}" not in raw_url:
        raise ValueError("options.raw_url needs {key} or {url}")
    layout = replace(layout, key_pattern=pattern, raw_url=raw_url, **changes)
    _check_selectors(layout)
    return layout


def parse_paste_page(
    engine: str, html: str, url: str, source: SourceConfig | None = None
) -> list[SourceItem]:
    """A saved listing read the way a paste source does (``leakwatch parse``).

    ``engine`` is ``archive``, ``pastebin_api``, or ``auto`` (the named source's engine, else
    the scraping API for a JSON body and an archive page otherwise). The source's options and
    timezone apply when one is given. Raises ValueError for bad options or an API refusal.
    """
    if engine == "auto":
        if source is not None and source.kind == "paste":
            engine = source.engine
        else:
            engine = "pastebin_api" if html.lstrip().startswith(("[", "{")) else "archive"
    options = source.options if source is not None and source.kind == "paste" else {}
    dates = DateResolver(
        source.timezone if source is not None else "UTC",
        date_order=str(options.get("date_order", "MDY")),
    )
    if engine == "pastebin_api":
        return list(parse_pastebin_api(html, url, dates))
    return list(parse_paste_archive(html, url, archive_layout(options), dates))


def parse_paste_archive(
    html: str, url: str, layout: ArchiveLayout | None = None, dates: DateResolver | None = None
) -> list[Paste]:
    """The pastes listed on an archive page, in page order (newest first on most sites)."""
    layout = layout or ArchiveLayout()
    dates = dates or DateResolver()
    page = parse_html(html)
    key_pattern = re.compile(layout.key_pattern)
    for position, expression in enumerate(layout.rows):
        guessing = not layout.configured_rows and position > 0
        pastes: dict[str, Paste] = {}
        for row in select(page, expression):
            if not isinstance(getattr(row, "tag", None), str):
                continue
            paste = _paste_of(row, url, layout, key_pattern, dates, guessing)
            if paste is not None and paste.key not in pastes:
                pastes[paste.key] = paste
        if pastes:
            return list(pastes.values())
    return []


def parse_pastebin_api(text: str, url: str, dates: DateResolver | None = None) -> list[Paste]:
    """Pastes of a Pastebin scraping API answer (a JSON list, newest first).

    Raises :class:`ScrapingApiDenied` for the API's refusal message and ValueError for any
    other answer that is not a JSON list of pastes.
    """
    dates = dates or DateResolver()
    stripped = text.strip()
    if not stripped.startswith(("[", "{")):
        if any(marker in stripped.lower() for marker in _DENIED_MARKERS):
            raise ScrapingApiDenied(stripped[:200])
        raise ValueError(f"the scraping API did not answer JSON: {stripped[:120]!r}")
    try:
        data = json.loads(stripped)
    except json.JSONDecodeError as exc:
        raise ValueError(f"invalid JSON from the scraping API: {exc}") from None
    if isinstance(data, dict):
        data = data.get("pastes") or data.get("data") or data
    if not isinstance(data, list):
        raise ValueError("the scraping API answered JSON that is not a list of pastes")
    base = _base_of(url)
    pastes = []
    for record in data:
        if not isinstance(record, dict) or not str(record.get("key") or "").strip():
            continue
        key = str(record["key"]).strip()
        pastes.append(
            Paste(
                key=key,
                url=_text(record.get("full_url")) or f"https://pastebin.com/{key}",
                title=_text(record.get("title")),
                author=_text(record.get("user")),
                date=dates.from_timestamp(_text(record.get("date"))),
                size=_integer(record.get("size")),
                syntax=_text(record.get("syntax")),
                raw_url=_text(record.get("scrape_url")) or f"{base}/api_scrape_item.php?i={key}",
            )
        )
    if data and not pastes:
        raise ValueError("the scraping API answered a list without any paste key")
    return pastes


def parse_size(text: str) -> int | None:
    """A size as shown ("3.77 KB", "512 bytes", "1,2 Mo") in bytes; None when it is not one."""
    match = _SIZE.match(text)
    if not match:
        return None
    number = float(match.group(1).replace(",", "."))
    return int(round(number * _SIZE_FACTORS.get(match.group(2)[0].lower(), 1)))


def raw_url_for(layout: ArchiveLayout, key: str, paste_url: str) -> str:
    """The raw-text URL of a paste from the layout's ``raw_url`` template (``{base}`` is the
    scheme and host of the paste's own link)."""
    filled = layout.raw_url.format(base=_base_of(paste_url), key=key, url=paste_url)
    return urljoin(paste_url, filled)


def _paste_of(
    row: Any,
    url: str,
    layout: ArchiveLayout,
    key_pattern: re.Pattern[str],
    dates: DateResolver,
    guessing: bool,
) -> Paste | None:
    link, key, paste_url = _key_link(row, url, layout, key_pattern, guessing)
    if key is None:
        return None
    if layout.title:
        title = _field_text(row, layout.title)
    else:
        title = string_of(link) if link is not None else ""
    syntax = _field_text(row, layout.syntax) if layout.syntax else _first_text(_SYNTAX_LINK(row))
    if syntax.lower() == "none":  # Pastebin's label for "no highlighting"
        syntax = ""
    author = _field_text(row, layout.author) if layout.author else _first_text(_AUTHOR_LINK(row))
    if layout.size:
        size = parse_size(_field_text(row, layout.size) or "")
    else:
        size = next((s for s in map(parse_size, _cell_texts(row)) if s is not None), None)
    return Paste(
        key=key,
        url=paste_url,
        title=title or None,
        author=author or None,
        date=_date(row, layout, link, dates),
        size=size,
        syntax=syntax or None,
        raw_url=raw_url_for(layout, key, paste_url),
    )


def _key_link(
    row: Any, url: str, layout: ArchiveLayout, key_pattern: re.Pattern[str], guessing: bool
) -> tuple[Any, str | None, str]:
    listing = urlsplit(url)
    for node in first_match(row, layout.link):
        href = node if isinstance(node, str) else node.get("href")
        if not href:
            continue
        absolute = urljoin(url, str(href).strip())
        parts = urlsplit(absolute)
        if parts.scheme not in ("http", "https", "file"):
            continue
        # A page saved to disk keeps its links to the site; a live page's links stay on it.
        if listing.scheme != "file" and not _same_site(parts.hostname, listing.hostname):
            continue
        match = key_pattern.search(parts.path)
        if not match or match.group(1).lower() in RESERVED_KEYS:
            continue
        key = match.group(1)
        if guessing and key.isalpha() and key.islower():
            continue  # outside the expected rows, a plain lower-case word is a page, not a key
        element = None if isinstance(node, str) else node
        clean = urlunsplit((parts.scheme, parts.netloc, parts.path, parts.query, ""))
        return element, key, clean
    return None, None, ""


def _same_site(host: str | None, listing_host: str | None) -> bool:
    """True for the listing's host, its ``www.`` twin and its subdomains (and vice versa)."""
    if host is None or listing_host is None:
        return host == listing_host
    one, other = host.removeprefix("www."), listing_host.removeprefix("www.")
    return one == other or one.endswith("." + other) or other.endswith("." + one)


def _date(row: Any, layout: ArchiveLayout, link: Any, dates: DateResolver) -> datetime | None:
    if layout.date:
        return date_of(first_match(row, layout.date), dates)
    for node in _ATTRIBUTE_DATES(row):
        found = date_of([node], dates)
        if found is not None:
            return found
    for cell in _CELLS(row):
        if not isinstance(getattr(cell, "tag", None), str) or (
            link is not None and _contains(cell, link)
        ):
            continue
        text = string_of(cell)
        if text and len(text) < 60 and _DATE_LIKE.search(text):
            found = date_of([cell], dates)
            if found is not None:
                return found
    return None


def _contains(cell: Any, node: Any) -> bool:
    return cell is node or any(child is node for child in cell.iterdescendants())


def _cell_texts(row: Any) -> list[str]:
    return [string_of(cell) for cell in _CELLS(row) if isinstance(getattr(cell, "tag", None), str)]


def _field_text(row: Any, selectors: Selectors) -> str:
    found = first_match(row, selectors)
    return string_of(found[0]) if found else ""


def _first_text(nodes: list[Any]) -> str:
    return string_of(nodes[0]) if nodes else ""


def _base_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _integer(value: Any) -> int | None:
    try:
        return int(str(value).strip())
    except ValueError:
        return None


def _as_selectors(value: Any, key: str) -> Selectors:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list | tuple) and value and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"selector {key!r} must be a string or a list of strings")


def _check_selectors(layout: ArchiveLayout) -> None:
    probe = parse_html("<html><body><p>probe</p></body></html>")
    for key in _SELECTOR_KEYS:
        for expression in getattr(layout, key):
            try:
                select(probe, expression)
            except (ValueError, SelectorError, etree.XPathError) as exc:
                raise ValueError(f"invalid {key} selector {expression!r}: {exc}") from None
