"""An entity's history: who it is, every post naming it (first seen first), claims over time.

The journalist's question — "when was this hospital first put up for sale, where, and what
did the sellers claim?" — is :func:`entity_summary` plus :func:`entity_timeline` and
:func:`entity_claims`.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.errors import NotFound
from db.models import Claim, Entity, Hit, Incident, Post, Source
from db.pagination import Page, before, clamp_limit, page_of

#: Most claims shown on an entity page (the newest ones).
MAX_CLAIMS = 200


@dataclass(frozen=True)
class EntitySummary:
    """An entity and the span of its history."""

    id: int
    key: str
    kind: str
    name: str
    finess_et: str | None
    finess_ej: str | None
    parent_id: int | None
    parent_name: str | None
    category: str | None
    department: str | None
    region: str | None
    city: str | None
    aliases: list[str]
    tags: list[str]
    excluded: bool
    hit_count: int
    post_count: int
    incident_count: int
    first_seen: datetime | None
    last_seen: datetime | None
    sources: list[str]

    def as_dict(self) -> dict[str, Any]:
        """The summary as a dict."""
        return asdict(self)


@dataclass(frozen=True)
class ClaimRow:
    """What one version of a post claimed, and when it was recorded."""

    post_id: int
    created_at: datetime
    records: int | None
    data_types: list[str]
    price: float | None
    currency: str | None
    seller: str | None
    sample_offered: bool
    sale_score: float

    def as_dict(self) -> dict[str, Any]:
        """The claim as a dict."""
        return asdict(self)

    def summary(self) -> str:
        """One line: "758,912 records; data: nir, identity; price 2 BTC; sample offered"."""
        parts = []
        if self.records:
            parts.append(f"{self.records:,} records")
        if self.data_types:
            parts.append("data: " + ", ".join(self.data_types))
        if self.price is not None:
            parts.append(f"price {self.price:g} {self.currency or ''}".strip())
        if self.sample_offered:
            parts.append("sample offered")
        return "; ".join(parts)


@dataclass(frozen=True)
class TimelineEntry:
    """One post naming the entity, with what matched and what it claimed."""

    post_id: int
    first_seen: datetime
    posted_at: datetime | None
    title: str
    url: str | None
    author: str | None
    source_name: str
    source_kind: str
    sale_score: float
    removed_at: datetime | None
    matched: list[str] = field(default_factory=list)
    hit_ids: list[int] = field(default_factory=list)
    claims: list[ClaimRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The entry as a dict: every claim (``claims``) and, flat, what the newest claims
        (``records``, ``data_types``, ``price``, ``currency``, ``seller``: the export columns)."""
        latest = self.claims[-1] if self.claims else None
        return {
            **asdict(self),
            **{name: getattr(latest, name) if latest else None for name in CLAIM_FIELDS},
            "data_types": list(latest.data_types) if latest else [],
        }


#: What a post claims, as flat export columns (the newest version's claim).
CLAIM_FIELDS = ("records", "data_types", "price", "currency", "seller")
#: Column order of exported timelines.
TIMELINE_COLUMNS = (
    "post_id", "first_seen", "posted_at", "title", "url", "author", "source_name",
    "source_kind", "sale_score", "removed_at", "matched", "hit_ids", *CLAIM_FIELDS,
)  # fmt: skip


def entity_summary(session: Session, entity_id: int) -> EntitySummary:
    """The entity with its hit, post and incident counts, first/last seen and sources.

    Raises NotFound when there is no such entity.
    """
    entity = session.get(Entity, entity_id)
    if entity is None:
        raise NotFound(f"no entity {entity_id}")
    hit_count, post_count, first_seen, last_seen = session.execute(
        select(
            func.count(Hit.id),
            func.count(func.distinct(Hit.post_id)),
            func.min(Hit.created_at),
            func.max(Hit.created_at),
        ).where(Hit.entity_id == entity_id)
    ).one()
    incidents = session.execute(
        select(func.count(Incident.id)).where(Incident.entity_id == entity_id)
    ).scalar_one()
    sources = session.execute(
        select(Source.name)
        .where(Source.id.in_(_entity_posts(entity_id).with_only_columns(Post.source_id)))
        .order_by(Source.name)
    ).scalars()
    return EntitySummary(
        id=entity.id,
        key=entity.key,
        kind=entity.kind,
        name=entity.name,
        finess_et=entity.finess_et,
        finess_ej=entity.finess_ej,
        parent_id=entity.parent_id,
        parent_name=entity.parent.name if entity.parent else None,
        category=entity.category,
        department=entity.department,
        region=entity.region,
        city=entity.city,
        aliases=list(entity.aliases),
        tags=list(entity.tags),
        excluded=entity.excluded,
        hit_count=hit_count,
        post_count=post_count,
        incident_count=incidents,
        first_seen=first_seen,
        last_seen=last_seen,
        sources=list(sources),
    )


