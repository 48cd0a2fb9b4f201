"""The list of possible hits: names an analyst must tie to one entity, newest first.

One function, :func:`possible_hit_list`, answers ``leakwatch hits --severity review``, the
``/possible-hits`` page and ``/api/possible-hits``. It takes the hit list's filters
(:class:`db.hits.HitFilters`): the entity filters (name, FINESS, kind, group, vendor,
department, region) keep possible hits with at least one such candidate; ``incident`` keeps those
resolved into a hit of that incident; ``status`` is ``new`` (waiting), ``confirmed`` (resolved)
or ``false_positive`` (dismissed); ``min_score`` is the best candidate's score; ``severity`` is
``review`` for every one of them and is not a condition. Pages are cut by keyset on
(``created_at``, ``id``).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from crawler.core.severity import REVIEW, SALE_THRESHOLD
from db.errors import NotFound
from db.hits import HitFilters, entity_conditions, resolve_search
from db.models import Claim, Entity, Hit, PossibleHit, PossibleHitCandidate, Post, Source
from db.pagination import Page, before, clamp_limit, page_of, walk_pages
from db.search import post_matches


@dataclass(frozen=True)
class CandidateRow:
    """One candidate entity of a possible hit."""

    entity_id: int
    key: str
    name: str
    kind: str
    finess: str | None
    department: str | None
    city: str | None

    @property
    def label(self) -> str:
        """ "Name (city, department)" for lists."""
        place = ", ".join(part for part in (self.city, self.department) if part)
        return f"{self.name} ({place})" if place else self.name


@dataclass(frozen=True)
class PossibleHitRow:
    """One line of the possible-hit list: the name, its candidates, its post and source."""

    id: int
    created_at: datetime
    severity: str
    score: float
    reasons: list[str]
    triage_status: str
    triage_note: str | None
    triaged_by: str | None
    matched: str
    field: str
    candidate_names: list[str]
    candidates: list[CandidateRow]
    resolved_entity_id: int | None
    hit_id: int | None
    post_id: int
    title: str
    excerpt: str
    url: str | None
    author: str | None
    ransomware_group: str | None
    posted_at: datetime | None
    first_seen: datetime
    sale_score: float
    source_name: str
    source_kind: str

    def as_dict(self) -> dict[str, Any]:
        """The row as a dict, in field order (candidates as dicts, datetimes kept)."""
        return asdict(self)


#: Column order of exported lists (CSV header): the candidates as names, not objects.
POSSIBLE_HIT_COLUMNS = tuple(
    name for name in PossibleHitRow.__dataclass_fields__ if name != "candidates"
)


def possible_hit_list(
    session: Session, filters: HitFilters, cursor: str | None = None, limit: int | None = None
) -> Page[PossibleHitRow]:
    """One page of possible hits matching ``filters``, newest first, after ``cursor``.

    Raises InvalidCursor for a cursor this function did not produce.
    """
    size = clamp_limit(limit)
    stmt = _query().where(*possible_hit_conditions(session, resolve_search(session, filters)))
    after = before(PossibleHit.created_at, PossibleHit.id, cursor)
    if after is not None:
        stmt = stmt.where(after)
    rows = _rows(session, session.execute(stmt.limit(size + 1)).all())
    return page_of(rows, size, lambda row: (row.created_at, row.id))


def possible_hit_by_id(session: Session, possible_id: int) -> PossibleHitRow:
    """One possible hit; raises NotFound when there is none."""
    row = session.execute(_query().where(PossibleHit.id == possible_id)).one_or_none()
    if row is None:
        raise NotFound(f"no possible hit {possible_id}")
    return _rows(session, [row])[0]


def iter_possible_hits(
    session: Session, filters: HitFilters, max_rows: int, cursor: str | None = None
) -> Iterator[PossibleHitRow]:
    """Every possible hit matching ``filters`` after ``cursor``, newest first, up to
    ``max_rows``."""
    return walk_pages(
        lambda after, limit: possible_hit_list(session, filters, after, limit), max_rows, cursor
    )


def waiting_ids(session: Session, possible_ids: Sequence[int]) -> set[int]:
    """Which of ``possible_ids`` still wait for an analyst (neither resolved nor dismissed)."""
    if not possible_ids:
        return set()
    return set(
        session.execute(
            select(PossibleHit.id).where(
                PossibleHit.id.in_(list(possible_ids)), PossibleHit.triage_status == "new"
            )
        ).scalars()
    )


def possible_hit_conditions(session: Session, filters: HitFilters) -> list[ColumnElement[bool]]:
    """The WHERE conditions of ``filters`` over possible hits joined to posts and sources."""
    conditions: list[ColumnElement[bool]] = []
    entities = entity_conditions(session, filters)
    if entities:
        conditions.append(_has_candidate(select(Entity.id).where(*entities)))
    if filters.entity_id is not None:
        conditions.append(_has_candidate(select(Entity.id).where(Entity.id == filters.entity_id)))
    if filters.incident_id is not None:
        resolved = select(Hit.id).where(Hit.incident_id == filters.incident_id)
        conditions.append(PossibleHit.hit_id.in_(resolved))
    if filters.source:
        conditions.append(Source.name == filters.source)
    if filters.source_kind:
        conditions.append(Source.kind == filters.source_kind)
    if filters.ransomware_group:
        conditions.append(func.lower(Post.group_name) == filters.ransomware_group.lower())
    if filters.seller:
        sold_by = select(Claim.post_id).where(func.lower(Claim.seller) == filters.seller.lower())
        conditions.append(PossibleHit.post_id.in_(sold_by))
    if filters.since is not None:
        conditions.append(PossibleHit.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(PossibleHit.created_at < filters.until)
    if filters.sale_only:
        conditions.append(Post.sale_score >= SALE_THRESHOLD)
    if filters.min_score is not None:
        conditions.append(PossibleHit.score >= filters.min_score)
    if filters.status:
        conditions.append(PossibleHit.triage_status == filters.status)
    if filters.post_ids is not None:
        conditions.append(PossibleHit.post_id.in_(filters.post_ids))
    if filters.query:
        matches = post_matches(session, filters.query)
        if matches is not None:
            conditions.append(matches)
    return conditions


def _has_candidate(entity_ids: Select[int]) -> ColumnElement[bool]:
    having = select(PossibleHitCandidate.possible_hit_id).where(
        PossibleHitCandidate.entity_id.in_(entity_ids)
    )
    return PossibleHit.id.in_(having)


def _query() -> Select[*tuple[Any, ...]]:
    return (
        select(
            PossibleHit.id,
            PossibleHit.created_at,
            PossibleHit.score,
            PossibleHit.reasons,
            PossibleHit.triage_status,
            PossibleHit.triage_note,
            PossibleHit.triaged_by,
            PossibleHit.matched,
            PossibleHit.field,
            PossibleHit.entity_id.label("resolved_entity_id"),
            PossibleHit.hit_id,
            Post.id.label("post_id"),
            Post.title,
            Post.excerpt,
            Post.url,
            Post.author,
            Post.group_name.label("ransomware_group"),
            Post.posted_at,
            Post.first_seen,
            Post.sale_score,
            Source.name.label("source_name"),
            Source.kind.label("source_kind"),
        )
        .join(Post, PossibleHit.post_id == Post.id)
        .join(Source, Post.source_id == Source.id)
        .order_by(PossibleHit.created_at.desc(), PossibleHit.id.desc())
    )


def _rows(session: Session, rows: Sequence[Any]) -> list[PossibleHitRow]:
    # The rows with their candidates, read in one query for the whole page.
    candidates = _candidates(session, [row.id for row in rows])
    items = []
    for row in rows:
        own = candidates.get(row.id, [])
        items.append(
            PossibleHitRow(
                **row._mapping,
                severity=REVIEW,
                candidate_names=[candidate.label for candidate in own],
                candidates=own,
            )
        )
    return items


def _candidates(session: Session, possible_ids: list[int]) -> dict[int, list[CandidateRow]]:
    if not possible_ids:
        return {}
    rows = session.execute(
        select(
            PossibleHitCandidate.possible_hit_id,
            Entity.id,
            Entity.key,
            Entity.name,
            Entity.kind,
            func.coalesce(Entity.finess_et, Entity.finess_ej),
            Entity.department,
            Entity.city,
        )
        .join(Entity, PossibleHitCandidate.entity_id == Entity.id)
        .where(PossibleHitCandidate.possible_hit_id.in_(possible_ids))
        .order_by(PossibleHitCandidate.possible_hit_id, PossibleHitCandidate.position)
    )
    found: dict[int, list[CandidateRow]] = {}
    for row in rows:
        found.setdefault(row[0], []).append(CandidateRow(*row[1:]))
    return found
