"""The bridge between the matcher and the storage pipeline.

:func:`load_matcher` builds the configured :class:`~crawler.matching.matcher.Matcher`, with the
aliases analysts added when they resolved possible hits (``entity_aliases``,
:func:`db.review.analyst_aliases`). The daemon's crawl server keeps one loaded across crawls
(:class:`PreloadedMatcher`, rebuilt when the watchlist or the aliases change) and hands it to
each crawl child; a crawl without one loads its own. :func:`make_finder` returns a function
giving, for one post, the findings to store (hits, and the possible hits of
:mod:`crawler.matching.review`) and the redacted excerpt to keep (around the first hit in the
text, else the first possible hit, else the start of the text; for a title-only post with a
hit, such as a victim name or a feed title, the redacted title).
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import replace
from importlib import resources
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from crawler.core.config import Settings, SourceConfig
from crawler.core.items import PostRecord
from crawler.core.records import PostFindings
from crawler.core.redaction import excerpt
from crawler.matching.matcher import Matcher, MatchResult
from crawler.matching.review import possible_hits
from crawler.matching.watchlist import BUNDLED_NAME, Watchlist, load_watchlist
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
    return build_matcher(settings, read_aliases(sessions))


def read_aliases(sessions: sessionmaker[Session] | None) -> dict[str, list[str]]:
    """The analysts' aliases (entity key → aliases), none without a database."""
    if sessions is None:
        return {}
    with sessions.begin() as session:
        return analyst_aliases(session)


def build_matcher(settings: Settings, aliases: Mapping[str, Sequence[str]]) -> Matcher:
    """The configured watchlist's matcher with ``aliases`` added."""
    watchlist = with_aliases(load_watchlist(settings), aliases)
    return Matcher(watchlist, settings.matcher_cache_dir)


def matcher_inputs(settings: Settings, aliases: Mapping[str, Sequence[str]]) -> Hashable:
    """What the configured matcher is built from, cheap to read: the watchlist settings, the
    size and modification time of each file it reads, the analysts' aliases and the index
    cache folder. Two equal values give the same matcher."""
    config = settings.watchlist
    files: list[Path] = list(config.files)
    if config.bundled:
        bundled = resources.files("crawler.data").joinpath(BUNDLED_NAME)
        files.append(Path(str(bundled)))
    return (
        config.model_dump_json(),
        tuple((str(path), _stamp(path)) for path in files),
        tuple((key, tuple(values)) for key, values in sorted(aliases.items())),
        str(settings.matcher_cache_dir),
    )


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = os.stat(path)
    except OSError:  # the loader reports it
        return None
    return status.st_size, status.st_mtime_ns


class PreloadedMatcher:
    """One matcher kept loaded across crawls, rebuilt when what it is built from changes.

    The crawl server holds one and forks each crawl child after :meth:`current`: the child
    inherits the matcher copy-on-write instead of spending seconds loading it. Its objects are
    moved out of the garbage collector's sight (:func:`gc.freeze`), so that a child's
    collections do not write to, and so copy, every page of it.
    """

    def __init__(self) -> None:
        self._inputs: Hashable | None = None
        self._matcher: Matcher | None = None

    def current(self, settings: Settings, sessions: sessionmaker[Session] | None) -> Matcher:
        """The matcher of the configured watchlist and the analysts' current aliases (read
        through ``sessions``); built again only when they changed since the last call.

        Raises what loading raises (WatchlistError, a database error); the next call then
        tries again.
        """
        aliases = read_aliases(sessions)
        inputs = matcher_inputs(settings, aliases)
        if self._matcher is None or inputs != self._inputs:
            self._matcher = None  # frees the old one before the new one is built
            gc.unfreeze()
            matcher = build_matcher(settings, aliases)
            matcher.speller()  # built on first use, else in every child that needs it
            gc.collect()
            gc.freeze()
            self._matcher, self._inputs = matcher, inputs
        return self._matcher


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
