"""Feed parsers: RSS/Atom, ransomwatch ``posts.json`` and the ransomware.live API (pure).

Each returns a :class:`FeedPage`: the :class:`~crawler.core.items.FeedEntry` items found and, when
the body is not (entirely) a feed, a one-line ``problem``. The spider turns a problem without
entries into ``parser_broken`` and a problem next to entries into a warning.

* RSS 0.9x/1.0/2.0 and Atom go through feedparser, always from bytes (a ``str`` handed to
  feedparser may be taken for a URL and fetched). Entry ids are the ``guid``/``id``, else the
  link, else a hash of title and date; HTML in descriptions becomes plain text.
* Victim lists share one reader: ransomwatch ``posts.json`` (``post_title``, ``group_name``,
  ``discovered``, optional ``published``, ``post_url``, ``website``, ``description``,
  ``country``, ``activity``), ransomware.live v1 ``recentvictims`` (the same names) and v2
  (``victim``, ``group``, ``attackdate``, ``discovered``, ``domain``, ``url``, ``claim_url``,
  ``permalink``…), as a bare list or wrapped in an object. Entry ids are
  ``group:title`` (lower case), as for leak-site posts, so they survive API versions.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from crawler.core.config import SourceConfig
from crawler.core.dates import DateResolver
from crawler.core.items import FeedEntry, SourceItem
from crawler.core.text import clean_references
from spiders.page_text import block_text, parse_html

#: Plain text kept per entry for matching (the pipeline stores a redacted excerpt only).
SUMMARY_LIMIT = 20_000
MAX_TAGS = 20
FEED_ENGINES = ("rss", "ransomwatch", "ransomlive")
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
_SPACES = re.compile(r"\s+")
_MARKUP = re.compile(r"<[a-zA-Z!/]")


@dataclass
class FeedPage:
    """The entries of one fetched feed and, when something is wrong with it, what."""

    entries: list[FeedEntry] = field(default_factory=list)
    problem: str | None = None
    #: Records left out because they lack a title (victim lists) or are older than the cutoff.
    skipped: int = 0


def parse_feed(
    engine: str,
    body: bytes | str,
    url: str,
    content_type: str | None = None,
    dates: DateResolver | None = None,
) -> FeedPage:
    """Parse ``body`` the way a ``feed`` source with ``engine`` does (``auto`` detects it).

    Raises ValueError for an unknown engine.
    """
    if engine == "auto":
        engine = detect_engine(body)
    if engine == "rss":
        return parse_rss_feed(body, url, content_type)
    if engine in ("ransomwatch", "ransomlive"):
        text = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
        return parse_victim_list(text, url, dates)
    raise ValueError(f"unknown feed engine {engine!r} (known: {', '.join(FEED_ENGINES)})")


def parse_feed_page(
    engine: str, text: str, url: str, source: SourceConfig | None = None
) -> list[SourceItem]:
    """A saved feed read the way a feed source does (``leakwatch parse``).

    ``engine`` is ``rss``, ``ransomwatch``, ``ransomlive`` or ``auto`` (the named source's
    engine, else detected from the body). Raises ValueError when the body is not a feed.
    """
    if engine == "auto":
        engine = source.engine if source is not None and source.kind == "feed" else "auto"
    dates = DateResolver(source.timezone if source is not None else "UTC")
    page = parse_feed(engine, text, url, dates=dates)
    if page.problem and not page.entries:
        raise ValueError(page.problem)
    return list(page.entries)


def detect_engine(body: bytes | str) -> str:
    """``ransomlive`` for a JSON body (any victim list), ``rss`` otherwise."""
    start = body[:64] if isinstance(body, str) else body[:64].decode("latin-1")
    return (
        "ransomlive" if start.lstrip(" \t\r\n\ufeff\xef\xbb\xbf").startswith(("[", "{")) else "rss"
    )


def parse_rss_feed(body: bytes | str, url: str, content_type: str | None = None) -> FeedPage:
    """Entries of an RSS or Atom document, newest first as the feed lists them.

    ``content_type`` (the HTTP header) tells feedparser the charset. A ``str`` body is encoded
    as UTF-8 and declared so. Invalid XML keeps whatever entries feedparser recovered.
    """
    if isinstance(body, str):
        raw = body.encode("utf-8")
        content_type = "application/xml; charset=utf-8"
    else:
        raw = body
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    # A reference to NUL or a lone surrogate ("&#0;", "&#xD800;") crashes feedparser's loose
    # parser and would lose every entry of the feed: it is read as U+FFFD instead.
    parsed = feedparser.parse(clean_references(raw), response_headers=headers, sanitize_html=True)
    entries = []
    for entry in parsed.entries:
        item = _rss_entry(entry)
        if item is not None:
            entries.append(item)
    problem = None
    if parsed.get("bozo") and entries and _benign(parsed.get("bozo_exception")):
        problem = None
    elif parsed.get("bozo"):
        reason = _bozo_reason(parsed.get("bozo_exception"))
        if entries:
            problem = f"invalid XML ({reason}); {len(entries)} entries recovered"
        elif not parsed.get("version"):
            problem = f"not an RSS or Atom feed: {reason}"
        else:
            problem = f"invalid XML and no entry could be read: {reason}"
    elif not parsed.get("version"):
        problem = "not an RSS or Atom feed (no channel or feed element)"
    return FeedPage(entries, problem, len(parsed.entries) - len(entries))


def parse_victim_list(text: str, url: str, dates: DateResolver | None = None) -> FeedPage:
    """Entries of a ransomwatch ``posts.json`` or ransomware.live API answer (any version).

    A record needs a victim name and a group; others are counted in ``skipped``.
    """
    dates = dates or DateResolver()
    try:
        data = json.loads(text.lstrip("\ufeff"))
    except json.JSONDecodeError as exc:
        snippet = _SPACES.sub(" ", text[:80]).strip()
        return FeedPage(problem=f"not JSON ({exc.msg} at line {exc.lineno}): {snippet!r}")
    records = _records_of(data)
    if records is None:
        return FeedPage(problem="JSON without a list of victims")
    entries = []
    for record in records:
        entry = _victim_entry(record, dates) if isinstance(record, Mapping) else None
        if entry is not None:
            entries.append(entry)
    skipped = len(records) - len(entries)
    if records and not entries:
        keys = sorted(records[0]) if isinstance(records[0], Mapping) else []
        return FeedPage(
            problem=f"no record has a victim name and a group (keys: {', '.join(keys[:12])})",
            skipped=skipped,
        )
    return FeedPage(entries, None, skipped)


def recent_entries(
    page: FeedPage, max_age_days: float | None, now: datetime | None = None
) -> FeedPage:
    """``page`` without entries published more than ``max_age_days`` ago (undated ones stay)."""
    if not max_age_days:
        return page
    cutoff = (now or datetime.now(UTC)) - timedelta(days=max_age_days)
    kept = [entry for entry in page.entries if entry.published is None or entry.published >= cutoff]
    return FeedPage(kept, page.problem, page.skipped + len(page.entries) - len(kept))


# --- RSS / Atom ----------------------------------------------------------------------------


def _rss_entry(entry: Any) -> FeedEntry | None:
    title = _plain(entry.get("title") or "")
    link = str(entry.get("link") or "").strip() or None
    summary = _entry_text(entry)
    if not title and not summary:
        return None
    published = _struct_time(entry.get("published_parsed") or entry.get("updated_parsed"))
    entry_id = str(entry.get("id") or "").strip() or link
    if not entry_id:
        seed = f"{title}\0{entry.get('published') or entry.get('updated') or ''}"
        entry_id = "sha256:" + hashlib.sha256(seed.encode("utf-8", "replace")).hexdigest()
    tags = []
    for tag in entry.get("tags") or []:
        term = _plain(str(tag.get("term") or tag.get("label") or ""))
        if term and term not in tags:
            tags.append(term)
    return FeedEntry(
        entry_id=entry_id[:255],
        title=title or _first_words(summary),
        url=link,
        published=published,
        author=_plain(entry.get("author") or "") or None,
        summary=summary,
        tags=tags[:MAX_TAGS],
    )


def _entry_text(entry: Any) -> str:
    """The longest of the entry's content blocks and summary, as plain text."""
    candidates = [str(entry.get("summary") or "")]
    candidates += [str(block.get("value") or "") for block in entry.get("content") or []]
    best = max(candidates, key=len)
    return _plain(best, keep_lines=True)[:SUMMARY_LIMIT]


