"""Retention: delete what the ``[retention]`` ages let go, in bounded batches.

Kinds, each with its own age (:class:`crawler.core.config.RetentionConfig`):

- ``outbox``: alert messages delivered, digested or dead, last handled before the cut-off;
  ``pending`` and ``held`` messages are never deleted;
- ``runs``: crawl runs started before the cut-off, except each source's newest run and runs
  still ``running``;
- ``quiet_posts``: posts neither first nor last seen since the cut-off that never produced a
  hit nor a possible hit (crawl history only), with their claims;
- ``false_positive_evidence``: screenshots of posts whose every hit is a false positive
  triaged before the cut-off and with no possible hit waiting; the evidence row (the page's
  hash) stays, its ``screenshot_path`` is cleared;
- ``finding_posts`` and ``incidents`` (only when ``finding_days`` is set): posts with hits or
  possible hits, all created and triaged before the cut-off and none waiting in the outbox,
  with their hits, possible hits, claims and evidence; then incidents left without hits.

:func:`apply_retention` deletes each kind ``batch_size`` rows per transaction, so a crawl or
the web UI sharing the database waits for one short batch at most. It returns counts and the
screenshot files no row refers to any more; the caller deletes those files
(:mod:`crawler.runtime.retention`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Select, delete, exists, func, or_, select, update
from sqlalchemy.orm import Session, sessionmaker

from crawler.core.config import RetentionConfig
from db.models import CrawlRun, Evidence, Hit, Incident, OutboxMessage, PossibleHit, Post
from db.outbox import DEAD, DELIVERED, DIGESTED, HELD, PENDING

#: Rows deleted per transaction.
BATCH_SIZE = 500
#: Outbox statuses whose messages are finished with.
FINISHED_OUTBOX = (DELIVERED, DIGESTED, DEAD)
#: Kinds in the order they are applied (the outbox first: it frees findings it refers to).
KINDS = (
    "outbox",
    "finding_posts",
    "incidents",
    "quiet_posts",
    "false_positive_evidence",
    "runs",
)


@dataclass
class RetentionReport:
    """What a retention pass deleted (or, dry, would delete): rows per kind that is on (in
    :data:`KINDS` order), and the evidence screenshot files no row refers to any more (to be
    deleted by the caller)."""

    counts: dict[str, int] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    dry_run: bool = False


def apply_retention(
    sessions: sessionmaker[Session],
    retention: RetentionConfig,
    now: datetime,
    *,
    dry_run: bool = False,
    batch_size: int = BATCH_SIZE,
    stopping: Callable[[], bool] = lambda: False,
) -> RetentionReport:
    """Delete every kind older than its ``retention`` age at ``now``; return the report.

    ``stopping`` is asked before each batch: when it answers True the pass ends there (the
    daemon is stopping), and the next pass goes on.

    With ``dry_run``, count what would be deleted and change nothing. Each kind is counted
    against the rows as they stand: with ``finding_days`` set, the incidents that deleting
    findings would empty, and the false positives' screenshots deleted with their posts, are
    counted as they are before the pass.
    """
    report = RetentionReport(dry_run=dry_run)
    for kind, candidates in _candidates(retention, now).items():
        report.counts[kind] = 0
        if dry_run:
            with sessions() as session:
                counted = select(func.count()).select_from(candidates.subquery())
                report.counts[kind] = int(session.execute(counted).scalar_one())
            continue
        while not stopping():
            with sessions.begin() as session:
                ids = list(session.execute(candidates.limit(batch_size)).scalars())
                if ids:
                    # The candidates' conditions are checked again as rows are deleted: a
                    # crawl may have found a hit on one of these posts meanwhile.
                    still = candidates.whereclause
                    assert still is not None
                    deleted, files = _delete(session, kind, ids, still)
                    report.counts[kind] += deleted
                    report.files += files
            if len(ids) < batch_size:
                break
    return report


def _candidates(retention: RetentionConfig, now: datetime) -> dict[str, Select[int]]:
    """The ids of each kind's rows to delete, oldest first; kinds that are off are left out."""

    def cutoff(days: int) -> datetime:
        return now - timedelta(days=days)

    kinds: dict[str, Select[int]] = {
        "outbox": _finished_outbox(cutoff(retention.outbox_days)),
        "quiet_posts": _quiet_posts(cutoff(retention.quiet_post_days)),
        "false_positive_evidence": _false_positive_evidence(
            cutoff(retention.false_positive_evidence_days)
        ),
        "runs": _old_runs(cutoff(retention.run_days)),
    }
    if retention.finding_days is not None:
        kinds["finding_posts"] = _finding_posts(cutoff(retention.finding_days))
        kinds["incidents"] = _empty_incidents(cutoff(retention.finding_days))
    return {kind: kinds[kind] for kind in KINDS if kind in kinds}


def _finished_outbox(cutoff: datetime) -> Select[int]:
    handled = func.coalesce(
        OutboxMessage.delivered_at, OutboxMessage.last_attempt_at, OutboxMessage.created_at
    )
    return (
        select(OutboxMessage.id)
        .where(OutboxMessage.status.in_(FINISHED_OUTBOX), handled < cutoff)
        .order_by(OutboxMessage.id)
    )


