"""Which ambiguous names reach a human: the possible hits of one post.

The matcher lists a name it cannot tie to one entity under ``ambiguous`` (a generic name such as
"Clinique Saint-Joseph" without its town, or a name several entities share). Most of them are
noise, so one becomes a *possible hit*, stored for an analyst, only when it is written in a
French health context, read from what the matcher already computed:

- it is not discredited: not denied ("rien à voir avec …"), not followed by a town or department
  of elsewhere, no foreign place near it (the candidate scoring's own penalties); and
- the post gives it a reason (:data:`REASONS`): ``health``, a health word near the name and
  outside it (the type word of "Clinique Saint-Joseph" is no context for it); ``sale``, the
  post's sale score reaches :data:`crawler.core.severity.SALE_THRESHOLD`; ``ransomware``, the
  post is a victim entry of a ransomware leak site or feed (the caller says so).

At most :data:`MAX_CANDIDATES` candidates are kept, in the matcher's order.
"""

from __future__ import annotations

from crawler.core.records import PossibleMatch
from crawler.core.severity import SALE_THRESHOLD
from crawler.matching.results import AmbiguousMatch, MatchResult

#: Most candidates stored with one possible hit.
MAX_CANDIDATES = 10
#: Why a possible hit deserves a look, in the order they are listed.
REASONS = ("health", "sale", "ransomware")


def review_reasons(
    ambiguous: AmbiguousMatch, sale_score: float, ransomware_listing: bool
) -> tuple[str, ...]:
    """Why ``ambiguous`` deserves an analyst's look (empty: it does not).

    ``sale_score`` is the post's; ``ransomware_listing`` says the post is a ransomware
    victim entry.
    """
    if ambiguous.discredited or not ambiguous.candidates:
        return ()
    present = {
        "health": ambiguous.health,
        "sale": sale_score >= SALE_THRESHOLD,
        "ransomware": ransomware_listing,
    }
    return tuple(reason for reason in REASONS if present[reason])


def possible_hits(result: MatchResult, ransomware_listing: bool = False) -> list[PossibleMatch]:
    """The possible hits among ``result``'s ambiguous names (see the module docstring)."""
    found: list[PossibleMatch] = []
    for ambiguous in result.ambiguous:
        reasons = review_reasons(ambiguous, result.sale.score, ransomware_listing)
        if reasons:
            found.append(
                PossibleMatch(
                    matched=ambiguous.matched,
                    field=ambiguous.field,
                    start=ambiguous.start,
                    end=ambiguous.end,
                    candidates=list(ambiguous.candidates[:MAX_CANDIDATES]),
                    score=ambiguous.score,
                    reasons=reasons,
                )
            )
    return found
