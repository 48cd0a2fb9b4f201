"""Crawl runs and source leases: what the scheduler reads and writes around each crawl.

A lease is a conditional ``UPDATE`` on the source row (portable to SQLite and PostgreSQL): the
scheduler that sets ``lease_owner``/``lease_until`` first crawls the source, so two daemons
sharing one PostgreSQL database never crawl the same source at the same time.

``lease_owner`` is ``<host>:<daemon pid>`` when claimed, then ``<host>:<daemon pid>:<crawl
pid>`` once the crawl's process runs (:func:`record_crawl`): a lease of a dead daemon is freed
only when its crawl is gone too (:func:`release_dead_leases`).
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from db.models import CrawlRun, Source, utcnow


def claim_source(
    session: Session,
    source_id: int,
    owner: str,
    until: datetime,
    now: datetime | None = None,
    not_run_since: datetime | None = None,
) -> bool:
    """Take the source's lease until ``until``; False when another owner holds a live lease,
    or when a run of the source started after ``not_run_since``.

    The second condition keeps two schedulers of one source from crawling it twice per
    period: whichever comes first crawls, the other finds the recent run and skips.
    """
    now = now or utcnow()
    stmt = update(Source).where(
        Source.id == source_id,
        or_(
            Source.lease_until.is_(None),
            Source.lease_until < now,
            Source.lease_owner == owner,
        ),
    )
    if not_run_since is not None:
        recent = select(CrawlRun.id).where(
            CrawlRun.source_id == source_id, CrawlRun.started_at > not_run_since
        )
        stmt = stmt.where(~recent.exists())
    result = session.execute(stmt.values(lease_owner=owner, lease_until=until))
    return bool(result.rowcount)  # type: ignore[attr-defined]


def record_crawl(session: Session, source_id: int, owner: str, pid: int) -> None:
    """Write the crawl's pid (its process group) into ``owner``'s lease of the source."""
    session.execute(
        update(Source)
        .where(Source.id == source_id, Source.lease_owner == owner)
        .values(lease_owner=f"{owner}:{pid}")
    )


def release_source(session: Session, source_id: int, owner: str) -> None:
    """Give the lease back (only if ``owner`` still holds it, with or without a crawl pid)."""
    session.execute(
        update(Source)
        .where(
            Source.id == source_id,
            or_(Source.lease_owner == owner, Source.lease_owner.like(f"{owner}:%")),
        )
        .values(lease_owner=None, lease_until=None)
    )


def release_dead_leases(
    session: Session,
    host: str,
    alive: Callable[[int], bool],
    crawl_gone: Callable[[int], bool],
    source_id: int | None = None,
) -> list[str]:
    """Free leases of this host whose daemon is dead (``alive(pid)`` false) and whose crawl,
    when one was recorded, is gone (``crawl_gone(pid)``); return the sources freed.

    Only ``source_id``'s lease when given. After a crash and restart, the new daemon need not
    wait for the old leases to expire, and never crawls a source its predecessor's crawl is
    still crawling.
    """
    freed = []
    stmt = select(Source).where(
        Source.lease_owner.is_not(None), Source.lease_owner.like(f"{host}:%")
    )
    if source_id is not None:
        stmt = stmt.where(Source.id == source_id)
    for source in session.execute(stmt).scalars():
        pids = (source.lease_owner or "")[len(host) + 1 :].split(":")
        if not all(pid.isdigit() for pid in pids) or len(pids) > 2:
            continue
        if alive(int(pids[0])) or (len(pids) == 2 and not crawl_gone(int(pids[1]))):
            continue
        source.lease_owner = None
        source.lease_until = None
        freed.append(source.name)
    return freed


def close_stale_runs(session: Session, now: datetime | None = None) -> int:
    """Mark runs left ``running`` by a killed process as ``abandoned``; return how many.

    A run is stale when its source has no live lease (its scheduler is gone).
    """
    now = now or utcnow()
    live = select(Source.id).where(Source.lease_until.is_not(None), Source.lease_until >= now)
    result = session.execute(
        update(CrawlRun)
        .where(CrawlRun.status == "running", CrawlRun.source_id.not_in(live))
        .values(status="abandoned", finished_at=now, error_detail="process ended before the run")
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def release_orphaned_leases(
    session: Session,
    owner: str,
    crawling: Callable[[], Collection[str]],
    now: datetime | None = None,
    source_id: int | None = None,
) -> list[str]:
    """Free the leases ``owner`` holds on sources it is not crawling (on ``source_id`` alone
    when given) and mark their runs left ``running`` as ``abandoned``; return those sources'
    names.

    A daemon that lost its database while a crawl ended could record neither the run nor the
    release: once the database answers again it calls this, so the run does not stay
    ``running`` until a restart. ``crawling()`` names the sources whose crawl is between its
    claim and its release; it is read after the leases and runs, and each write is conditional
    on what was read, so a crawl starting meanwhile is never touched.
    """
    now = now or utcnow()
    query = select(Source.id, Source.name, Source.lease_owner, Source.lease_until).where(
        or_(Source.lease_owner == owner, Source.lease_owner.like(f"{owner}:%"))
    )
    if source_id is not None:
        query = query.where(Source.id == source_id)
    held = session.execute(query).all()
    if not held:
        return []
    running = session.execute(
        select(CrawlRun.id, CrawlRun.source_id).where(
            CrawlRun.status == "running", CrawlRun.source_id.in_([row.id for row in held])
        )
    ).all()
    busy = set(crawling())
    freed = []
    for source_id, name, lease_owner, lease_until in held:
        if name in busy:
            continue
        session.execute(
            update(Source)
            .where(
                Source.id == source_id,
                Source.lease_owner == lease_owner,
                Source.lease_until == lease_until,
            )
            .values(lease_owner=None, lease_until=None)
        )
        runs = [run_id for run_id, run_source in running if run_source == source_id]
        if runs:
            session.execute(
                update(CrawlRun)
                .where(CrawlRun.id.in_(runs), CrawlRun.status == "running")
                .values(
                    status="abandoned",
                    finished_at=now,
                    error_detail="its outcome could not be recorded (database unreachable)",
                )
            )
        freed.append(name)
    return freed


def record_timeout(session: Session, run_id: int, limit_seconds: float) -> None:
    """Record that run ``run_id`` was killed at its wall-time limit."""
    run = session.get(CrawlRun, run_id)
    if run is None or run.status != "running":
        return
    run.status = "timeout"
    run.finished_at = utcnow()
    run.health = "degraded"
    run.error_detail = f"killed after the {limit_seconds}s wall-time limit"


@dataclass(frozen=True)
class RunEnd:
    """How a crawl ended, as its run row keeps it: status, the source's health after it, the
    crawl's counts, the (redacted) detail and the path of the page snapshot it saved."""

    status: str
    health: str
    pages: int
    items: int
    new_posts: int
    hits: int
    bytes: int
    errors: int
    detail: str | None
    snapshot_path: str | None