def _plain(text: str, keep_lines: bool = False) -> str:
    """Text without markup; ``keep_lines`` keeps paragraph breaks."""
    if _MARKUP.search(text):
        text = block_text(parse_html(f"<div>{text}</div>"))
    if keep_lines:
        return "\n".join(_SPACES.sub(" ", line).strip() for line in text.splitlines()).strip()
    return _SPACES.sub(" ", text).strip()


def _struct_time(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        return datetime.fromtimestamp(calendar.timegm(value), UTC)
    except (OverflowError, ValueError, TypeError):
        return None


def _benign(exception: Any) -> bool:
    """A charset or media type the server declared wrongly: the feed itself is fine."""
    return type(exception).__name__ in ("CharacterEncodingOverride", "NonXMLContentType")


def _bozo_reason(exception: Any) -> str:
    if exception is None:
        return "unknown error"
    line = getattr(exception, "getLineNumber", None)
    where = f" at line {line()}" if callable(line) else ""
    return f"{type(exception).__name__}: {exception}{where}"


def _first_words(text: str, limit: int = 120) -> str:
    first = text.strip().splitlines()[0] if text.strip() else ""
    return first[:limit]


# --- victim lists ----------------------------------------------------------------------------


def _records_of(data: Any) -> list[Any] | None:
    if isinstance(data, list):
        return data
    if isinstance(data, Mapping):
        for key in _WRAPPERS:
            if isinstance(data.get(key), list):
                return list(data[key])
    return None


def _victim_entry(record: Mapping[str, Any], dates: DateResolver) -> FeedEntry | None:
    title = _first(record, _TITLE_KEYS, placeholders=True)
    group = _first(record, _GROUP_KEYS, placeholders=True)
    if not title or not group:
        return None
    discovered = _date(record.get("discovered"), dates)
    published = next(
        (d for d in (_date(record.get(key), dates) for key in _PUBLISHED_KEYS) if d), None
    )
    tags = [value for value in (_first(record, (key,)) for key in _TAG_KEYS) if value]
    return FeedEntry(
        entry_id=f"{group}:{title}".lower()[:255],
        title=title,
        url=next((u for u in (_first(record, (k,)) for k in _URL_KEYS) if _is_url(u)), None),
        published=published or discovered,
        summary=_plain(_first(record, ("description", "summary")) or "", keep_lines=True)[
            :SUMMARY_LIMIT
        ],
        group_name=group,
        website=_first(record, _WEBSITE_KEYS),
        country=_first(record, ("country",)),
        tags=tags,
    )


def _first(
    record: Mapping[str, Any], keys: tuple[str, ...], placeholders: bool = False
) -> str | None:
    """The first non-empty value among ``keys``; "N/A", "Not Found"… count as empty unless
    ``placeholders`` (a victim really called "Unknown" keeps its name)."""
    for key in keys:
        value = record.get(key)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            text = _SPACES.sub(" ", str(value)).strip()
            if text and (placeholders or text.lower() not in _PLACEHOLDERS):
                return text
    return None


def _date(value: Any, dates: DateResolver) -> datetime | None:
    if value is None or value == "":
        return None
    if isinstance(value, int | float) and not isinstance(value, bool):
        return dates.from_timestamp(value)
    text = str(value).strip()
    return dates.from_iso(text) or dates.parse(text)


def _is_url(value: str | None) -> bool:
    return bool(value) and str(value).startswith(("http://", "https://"))
