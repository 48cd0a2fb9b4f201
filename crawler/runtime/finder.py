"""The bridge between the matcher and the storage pipeline.

:func:`load_matcher` builds the configured :class:`~crawler.matching.matcher.Matcher` once per
crawl, with the aliases analysts added when they resolved possible hits (``entity_aliases``,
:func:`db.review.analyst_aliases`); :func:`make_finder` returns a function giving, for one
post, the findings to store (hits, and the possible hits of :mod:`crawler.matching.review`) and
the redacted excerpt to keep (around the first hit in the text, else the first possible hit,
else the start of the text; for a title-only post with a hit, such as a victim name or a feed
title, the redacted title).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from crawler.core.config import Settings, SourceConfig
from crawler.core.items import PostRecord
from crawler.core.records import PostFindings
from crawler.core.redaction import excerpt
from crawler.matching.matcher import Matcher, MatchResult
from crawler.matching.review import possible_hits
from crawler.matching.watchlist import Watchlist, load_watchlist
from db.review import analyst_aliases

Finder = Callable[[PostRecord], tuple[PostFindings, str]]
#: Feed engines whose entries are ransomware victim listings.
RANSOMWARE_FEEDS = ("ransomwatch", "ransomlive")


def is_ransomware_listing(source: SourceConfig) -> bool:
    """True when the source's posts are ransomware victim entries (a leak site, a victim feed)."""
    return source.kind == "leaksite" or (
        source.kind == "feed" and source.engine in RANSOMWARE_FEEDS
    )


def findings_of(result: MatchResult, ransomware_listing: bool = False) -> PostFindings:
    """The storable findings of one match result (the matcher's own records, not copies)."""
    return PostFindings(
        hits=result.matches,
        sale_score=result.sale.score,
        claim=result.claims,
        possible=possible_hits(result, ransomware_listing),
    )


def with_aliases(watchlist: Watchlist, aliases: Mapping[str, Sequence[str]]) -> Watchlist:
    """``watchlist`` with extra ``aliases`` (entity key → aliases) added to its entities.

    Keys the watchlist does not hold are ignored; an alias the entity already has is not added
    twice. The aliases change the watchlist's fingerprint, so the index is rebuilt once.
    """
    if not aliases:
        return watchlist
    extra = []
    for entity in watchlist.entities:
        new = [alias for alias in aliases.get(entity.key, ()) if alias not in entity.aliases]
        if new:
            extra.append(replace(entity, aliases=[*entity.aliases, *new]))
    return watchlist.merged(extra) if extra else watchlist


def load_matcher(settings: Settings, sessions: sessionmaker[Session] | None = None) -> Matcher:
    """The configured watchlist's matcher, with the analysts' aliases read through ``sessions``
    (none without a database)."""
    watchlist = load_watchlist(settings)
    if sessions is not None:
        with sessions.begin() as session:
            watchlist = with_aliases(watchlist, analyst_aliases(session))
    return Matcher(watchlist, settings.matcher_cache_dir)


def make_finder(
    settings: Settings,
    matcher: Matcher | None = None,
    ransomware_listing: bool = False,
    sessions: sessionmaker[Session] | None = None,
) -> Finder:
    """A finder over the given matcher, else the configured watchlist (with the analysts'
    aliases when ``sessions`` is given); ``ransomware_listing`` for a ransomware source."""
    active = matcher or load_matcher(settings, sessions)

    def find(record: PostRecord) -> tuple[PostFindings, str]:
        result = active.match(record.title, record.text)
        findings = findings_of(result, ransomware_listing)
        if not record.text.strip():
            # A title-only item (a victim name, a feed title): when the title holds a hit, it
            # is what an alert quotes.
            spans = _spans(result, findings, "title")
            return findings, excerpt(record.title, spans) if spans else ""
        return findings, excerpt(record.text, _spans(result, findings, "text"))

    return find


def _spans(result: MatchResult, findings: PostFindings, field: str) -> list[tuple[int, int]]:
    """Where the hits are in ``field``, else its possible hits."""
    spans = [(m.start, m.end) for m in result.matches if m.field == field]
    return spans or [(p.start, p.end) for p in findings.possible if p.field == field]
