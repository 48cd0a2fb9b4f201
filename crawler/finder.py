"""The storage pipeline's finder: what the matcher found in a post, and its redacted excerpt.

:func:`make_finder` wraps a :class:`crawler.matching.matcher.Matcher` into the ``Finder``
callable that :class:`crawler.pipelines.StoragePipeline` expects: ``PostRecord →
(PostFindings, excerpt)``. Only confident matches become hits; ambiguous names do not.
"""

from __future__ import annotations

from collections.abc import Callable

from crawler.findings import ClaimRecord, HitRecord, PostFindings
from crawler.items import PostRecord
from crawler.matching.matcher import Matcher, MatchResult
from crawler.redaction import excerpt

#: Same shape as ``crawler.pipelines.Finder``.
FinderFunction = Callable[[PostRecord], tuple[PostFindings, str]]


def findings_of(result: MatchResult) -> PostFindings:
    """A match result in the storage layer's terms."""
    hits = [
        HitRecord(m.entity, m.field, m.start, m.end, m.matched, m.score) for m in result.matches
    ]
    claims = result.claims
    claim = ClaimRecord(
        records=claims.records,
        data_types=list(claims.data_types),
        price=claims.price,
        currency=claims.currency,
        seller=claims.seller,
        sample_offered=claims.sample_offered,
    )
    return PostFindings(hits=hits, sale_score=result.sale.score, claim=claim)


def make_finder(matcher: Matcher) -> FinderFunction:
    """The finder for ``matcher``: findings plus an excerpt of the text around the first hit."""

    def find(record: PostRecord) -> tuple[PostFindings, str]:
        result = matcher.match(record.title, record.text)
        spans = [(m.start, m.end) for m in result.matches if m.field == "text"]
        return findings_of(result), excerpt(record.text, spans)

    return find
