"""The domain records every layer shares: a watched entity, a match of it in a post, a name
left for an analyst to tell (a possible hit), what a post claims to sell, and the findings of
one post.

The matcher builds them (:mod:`crawler.matching`), the storage pipeline stores them
(:mod:`db.findings`): one type per concept, no copies between layers.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal, get_args

#: What a watched entity is. ``occupational``: an occupational-health service (SPSTI).
EntityKind = Literal["establishment", "group", "vendor", "insurer", "lab", "occupational", "other"]
#: The entity kinds in that order (choices of filters and forms).
ENTITY_KINDS: tuple[str, ...] = get_args(EntityKind)


@dataclass(frozen=True)
class EntityRecord:
    """A watchlist entity, with the fields of the ``entities`` table."""

    key: str
    kind: str
    name: str
    finess_et: str | None = None
    finess_ej: str | None = None
    parent_key: str | None = None
    category: str | None = None
    department: str | None = None
    region: str | None = None
    city: str | None = None
    aliases: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class EntityMatch:
    """An entity a post names: in which field, where, as written, and how sure (0–1)."""

    entity: EntityRecord
    matched: str
    field: str
    start: int
    end: int
    score: float

    def to_json(self) -> dict[str, Any]:
        """The ``leakwatch match`` contract's object for this match."""
        return {
            "entity": self.entity.name,
            "kind": self.entity.kind,
            "finess": self.entity.finess_et or self.entity.finess_ej,
            "matched": self.matched,
            "field": self.field,
            "start": self.start,
            "end": self.end,
            "score": self.score,
        }


@dataclass(frozen=True)
class PossibleMatch:
    """A possible hit: one of the matcher's ambiguous names, written in a French health
    context, for an analyst to tie to one entity. Where it is, as written, its candidates (in
    the matcher's order, at most :data:`crawler.matching.review.MAX_CANDIDATES`), its best
    candidate's score, and why it deserves a look (``reasons``: ``health``, ``sale``,
    ``ransomware``)."""

    matched: str
    field: str
    start: int
    end: int
    candidates: list[EntityRecord]
    score: float
    reasons: tuple[str, ...]


@dataclass(slots=True)
class Claims:
    """What a post claims to sell (one is built for every post: a plain slotted class)."""

    records: int | None = None
    data_types: list[str] = field(default_factory=list)
    price: float | None = None
    currency: str | None = None
    seller: str | None = None
    sample_offered: bool = False


@dataclass(frozen=True)
class PostFindings:
    """What the matcher says about one post, as the storage pipeline stores it: the hits, the
    sale score, the claims and the possible hits (names left to an analyst)."""

    hits: list[EntityMatch]
    sale_score: float
    claim: Claims
    possible: list[PossibleMatch] = field(default_factory=list)
