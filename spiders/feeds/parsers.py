"""Feed parsers: RSS/Atom, ransomwatch ``posts.json``, RansomLook and ransomware.live (pure).

Each returns a :class:`~spiders.feeds.items.FeedPage`: the
:class:`~spiders.feeds.items.FeedEntry` items found and, when the body is not (entirely) a feed,
a one-line ``problem``. The spider turns a problem without entries into ``parser_broken`` and a
problem next to entries into a warning.

* RSS 0.9x/1.0/2.0 and Atom go through feedparser, always from bytes (a ``str`` handed to
  feedparser may be taken for a URL and fetched). Entry ids are the ``guid``/``id``, else the
  link, else a hash of title and date; HTML in descriptions becomes plain text. An item whose
  whole description is ``Group: <name>`` (ransomwatch's RSS of leak-site posts) is a victim
  listing: the entry carries that ``group_name``.
* Victim lists and press exports, JSON or CSV, share one reader
  (:mod:`spiders.feeds.victim_lists`). The ``ransomwatch`` and ``ransomlive`` engines also read
  the RSS feeds those trackers publish (a body starting as XML).
"""

from __future__ import annotations

import calendar
import hashlib
import re
from datetime import UTC, datetime, timedelta
from typing import Any

import feedparser

from crawler.core.config import SourceConfig
from crawler.core.dates import DateResolver
from crawler.core.items import SourceItem
from crawler.core.text import clean_references
from spiders.feeds.items import FeedEntry, FeedPage
from spiders.feeds.options import FeedOptions
from spiders.feeds.plain import SUMMARY_LIMIT, plain_text
from spiders.feeds.victim_lists import csv_records, parse_victim_list

MAX_TAGS = 20
FEED_ENGINES = ("rss", "ransomwatch", "ransomlive")
#: Engines reading victim lists (JSON or CSV; their start URLs may be CSV exports).
VICTIM_LIST_ENGINES = ("ransomwatch", "ransomlive")
#: Where each tracker shows a group, for entries without a URL of their own
#: (``options.group_page_url`` overrides it).
GROUP_PAGES = {
    "ransomlive": "https://www.ransomware.live/group/{group}",
    "ransomwatch": "https://ransomwatch.telemetry.ltd/#/profiles?id={group}",
}
#: The whole description of an RSS item of leak-site posts (ransomwatch): "Group: lockbit3".
_GROUP_DESCRIPTION = re.compile(
    r"(?:ransomware )?(?:group|groupe|gang)\s?:\s?(?P<group>[\w.@ -]{1,60})", re.IGNORECASE
)
#: How an RSS or Atom document starts (a victim-list engine then reads it as RSS).
_XML_START = re.compile(rb"^\s*(?:<\?xml|<rss|<feed|<rdf:RDF)", re.IGNORECASE)


def parse_feed(
    engine: str,
    body: bytes | str,
    url: str,
    content_type: str | None = None,
    dates: DateResolver | None = None,
    group_page: str | None = None,
) -> FeedPage:
    """Parse ``body`` the way a ``feed`` source with ``engine`` does (``auto`` detects it).

    ``group_page`` is the template of a group's page for victim entries without a URL (None:
    the engine's :data:`GROUP_PAGES` default; ``""``: none). Raises ValueError for an unknown
    engine.
    """
    if engine == "auto":
        engine = detect_engine(body)
    if engine == "rss":
        return parse_rss_feed(body, url, content_type)
    if engine in VICTIM_LIST_ENGINES:
        raw = body.encode("utf-8") if isinstance(body, str) else body
        if _XML_START.match(raw.lstrip(b"\xef\xbb\xbf")[:200]):
            return parse_rss_feed(body, url, content_type)
        text = body if isinstance(body, str) else body.decode("utf-8", errors="replace")
        page = group_page if group_page is not None else GROUP_PAGES.get(engine)
        return parse_victim_list(text, url, dates, page or None)
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
    group_page = None
    if source is not None and source.kind == "feed":
        group_page = FeedOptions.of(source).group_page_url
    page = parse_feed(engine, text, url, dates=dates, group_page=group_page)
    if page.problem and not page.entries:
        raise ValueError(page.problem)
    return list(page.entries)


def detect_engine(body: bytes | str) -> str:
    """``ransomlive`` for a JSON body or a CSV victim list, ``rss`` otherwise."""
    start = body[:4096] if isinstance(body, str) else body[:4096].decode("utf-8", "replace")
    start = start.lstrip(" \t\r\n\ufeff\xef\xbb\xbf")
    if start.startswith(("[", "{")) or csv_records(start.split("\n", 1)[0]) is not None:
        return "ransomlive"
    return "rss"


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
    title = plain_text(entry.get("title") or "")
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
        term = plain_text(str(tag.get("term") or tag.get("label") or ""))
        if term and term not in tags:
            tags.append(term)
    group = _GROUP_DESCRIPTION.fullmatch(summary)
    return FeedEntry(
        entry_id=entry_id[:255],
        title=title or _first_words(summary),
        url=link,
        published=published,
        author=plain_text(entry.get("author") or "") or None,
        summary=summary,
        group_name=group.group("group").strip() if group else None,
        tags=tags[:MAX_TAGS],
    )


def _entry_text(entry: Any) -> str:
    """The longest of the entry's content blocks and summary, as plain text."""
    candidates = [str(entry.get("summary") or "")]
    candidates += [str(block.get("value") or "") for block in entry.get("content") or []]
    best = max(candidates, key=len)
    return plain_text(best, keep_lines=True)[:SUMMARY_LIMIT]


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