def entity_timeline(
    session: Session, entity_id: int, cursor: str | None = None, limit: int | None = None
) -> Page[TimelineEntry]:
    """Posts naming the entity, newest first by first sighting, with matches and claims."""
    size = clamp_limit(limit)
    stmt = (
        _entity_posts(entity_id)
        .with_only_columns(
            Post.id.label("post_id"),
            Post.first_seen,
            Post.posted_at,
            Post.title,
            Post.url,
            Post.author,
            Source.name.label("source_name"),
            Source.kind.label("source_kind"),
            Post.sale_score,
            Post.removed_at,
        )
        .join(Source, Post.source_id == Source.id)
        .order_by(Post.first_seen.desc(), Post.id.desc())
    )
    after = before(Post.first_seen, Post.id, cursor)
    if after is not None:
        stmt = stmt.where(after)
    rows = session.execute(stmt.limit(size + 1)).all()
    page = page_of(rows, size, lambda row: (row.first_seen, row.post_id))
    post_ids = [row.post_id for row in page.items]
    matches: dict[int, list[tuple[int, str]]] = {post_id: [] for post_id in post_ids}
    for hit_id, post_id, matched in session.execute(
        select(Hit.id, Hit.post_id, Hit.matched)
        .where(Hit.entity_id == entity_id, Hit.post_id.in_(post_ids))
        .order_by(Hit.id)
    ):
        matches[post_id].append((hit_id, matched))
    claims = claims_by_post(session, post_ids)
    entries = [
        TimelineEntry(
            **row._mapping,
            matched=sorted({matched for _, matched in matches[row.post_id]}),
            hit_ids=[hit_id for hit_id, _ in matches[row.post_id]],
            claims=claims.get(row.post_id, []),
        )
        for row in page.items
    ]
    return Page(entries, page.next_cursor)


def entity_claims(session: Session, entity_id: int, limit: int = MAX_CLAIMS) -> list[ClaimRow]:
    """Claims of every post naming the entity, oldest first (the newest ``limit`` of them)."""
    stmt = (
        select(*_CLAIM_COLUMNS)
        .where(Claim.post_id.in_(_entity_posts(entity_id).with_only_columns(Post.id)))
        .order_by(Claim.created_at.desc(), Claim.id.desc())
        .limit(limit)
    )
    return [_claim(row) for row in reversed(session.execute(stmt).all())]


def claims_by_post(session: Session, post_ids: list[int]) -> dict[int, list[ClaimRow]]:
    """Claims of each post, oldest first (one per version of the post)."""
    claims: dict[int, list[ClaimRow]] = {}
    if not post_ids:
        return claims
    stmt = (
        select(*_CLAIM_COLUMNS)
        .where(Claim.post_id.in_(post_ids))
        .order_by(Claim.created_at, Claim.id)
    )
    for row in session.execute(stmt):
        claims.setdefault(row.post_id, []).append(_claim(row))
    return claims


_CLAIM_COLUMNS = (
    Claim.post_id,
    Claim.created_at,
    Claim.records,
    Claim.data_types,
    Claim.price,
    Claim.currency,
    Claim.seller,
    Claim.sample_offered,
    Claim.sale_score,
)


def _claim(row: Any) -> ClaimRow:
    records = int(row.records) if row.records is not None else None
    return ClaimRow(
        row.post_id,
        row.created_at,
        records,
        list(row.data_types or []),
        row.price,
        row.currency,
        row.seller,
        row.sample_offered,
        row.sale_score,
    )


def _entity_posts(entity_id: int) -> Any:
    return select(Post.id).where(Post.id.in_(select(Hit.post_id).where(Hit.entity_id == entity_id)))
