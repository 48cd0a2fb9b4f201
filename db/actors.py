"""Who named French health entities: ransomware groups (a leak-site post's ``group_name``) and
seller handles (a post's claimed ``seller``), with the entities each named, first and last seen.

The journalist's question "who hit French hospitals this year?" is :func:`actor_list` with a
year and the ``establishment`` kind; one actor's page is :func:`actor_detail`. Both count hits
(one post × one entity) by their detection time, the same time the hit list filters on.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from sqlalchemy import ColumnElement, distinct, func, select
from sqlalchemy.orm import Session

from db.errors import NotFound
from db.models import Claim, Entity, Hit, Post

ActorKind = Literal["group", "seller"]
ACTOR_KINDS: tuple[ActorKind, ...] = ("group", "seller")
#: Most actors an actor list shows (the most active first).
MAX_ACTORS = 500
#: Most entities an actor page lists.
MAX_NAMED = 1000


@dataclass(frozen=True)
class ActorRow:
    """One ransomware group or seller handle: how many entities and hits, first and last seen."""

    kind: ActorKind
    name: str
    entity_count: int
    hit_count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class NamedEntity:
    """An entity an actor named, with that actor's hits on it."""

    id: int
    key: str
    name: str
    kind: str
    department: str | None
    city: str | None
    hit_count: int
    first_seen: datetime
    last_seen: datetime


@dataclass(frozen=True)
class ActorDetail:
    """An actor and the entities it named, the most recently named first."""

    actor: ActorRow
    entities: list[NamedEntity]


@dataclass(frozen=True)
class ActorFilters:
    """What to count: hits detected in ``year`` (None: any year) on entities of ``kind``."""

    year: int | None = None
    kind: str | None = None


def actor_list(session: Session, kind: ActorKind, filters: ActorFilters) -> list[ActorRow]:
    """Ransomware groups or seller handles that named an entity, the most entities first."""
    name = _actor_name(kind)
    key = func.lower(name)
    statement = (
        select(
            func.max(name).label("name"),
            func.count(distinct(Hit.entity_id)).label("entity_count"),
            func.count(distinct(Hit.id)).label("hit_count"),
            func.min(Hit.created_at).label("first_seen"),
            func.max(Hit.created_at).label("last_seen"),
        )
        .select_from(_actor_hits(kind))
        .where(name.is_not(None), name != "", *_conditions(filters))
        .group_by(key)
        .order_by(func.count(distinct(Hit.entity_id)).desc(), func.max(Hit.created_at).desc())
        .limit(MAX_ACTORS)
    )
    return [_actor(kind, row) for row in session.execute(statement)]


def actor_detail(
    session: Session, kind: ActorKind, actor: str, filters: ActorFilters
) -> ActorDetail:
    """One actor (any case) and the entities it named; raises NotFound when it named none."""
    name = _actor_name(kind)
    conditions = [func.lower(name) == actor.strip().lower(), *_conditions(filters)]
    summary = session.execute(
        select(
            func.max(name).label("name"),
            func.count(distinct(Hit.entity_id)).label("entity_count"),
            func.count(distinct(Hit.id)).label("hit_count"),
            func.min(Hit.created_at).label("first_seen"),
            func.max(Hit.created_at).label("last_seen"),
        )
        .select_from(_actor_hits(kind))
        .where(*conditions)
    ).one()
    if not summary.hit_count:
        raise NotFound(f"no {'ransomware group' if kind == 'group' else 'seller'} {actor!r}")
    rows = session.execute(
        select(
            Entity.id,
            Entity.key,
            Entity.name,
            Entity.kind,
            Entity.department,
            Entity.city,
            func.count(distinct(Hit.id)).label("hit_count"),
            func.min(Hit.created_at).label("first_seen"),
            func.max(Hit.created_at).label("last_seen"),
        )
        .select_from(_actor_hits(kind))
        .where(*conditions)
        .group_by(Entity.id, Entity.key, Entity.name, Entity.kind, Entity.department, Entity.city)
        .order_by(func.max(Hit.created_at).desc(), Entity.id)
        .limit(MAX_NAMED)
    )
    entities = [NamedEntity(**row._mapping) for row in rows]
    return ActorDetail(_actor(kind, summary), entities)


def year_bounds(year: int) -> tuple[datetime, datetime]:
    """The first instant of ``year`` and of the next one, UTC."""
    return datetime(year, 1, 1, tzinfo=UTC), datetime(year + 1, 1, 1, tzinfo=UTC)


def _actor_name(kind: ActorKind) -> Any:
    return Post.group_name if kind == "group" else Claim.seller


def _actor_hits(kind: ActorKind) -> Any:
    """Hits joined to their entity and post (and, for sellers, the post's claims)."""
    joined = Hit.__table__.join(Entity, Hit.entity_id == Entity.id).join(
        Post, Hit.post_id == Post.id
    )
    if kind == "seller":
        joined = joined.join(Claim, Claim.post_id == Post.id)
    return joined


def _conditions(filters: ActorFilters) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = []
    if filters.year is not None:
        start, end = year_bounds(filters.year)
        conditions += [Hit.created_at >= start, Hit.created_at < end]
    if filters.kind:
        conditions.append(Entity.kind == filters.kind)
    return conditions


def _actor(kind: ActorKind, row: Any) -> ActorRow:
    return ActorRow(
        kind=kind,
        name=row.name,
        entity_count=row.entity_count,
        hit_count=row.hit_count,
        first_seen=row.first_seen,
        last_seen=row.last_seen,
    )