def finish_run(
    session: Session,
    run_id: int,
    source_id: int,
    end: RunEnd,
    now: datetime,
    state: dict[str, Any] | None = None,
) -> bool:
    """Record the end of run ``run_id`` and its source's health after it (and the source's new
    incremental ``state`` when given); False, and nothing written, when either is gone.

    A failed run adds one to the source's consecutive failures; any other status resets them.
    """
    run = session.get(CrawlRun, run_id)
    source = session.get(Source, source_id)
    if run is None or source is None:
        return False
    run.finished_at = now
    run.status = end.status
    run.health = end.health
    run.pages = end.pages
    run.items = end.items
    run.new_posts = end.new_posts
    run.hits = end.hits
    run.bytes = end.bytes
    run.errors = end.errors
    run.error_detail = end.detail
    run.snapshot_path = end.snapshot_path
    if state is not None:
        source.state = state
    if source.health != end.health:
        source.health_changed_at = now
    source.health = end.health
    source.health_detail = end.detail
    source.last_run_at = now
    source.consecutive_failures = source.consecutive_failures + 1 if end.status == "failed" else 0
    return True


def record_exit(session: Session, run_id: int, status: str, detail: str) -> None:
    """Record that the crawl process of run ``run_id`` ended without recording the run (it is
    still ``running``): ``status`` (``failed``, ``interrupted``) and why."""
    run = session.get(CrawlRun, run_id)
    if run is None or run.status != "running":
        return
    run.status = status
    run.finished_at = utcnow()
    run.error_detail = detail


def recent_finished_runs(session: Session, source_id: int, limit: int) -> list[CrawlRun]:
    """The source's last ``limit`` runs that are over (not ``running``), oldest first."""
    runs = session.execute(
        select(CrawlRun)
        .where(CrawlRun.source_id == source_id, CrawlRun.status != "running")
        .order_by(CrawlRun.id.desc())
        .limit(limit)
    ).scalars()
    return list(runs)[::-1]


def record_health(
    session: Session,
    source_id: int,
    health: str,
    detail: str | None,
    failures: int,
    backoff_until: datetime | None,
    changed_at: datetime | None = None,
) -> None:
    """Write a source's settled health, its detail, its consecutive fetch failures and until
    when it is skipped (None: not skipped); ``changed_at`` when the health changed."""
    source = session.get(Source, source_id)
    if source is None:
        return
    source.consecutive_failures = failures
    source.backoff_until = backoff_until
    if changed_at is not None:
        source.health_changed_at = changed_at
    source.health = health
    source.health_detail = detail


def record_next_runs(session: Session, next_runs: Mapping[str, datetime | None]) -> None:
    """Write when each named source runs next (None: not scheduled)."""
    rows = session.execute(select(Source).where(Source.name.in_(list(next_runs)))).scalars()
    for row in rows:
        row.next_run_at = next_runs[row.name]


def forget_snapshots(session: Session, paths: Sequence[str]) -> int:
    """Clear ``snapshot_path`` of the runs whose snapshot was deleted; return how many."""
    if not paths:
        return 0
    result = session.execute(
        update(CrawlRun).where(CrawlRun.snapshot_path.in_(list(paths))).values(snapshot_path=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def runs_between(
    session: Session, source_id: int, since: datetime, until: datetime | None = None
) -> list[CrawlRun]:
    """Runs of a source started in ``[since, until)``, oldest first."""
    stmt = select(CrawlRun).where(CrawlRun.source_id == source_id, CrawlRun.started_at >= since)
    if until is not None:
        stmt = stmt.where(CrawlRun.started_at < until)
    return list(session.execute(stmt.order_by(CrawlRun.started_at)).scalars())


def backoff_delay(
    consecutive_failures: int, interval_seconds: int, cap_seconds: int = 3600
) -> timedelta:
    """How long to skip a source that keeps failing: 0 for the first two failures, then
    doubling from one interval, capped (one hour by default)."""
    if consecutive_failures < 3:
        return timedelta(0)
    return timedelta(seconds=min(cap_seconds, interval_seconds * 2 ** (consecutive_failures - 3)))