def _old_posts(cutoff: datetime) -> Select[int]:
    # first_seen is indexed and never after last_seen: it narrows the scan for last_seen.
    return (
        select(Post.id)
        .where(Post.first_seen < cutoff, Post.last_seen < cutoff)
        .order_by(Post.first_seen, Post.id)
    )


def _has_hit() -> ColumnElement[bool]:
    return exists().where(Hit.post_id == Post.id)


def _has_possible_hit() -> ColumnElement[bool]:
    return exists().where(PossibleHit.post_id == Post.id)


def _quiet_posts(cutoff: datetime) -> Select[int]:
    return _old_posts(cutoff).where(~_has_hit(), ~_has_possible_hit())


def _finding_posts(cutoff: datetime) -> Select[int]:
    recent_hit = exists().where(
        Hit.post_id == Post.id,
        or_(Hit.created_at >= cutoff, Hit.triaged_at >= cutoff),
    )
    recent_possible = exists().where(
        PossibleHit.post_id == Post.id,
        or_(PossibleHit.created_at >= cutoff, PossibleHit.triaged_at >= cutoff),
    )
    waiting_alert = exists().where(
        OutboxMessage.hit_id == Hit.id,
        Hit.post_id == Post.id,
        OutboxMessage.status.in_((PENDING, HELD)),
    )
    return _old_posts(cutoff).where(
        or_(_has_hit(), _has_possible_hit()), ~recent_hit, ~recent_possible, ~waiting_alert
    )


def _empty_incidents(cutoff: datetime) -> Select[int]:
    waiting_alert = exists().where(
        OutboxMessage.incident_id == Incident.id, OutboxMessage.status.in_((PENDING, HELD))
    )
    return (
        select(Incident.id)
        .where(
            Incident.last_seen < cutoff,
            ~exists().where(Hit.incident_id == Incident.id),
            ~waiting_alert,
        )
        .order_by(Incident.id)
    )


def _false_positive_evidence(cutoff: datetime) -> Select[int]:
    not_dismissed = exists().where(
        Hit.post_id == Evidence.post_id,
        or_(
            Hit.triage_status != "false_positive",
            Hit.triaged_at.is_(None),
            Hit.triaged_at >= cutoff,
        ),
    )
    waiting_review = exists().where(
        PossibleHit.post_id == Evidence.post_id, PossibleHit.triage_status == "new"
    )
    return (
        select(Evidence.id)
        .where(
            Evidence.screenshot_path.is_not(None),
            exists().where(Hit.post_id == Evidence.post_id),
            ~not_dismissed,
            ~waiting_review,
        )
        .order_by(Evidence.id)
    )


def _old_runs(cutoff: datetime) -> Select[int]:
    newest = select(func.max(CrawlRun.id)).group_by(CrawlRun.source_id)
    return (
        select(CrawlRun.id)
        .where(
            CrawlRun.started_at < cutoff,
            CrawlRun.status != "running",
            CrawlRun.id.not_in(newest),
        )
        .order_by(CrawlRun.id)
    )


def _delete(
    session: Session, kind: str, ids: list[int], still: ColumnElement[bool]
) -> tuple[int, list[str]]:
    """Delete (for evidence: clear the screenshot of) the rows ``ids`` of ``kind`` that still
    meet ``still``; return how many, and the screenshot files no evidence row refers to any
    more."""
    files: list[str] = []
    if kind == "outbox":
        result = session.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(ids), still))
    elif kind == "runs":
        result = session.execute(delete(CrawlRun).where(CrawlRun.id.in_(ids), still))
    elif kind == "incidents":
        result = session.execute(delete(Incident).where(Incident.id.in_(ids), still))
    elif kind in ("quiet_posts", "finding_posts"):
        paths = _screenshots(session, Evidence.post_id.in_(ids))
        result = session.execute(delete(Post).where(Post.id.in_(ids), still))
        files = _unreferenced(session, paths)
    elif kind == "false_positive_evidence":
        paths = _screenshots(session, Evidence.id.in_(ids))
        result = session.execute(
            update(Evidence).where(Evidence.id.in_(ids), still).values(screenshot_path=None)
        )
        files = _unreferenced(session, paths)
    else:
        raise ValueError(f"unknown retention kind {kind!r}")
    return int(result.rowcount or 0), files  # type: ignore[attr-defined]


def _screenshots(session: Session, where: ColumnElement[bool]) -> set[str]:
    rows = session.execute(
        select(Evidence.screenshot_path).where(where, Evidence.screenshot_path.is_not(None))
    )
    return {path for path in rows.scalars() if path}


def _unreferenced(session: Session, paths: set[str]) -> list[str]:
    """The ``paths`` no evidence row refers to (pages shared by several posts share a file)."""
    if not paths:
        return []
    still = session.execute(
        select(Evidence.screenshot_path).where(Evidence.screenshot_path.in_(sorted(paths)))
    )
    return sorted(paths - set(still.scalars()))
