"""The bridge between the matcher and the storage pipeline.

:func:`make_finder` builds the configured :class:`~crawler.matching.matcher.Matcher` once per
crawl and returns a function giving, for one post, the findings to store and the redacted
excerpt to keep (around the first hit in the text, else the start of the text).
"""

from __future__ import annotations

from collections.abc import Callable

from crawler.core.config import Settings
from crawler.core.items import PostRecord
from crawler.core.records import PostFindings
from crawler.core.redaction import excerpt
from crawler.matching.matcher import Matcher, MatchResult

Finder = Callable[[PostRecord], tuple[PostFindings, str]]


def findings_of(result: MatchResult) -> PostFindings:
    """The storable findings of one match result (the matcher's own records, not copies)."""
    return PostFindings(hits=result.matches, sale_score=result.sale.score, claim=result.claims)


def make_finder(settings: Settings, matcher: Matcher | None = None) -> Finder:
    """A finder over the configured watchlist (or the given matcher)."""
    active = matcher or Matcher.from_settings(settings)

    def find(record: PostRecord) -> tuple[PostFindings, str]:
        result = active.match(record.title, record.text)
        spans = [(m.start, m.end) for m in result.matches if m.field == "text"]
        return findings_of(result), excerpt(record.text, spans) if record.text else ""

    return find
