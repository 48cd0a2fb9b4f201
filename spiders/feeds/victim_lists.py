"""Victim lists of ransomware trackers, in JSON or CSV (pure).

One reader for every shape the trackers publish:

* victim posts: ransomwatch ``posts.json`` and RansomLook's ``/api/recent`` and ``/api/last``
  (``post_title``, ``group_name``, ``discovered``, optional ``published``, ``post_url`` or
  ``link``, ``website``, ``description``, ``country``, ``activity``), ransomware.live v1
  ``recentvictims`` (the same names) and its CSV export (the same columns), ransomware.live v2
  (``victim``, ``group``, ``attackdate``, ``discovered``, ``domain``, ``url``, ``claim_url``,
  ``permalink``…), as a bare list, wrapped in an object, or RansomLook's
  ``/api/group/<name>`` pair ``[group, posts]`` (the group named by the URL);
* press records: ransomware.live's press export and API (``victim``, ``title`` of the article,
  ``url``, ``date``, ``summary``, ``domain``, ``country``, and ``ransomware``: null or
  ``{"group", "permalink"}``).

A victim post needs a victim name and a group; a press record needs a victim name (the group
is known for some only). Others are counted in ``skipped``. Victim posts are identified by
``group:title`` (lower case), as leak-site posts, so the id survives API versions; press records
by ``press:`` + sha256 of victim and article URL, else ``sha256:`` of group, victim and
date. Relative URLs are resolved
against the list's own URL; an entry without any URL links to its group's page when the
source knows a ``group_page`` template (``{group}`` replaced).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any
from urllib.parse import quote, unquote, urljoin, urlsplit

from crawler.core.dates import DateResolver
from spiders.feeds.items import FeedEntry, FeedPage
from spiders.feeds.plain import SPACES, SUMMARY_LIMIT, plain_text

#: Object keys under which an API may wrap its list of victims.
_WRAPPERS = ("victims", "data", "results", "items", "posts", "recentvictims")
_TITLE_KEYS = ("post_title", "victim", "title", "name")
_GROUP_KEYS = ("group_name", "group", "ransomware_group", "gang")
_PUBLISHED_KEYS = ("published", "attackdate", "attack_date", "date")
_URL_KEYS = ("permalink", "url", "post_url", "claim_url", "link")
_WEBSITE_KEYS = ("website", "domain")
_TAG_KEYS = ("activity", "sector")
#: Values APIs write instead of leaving a field empty.
_PLACEHOLDERS = frozenset({"not found", "n/a", "na", "unknown", "none", "null", "-", "?"})
#: The group a RansomLook ``/api/group/<name>`` answer is about.
_GROUP_PATH = re.compile(r"/group/(?P<name>[^/?#]+)/?$")
PRESS_TAG = "press"


def parse_victim_list(
    text: str, url: str, dates: DateResolver | None = None, group_page: str | None = None
) -> FeedPage:
    """Entries of a victim list or press export, JSON or CSV (a header row naming a victim
    column); ``url`` is where it was read (relative links resolve against it)."""
    dates = dates or DateResolver()
    text = text.lstrip("\ufeff")
    default_group = None
    rows = csv_records(text)
    if rows is None:
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            snippet = SPACES.sub(" ", text[:80]).strip()
            return FeedPage(problem=f"not JSON ({exc.msg} at line {exc.lineno}): {snippet!r}")
        rows, default_group = _records_of(data, url)
        if rows is None:
            return FeedPage(problem="JSON without a list of victims")
    reader = _RecordReader(url, dates, group_page, default_group)
    entries = []
    for record in rows:
        entry = reader.entry(record) if isinstance(record, Mapping) else None
        if entry is not None:
            entries.append(entry)
    skipped = len(rows) - len(entries)
    if rows and not entries:
        keys = sorted(map(str, rows[0])) if isinstance(rows[0], Mapping) else []
        return FeedPage(
            problem=f"no record has a victim name and a group (keys: {', '.join(keys[:12])})",
            skipped=skipped,
        )
    return FeedPage(entries, None, skipped)


def csv_records(text: str) -> list[dict[str, Any]] | None:
    """The rows of a CSV victim list (keys lower-cased), or None when ``text`` is no such CSV:
    its first line must be a header naming a victim column (``post_title``, ``victim``…)."""
    first = text[:4096].split("\n", 1)[0]
    if first.lstrip().startswith(("[", "{", "<")) or "," not in first:
        return None
    header = {name.strip().lower() for name in next(csv.reader([first]), [])}
    if not header & set(_TITLE_KEYS):
        return None
    reader = csv.DictReader(io.StringIO(text))
    try:
        return [
            {str(key).strip().lower(): value for key, value in row.items() if key is not None}
            for row in reader
        ]
    except csv.Error:
        return None


def group_page_url(template: str | None, group: str | None) -> str | None:
    """The group's page from ``template`` (``{group}``: the name, lower case, URL-quoted)."""
    if not template or not group:
        return None
    return template.replace("{group}", quote(group.lower(), safe=""))


def resolve_url(value: str | None, base: str) -> str | None:
    """``value`` as an absolute http(s) URL (relative ones resolved against ``base``, whose
    scheme a ``file:`` base keeps), or None for anything else (``javascript:``, ``mailto:``…)."""
    if not value:
        return None
    value = value.strip()
    if value.lower().startswith(("http://", "https://")):
        return value
    if re.match(r"^[A-Za-z][A-Za-z0-9+.-]*:", value):
        return None
    resolved = urljoin(base, value)
    scheme = urlsplit(resolved).scheme.lower()
    return resolved if scheme in ("http", "https", "file") and resolved != base else None


