"""What the matcher says about a post: the entities it names, the names left ambiguous, the
sale assessment and the claims, and their JSON form (the ``leakwatch match`` contract)."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any, NamedTuple

from crawler.core.records import Claims, EntityMatch, EntityRecord
from crawler.matching.claims import SaleAssessment


@dataclass(frozen=True)
class AmbiguousMatch:
    """A name that could be several entities (or a generic name without confirming context)."""

    matched: str
    field: str
    start: int
    end: int
    candidates: list[EntityRecord]

    def to_json(self) -> dict[str, Any]:
        """JSON object listing the candidates by key and name."""
        return {
            "matched": self.matched,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "candidates": [{"key": e.key, "entity": e.name} for e in self.candidates[:10]],
        }


class MatchResult(NamedTuple):
    """Everything the matcher says about one post (a named tuple: one is built per post)."""

    matches: list[EntityMatch]
    ambiguous: list[AmbiguousMatch]
    sale: SaleAssessment
    claims: Claims

    def to_json(self, post_id: Any) -> dict[str, Any]:
        """The output object of ``leakwatch match`` for this post."""
        claims = asdict(self.claims)
        return {
            "id": post_id,
            "matches": [match.to_json() for match in self.matches],
            "ambiguous": [item.to_json() for item in self.ambiguous],
            "sale": {"score": self.sale.score, "signals": list(self.sale.signals)},
            "claims": claims,
        }
