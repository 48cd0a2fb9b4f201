"""Incidents (one entity's hits grouped across sources) and the health of every source."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from db.entities import ClaimRow, claims_by_post
from db.entity_lookup import entity_condition
from db.errors import NotFound
from db.hits import HitFilters, HitRow, hit_list
from db.models import CrawlRun, Entity, Hit, Incident, Post, Source, utcnow
from db.pagination import Page, before, clamp_limit, page_of
from db.repository import hits_since_by_source

#: Most hits listed on one incident page and in one MISP event.
MAX_INCIDENT_HITS = 500
#: Runs shown per source on the health page.
RECENT_RUNS = 10


@dataclass(frozen=True)
class IncidentFilters:
    """Which incidents to list: entity (as :mod:`db.entity_lookup` finds it), severity, status,
    time."""

    entity: str | None = None
    entity_id: int | None = None
    severity: str | None = None
    status: str | None = None
    since: datetime | None = None
    until: datetime | None = None


@dataclass(frozen=True)
class IncidentRow:
    """An incident, its entity and the sources its hits came from."""

    id: int
    entity_id: int
    entity_name: str
    entity_kind: str
    finess: str | None
    department: str | None
    first_seen: datetime
    last_seen: datetime
    severity: str
    status: str
    hit_count: int
    sources: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The row as a dict."""
        return asdict(self)


#: Column order of exported incident lists.
INCIDENT_COLUMNS = tuple(IncidentRow.__dataclass_fields__)


@dataclass(frozen=True)
class IncidentDetail:
    """An incident with its hits (newest first) and the claims of their posts."""

    incident: IncidentRow
    hits: list[HitRow]
    claims: dict[int, list[ClaimRow]]


@dataclass(frozen=True)
class SourceHealthRow:
    """A source's health, schedule state, last runs and recent hits."""

    id: int
    name: str
    kind: str
    engine: str
    enabled: bool
    health: str
    health_detail: str | None
    health_changed_at: datetime | None
    consecutive_failures: int
    backoff_until: datetime | None
    last_run_at: datetime | None
    next_run_at: datetime | None
    hits_24h: int
    hits_7d: int
    recent_runs: list[dict[str, Any]] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        """The row as a dict."""
        return asdict(self)


#: Column order of exported source lists.
SOURCE_COLUMNS = tuple(
    name for name in SourceHealthRow.__dataclass_fields__ if name != "recent_runs"
)


def incident_list(
    session: Session,
    filters: IncidentFilters,
    cursor: str | None = None,
    limit: int | None = None,
) -> Page[IncidentRow]:
    """One page of incidents, most recently active first, after ``cursor``.

    Raises InvalidCursor for a cursor this function did not produce.
    """
    size = clamp_limit(limit)
    stmt = _incidents_query().order_by(Incident.last_seen.desc(), Incident.id.desc())
    if filters.entity:
        named = select(Entity.id).where(entity_condition(session, filters.entity))
        stmt = stmt.where(Incident.entity_id.in_(named))
    if filters.entity_id is not None:
        stmt = stmt.where(Incident.entity_id == filters.entity_id)
    if filters.severity:
        stmt = stmt.where(Incident.severity == filters.severity)
    if filters.status:
        stmt = stmt.where(Incident.status == filters.status)
    if filters.since is not None:
        stmt = stmt.where(Incident.last_seen >= filters.since)
    if filters.until is not None:
        stmt = stmt.where(Incident.first_seen < filters.until)
    after = before(Incident.last_seen, Incident.id, cursor)
    if after is not None:
        stmt = stmt.where(after)
    rows = session.execute(stmt.limit(size + 1)).all()
    page = page_of(rows, size, lambda row: (row.last_seen, row.id))
    sources = _incident_sources(session, [row.id for row in page.items])
    items = [IncidentRow(**row._mapping, sources=sources.get(row.id, [])) for row in page.items]
    return Page(items, page.next_cursor)


def incident_detail(session: Session, incident_id: int) -> IncidentDetail:
    """The incident, its hits (newest first, at most MAX_INCIDENT_HITS) and their claims.

    Raises NotFound when there is no such incident.
    """
    row = session.execute(_incidents_query().where(Incident.id == incident_id)).one_or_none()
    if row is None:
        raise NotFound(f"no incident {incident_id}")
    sources = _incident_sources(session, [incident_id])
    hits = hit_list(session, HitFilters(incident_id=incident_id), limit=MAX_INCIDENT_HITS).items
    claims = claims_by_post(session, sorted({hit.post_id for hit in hits}))
    incident = IncidentRow(**row._mapping, sources=sources.get(incident_id, []))
    return IncidentDetail(incident, hits, claims)


def source_health(session: Session, now: datetime | None = None) -> list[SourceHealthRow]:
    """Every source by name, with its health, last runs and hits of the last day and week."""
    now = now or utcnow()
    recent = hits_since_by_source(session, now - timedelta(days=7))
    today = hits_since_by_source(session, now - timedelta(days=1))
    rows = []
    for source in session.execute(select(Source).order_by(Source.name)).scalars():
        runs = session.execute(
            select(CrawlRun)
            .where(CrawlRun.source_id == source.id)
            .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
            .limit(RECENT_RUNS)
        ).scalars()
        rows.append(
            SourceHealthRow(
                id=source.id,
                name=source.name,
                kind=source.kind,
                engine=source.engine,
                enabled=source.enabled,
                health=source.health,
                health_detail=source.health_detail,
                health_changed_at=source.health_changed_at,
                consecutive_failures=source.consecutive_failures,
                backoff_until=source.backoff_until,
                last_run_at=source.last_run_at,
                next_run_at=source.next_run_at,
                hits_24h=today.get(source.id, 0),
                hits_7d=recent.get(source.id, 0),
                recent_runs=[_run(run) for run in runs],
            )
        )
    return rows


def _incidents_query() -> Any:
    return select(
        Incident.id,
        Entity.id.label("entity_id"),
        Entity.name.label("entity_name"),
        Entity.kind.label("entity_kind"),
        func.coalesce(Entity.finess_et, Entity.finess_ej).label("finess"),
        Entity.department,
        Incident.first_seen,
        Incident.last_seen,
        Incident.severity,
        Incident.status,
        Incident.hit_count,
    ).join(Entity, Incident.entity_id == Entity.id)


def _incident_sources(session: Session, incident_ids: list[int]) -> dict[int, list[str]]:
    sources: dict[int, list[str]] = {}
    if not incident_ids:
        return sources
    rows = session.execute(
        select(Hit.incident_id, Source.name)
        .join(Post, Hit.post_id == Post.id)
        .join(Source, Post.source_id == Source.id)
        .where(Hit.incident_id.in_(incident_ids))
        .group_by(Hit.incident_id, Source.name)
        .order_by(Hit.incident_id, Source.name)
    )
    for incident_id, name in rows:
        if incident_id is not None:
            sources.setdefault(incident_id, []).append(name)
    return sources


def _run(run: CrawlRun) -> dict[str, Any]:
    return {
        "id": run.id,
        "started_at": run.started_at,
        "finished_at": run.finished_at,
        "status": run.status,
        "health": run.health,
        "pages": run.pages,
        "items": run.items,
        "new_posts": run.new_posts,
        "hits": run.hits,
        "errors": run.errors,
        "error_detail": run.error_detail,
    }
