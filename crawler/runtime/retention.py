"""The retention pass: the database kinds (:mod:`db.retention`), the evidence screenshots no
row refers to any more, and the page snapshots (:func:`crawler.runtime.snapshots.prune_snapshots`).

The daemon runs it at start and once a day (:func:`crawler.runtime.scheduling.schedule_retention`)
and logs one line of counts; ``leakwatch retention`` runs it by hand, ``--dry-run`` to see it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session, sessionmaker

from crawler.core.config import Settings
from crawler.runtime.snapshots import prune_snapshots
from db.retention import apply_retention
from db.runs import forget_snapshots

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetentionOutcome:
    """What one pass deleted (or would): rows per kind, screenshot files and snapshots."""

    counts: dict[str, int]
    dry_run: bool

    def summary(self) -> str:
        """``kind=count`` for every kind, in a fixed order (the daemon's log line)."""
        return ", ".join(f"{kind}={count}" for kind, count in self.counts.items())


def run_retention(
    sessions: sessionmaker[Session],
    settings: Settings,
    now: datetime,
    dry_run: bool = False,
    stopping: Callable[[], bool] = lambda: False,
) -> RetentionOutcome:
    """Apply ``settings.retention`` at ``now``: rows, then files; return the counts.

    ``stopping`` ends the pass between two batches of rows (the next pass goes on).

    Raises SQLAlchemyError when the database fails (the rows of finished batches stay
    deleted). A file that cannot be deleted is logged and left.
    """
    report = apply_retention(sessions, settings.retention, now, dry_run=dry_run, stopping=stopping)
    evidence_root = (settings.data_dir / "evidence").resolve()
    removed_files = 0
    for name in report.files:
        removed_files += _delete_evidence_file(Path(name), evidence_root)
    snapshots = prune_snapshots(
        settings.data_dir, settings.retention, now=now.timestamp(), dry_run=dry_run
    )
    if snapshots and not dry_run:
        with sessions.begin() as session:
            forget_snapshots(session, [str(path) for path in snapshots])
    counts = dict(report.counts)
    counts["evidence_files"] = removed_files
    counts["snapshots"] = len(snapshots)
    return RetentionOutcome(counts, dry_run)


def _delete_evidence_file(path: Path, evidence_root: Path) -> int:
    """Delete one screenshot under ``evidence_root`` (never elsewhere); 1 when deleted."""
    try:
        resolved = path.resolve()
        if not resolved.is_relative_to(evidence_root):
            logger.warning("evidence file %s is outside %s: left", path, evidence_root)
            return 0
        resolved.unlink(missing_ok=True)
    except OSError as exc:
        logger.warning("cannot delete evidence file %s: %s", path, exc)
        return 0
    return 1