class _RecordReader:
    """Turns one record into a :class:`FeedEntry` (victim post or press record)."""

    def __init__(
        self, url: str, dates: DateResolver, group_page: str | None, default_group: str | None
    ) -> None:
        self.url = url
        self.dates = dates
        self.group_page = group_page
        self.default_group = default_group

    def entry(self, record: Mapping[str, Any]) -> FeedEntry | None:
        """The record's entry, or None when it lacks what its kind needs."""
        if _is_press(record):
            return self.press_entry(record)
        return self.victim_entry(record)

    def victim_entry(self, record: Mapping[str, Any]) -> FeedEntry | None:
        """A victim post: needs a victim name and a group."""
        title = _first(record, _TITLE_KEYS, placeholders=True)
        group = _first(record, _GROUP_KEYS, placeholders=True) or self.default_group
        if not title or not group:
            return None
        discovered = self._date(record.get("discovered"))
        published = next((d for d in map(self._date, _values(record, _PUBLISHED_KEYS)) if d), None)
        tags = [value for value in (_first(record, (key,)) for key in _TAG_KEYS) if value]
        return FeedEntry(
            entry_id=f"{group}:{title}".lower()[:255],
            title=title,
            url=self._url(record, _URL_KEYS, group),
            published=published or discovered,
            summary=_summary(_first(record, ("description", "summary"))),
            group_name=group,
            website=_first(record, _WEBSITE_KEYS),
            country=_first(record, ("country",)),
            tags=tags,
        )

    def press_entry(self, record: Mapping[str, Any]) -> FeedEntry | None:
        """A press record: an article about a victim, with the group when it is known."""
        ransomware = record.get("ransomware")
        claim = ransomware if isinstance(ransomware, Mapping) else {}
        victim = _first(record, ("victim",), placeholders=True)
        headline = _first(record, ("title",))
        if not victim and not headline:
            return None
        group = _first(claim, _GROUP_KEYS, placeholders=True)
        published = self._date(record.get("date")) or self._date(record.get("added"))
        article = resolve_url(_first(record, ("url",)), self.url)
        name = (victim or headline or "").lower()
        # One article may cover several victims: the victim is part of the id.
        if article:
            entry_id = "press:" + _digest("press", name, article)
        else:
            entry_id = "sha256:" + _digest(group or "", name, str(published))
        summary = "\n".join(part for part in (headline, _first(record, ("summary",))) if part)
        return FeedEntry(
            entry_id=entry_id[:255],
            title=victim or headline or "",
            url=article or self._url(claim, ("permalink",), group),
            published=published,
            summary=_summary(summary),
            group_name=group,
            website=_first(record, _WEBSITE_KEYS),
            country=_first(record, ("country",)),
            tags=[PRESS_TAG],
        )

    def _url(self, record: Mapping[str, Any], keys: Sequence[str], group: str | None) -> str | None:
        for value in _values(record, keys):
            resolved = resolve_url(value if isinstance(value, str) else None, self.url)
            if resolved:
                return resolved
        return group_page_url(self.group_page, group)

    def _date(self, value: Any) -> datetime | None:
        if value is None or value == "":
            return None
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.dates.from_timestamp(value)
        text = str(value).strip()
        return self.dates.from_iso(text) or self.dates.parse(text)


def _records_of(data: Any, url: str) -> tuple[list[Any] | None, str | None]:
    """The records of a JSON answer and, for RansomLook's ``[group, posts]``, the group."""
    if isinstance(data, list):
        if (
            len(data) == 2
            and isinstance(data[0], Mapping)
            and isinstance(data[1], list)
            and {"locations", "meta"} & set(data[0])
        ):
            match = _GROUP_PATH.search(urlsplit(url).path)
            return list(data[1]), unquote(match.group("name")) if match else None
        return data, None
    if isinstance(data, Mapping):
        for key in _WRAPPERS:
            if isinstance(data.get(key), list):
                return list(data[key]), None
    return None, None


def _is_press(record: Mapping[str, Any]) -> bool:
    """A press record: ransomware.live's ``ransomware`` object (or null), or a victim named
    next to an article ``title`` and ``summary``."""
    return "ransomware" in record or {"victim", "title", "summary"} <= set(record)


def _digest(*parts: str) -> str:
    return hashlib.sha256("\0".join(parts).encode("utf-8", "replace")).hexdigest()


def _values(record: Mapping[str, Any], keys: Sequence[str]) -> list[Any]:
    return [record.get(key) for key in keys if record.get(key) not in (None, "")]


def _summary(text: str | None) -> str:
    return plain_text(text or "", keep_lines=True)[:SUMMARY_LIMIT]


def _first(
    record: Mapping[str, Any], keys: Sequence[str], placeholders: bool = False
) -> str | None:
    """The first non-empty value among ``keys``; "N/A", "Not Found"… count as empty unless
    ``placeholders`` (a victim really called "Unknown" keeps its name)."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = SPACES.sub(" ", str(value)).strip()
            if text and (placeholders or text.lower() not in _PLACEHOLDERS):
                return text
    return None
