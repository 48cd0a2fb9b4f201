"""Counts for the pictures: hits per week by severity, a source's runs one by one, named
establishments per department (the map).

Weeks start on Monday, in UTC, on both engines (SQLite ``date(…, '-6 days', 'weekday 1')``,
PostgreSQL ``date_trunc('week', …)``). A chart covers at most ``MAX_WEEKS`` weeks, ending with
the week of the newest hit it counts, so a page costs the same on a database of any age.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Date, cast, distinct, func, select
from sqlalchemy.orm import Session

from db.hits import HitFilters, hit_conditions, resolve_search
from db.models import CrawlRun, Entity, Hit, Post, Source

#: Most weeks a hit chart shows.
MAX_WEEKS = 52
#: Most runs a source chart shows (the newest).
MAX_RUNS = 90


@dataclass(frozen=True)
class WeekCount:
    """Hits of one severity detected in the week starting on ``week`` (a Monday, UTC)."""

    week: date
    severity: str
    count: int


@dataclass(frozen=True)
class RunPoint:
    """One crawl run of a source, for its chart."""

    id: int
    started_at: datetime
    status: str
    health: str | None
    items: int
    hits: int
    errors: int


def weekly_hit_counts(
    session: Session, filters: HitFilters, weeks: int = MAX_WEEKS
) -> list[WeekCount]:
    """Hits matching ``filters`` per week and severity, over the ``weeks`` weeks that end with
    the newest matching hit's (when ``filters.since`` is unset), oldest week first."""
    filters = resolve_search(session, filters)
    conditions = hit_conditions(session, filters)
    newest = session.execute(
        _joined(select(func.max(Hit.created_at))).where(*conditions)
    ).scalar_one_or_none()
    if newest is None:
        return []
    if filters.since is None:
        start = week_of(newest.date()) - timedelta(weeks=weeks - 1)
        filters = replace(
            filters, since=datetime.combine(start, datetime.min.time(), newest.tzinfo)
        )
        conditions = hit_conditions(session, filters)
    week = _week_start(session)
    rows = session.execute(
        _joined(select(week.label("week"), Hit.severity, func.count(Hit.id)))
        .where(*conditions)
        .group_by(week, Hit.severity)
        .order_by(week)
    )
    return [WeekCount(_as_date(row[0]), row[1], row[2]) for row in rows]


def named_by_department(session: Session, filters: HitFilters) -> dict[str, int]:
    """Department code → how many establishments (entities of kind ``establishment``) hits
    matching ``filters`` named there."""
    filters = resolve_search(session, filters)
    rows = session.execute(
        _joined(select(Entity.department, func.count(distinct(Entity.id))))
        .where(
            Entity.kind == "establishment",
            Entity.department.is_not(None),
            *hit_conditions(session, filters),
        )
        .group_by(Entity.department)
    )
    return {department: count for department, count in rows}


def source_runs(session: Session, source_id: int, limit: int = MAX_RUNS) -> list[RunPoint]:
    """The newest ``limit`` runs of a source, oldest first."""
    rows = session.execute(
        select(
            CrawlRun.id,
            CrawlRun.started_at,
            CrawlRun.status,
            CrawlRun.health,
            CrawlRun.items,
            CrawlRun.hits,
            CrawlRun.errors,
        )
        .where(CrawlRun.source_id == source_id)
        .order_by(CrawlRun.started_at.desc(), CrawlRun.id.desc())
        .limit(limit)
    )
    return [RunPoint(**row._mapping) for row in reversed(list(rows))]


def week_of(day: date) -> date:
    """The Monday starting ``day``'s week."""
    return day - timedelta(days=day.weekday())


def _joined(statement: Any) -> Any:
    """``statement`` over hits joined to their entity, post and source (what filters need)."""
    return (
        statement.select_from(Hit)
        .join(Entity, Hit.entity_id == Entity.id)
        .join(Post, Hit.post_id == Post.id)
        .join(Source, Post.source_id == Source.id)
    )


def _week_start(session: Session) -> Any:
    if session.get_bind().dialect.name == "postgresql":
        return cast(func.date_trunc("week", func.timezone("UTC", Hit.created_at)), Date)
    return func.date(Hit.created_at, "-6 days", "weekday 1")


def _as_date(value: Any) -> date:
    """SQLite answers ``YYYY-MM-DD`` text, PostgreSQL a date."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])
