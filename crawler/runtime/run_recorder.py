"""Scrapy extension that records each crawl: the ``CrawlRun`` row, source health and state.

When the spider closes it writes pages, items, new posts, bytes and errors from the crawl stats,
the run's status and the source's health (crawler.runtime.health), the spider's new incremental
state, and, for a broken parser, a size-capped, redacted and private copy of the page under
``<data_dir>/snapshots`` (crawler.runtime.snapshots); then it prunes the snapshots beyond the
``[retention]`` limits. Details taken from the crawl (errors, health) are stored redacted. The
rows are written by :func:`db.runs.finish_run` (every database write lives in ``db/``).

A spider that read a complete listing sets ``state["listing_complete"]`` and
``state["seen_ids"]``: after a finished run, the source's posts missing from it get
``removed_at``, the listed ones get ``last_seen`` refreshed and ``removed_at`` cleared. Those
two keys are not saved with the state. A run that stored items too old to alert
(``alert_max_age_days``) queues its one summary line for the operations channels
(``alerts.outbox.enqueue_history_summary``) in the same transaction. What the spider says it
left undone (``SourceSpider.note``: victim pages skipped for a cap, given up) follows the run's
detail.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from scrapy import signals

from alerts.outbox import enqueue_history_summary
from crawler.core.redaction import redact
from crawler.runtime.context import CrawlContext
from crawler.runtime.health import RunOutcome, run_outcome
from crawler.runtime.pipelines import ITEMS_SKIPPED, STORAGE_FAILURES, quiet_history
from crawler.runtime.snapshots import prune_snapshots, save_snapshot
from db.models import utcnow
from db.repository import mark_listed, mark_removed
from db.runs import RunEnd, finish_run, forget_snapshots
from spiders.base import HealthReport

logger = logging.getLogger(__name__)
#: State keys that describe one run (a complete listing and its ids): acted on, not saved.
RUN_ONLY_STATE = ("listing_complete", "seen_ids")


def spider_capped(spider: Any) -> bool:
    """Whether the spider said a cap stopped some of its work (SourceSpider.note)."""
    return bool(getattr(spider, "capped", False))


def with_notes(outcome: RunOutcome, notes: list[str], capped: bool) -> RunOutcome:
    """The outcome with the spider's notes after its detail; an ``ok`` run a cap stopped
    short is ``partial``."""
    if not notes:
        return outcome
    status = "partial" if capped and outcome.status == "ok" else outcome.status
    detail = "; ".join([*([outcome.detail] if outcome.detail else []), *notes])
    return RunOutcome(status, outcome.health, detail)


class RunRecorder:
    """Writes the run record and the source's health when the spider closes."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler: Any) -> RunRecorder:
        """Build the extension for ``crawler``."""
        return cls(crawler)

    def spider_opened(self, spider: Any) -> None:
        """Hand the saved incremental state to the spider unless the caller gave one."""
        context = CrawlContext.of(self.crawler)
        if not spider.state:
            spider.state = dict(context.state_before)

    def spider_closed(self, spider: Any, reason: str) -> None:
        """Record the run, the source's health and state; release the database."""
        context = CrawlContext.of(self.crawler)
        stats = self.crawler.stats
        pages = int(stats.get_value("response_received_count", 0))
        errors = int(stats.get_value("log_count/ERROR", 0)) + int(
            stats.get_value("downloader/exception_count", 0)
        )
        items = int(stats.get_value("item_scraped_count", 0))
        report = spider.worst_health()
        outcome = run_outcome(reason, report, pages, errors, items)
        unstored = int(stats.get_value(STORAGE_FAILURES, 0))
        if unstored:
            outcome = RunOutcome(
                outcome.status,
                "degraded" if outcome.health == "ok" else outcome.health,
                "posts could not be stored (database error); the source's state is kept, so "
                "the next run fetches them again",
            )
        skipped = int(stats.get_value(ITEMS_SKIPPED, 0))
        if skipped and not unstored:
            outcome = RunOutcome(
                outcome.status,
                "degraded" if outcome.health == "ok" else outcome.health,
                f"{skipped} item(s) could not be stored and were skipped (see the log)",
            )
        outcome = with_notes(outcome, list(getattr(spider, "notes", [])), spider_capped(spider))
        snapshot = self._save_snapshot(context, report)
        pruned = self._prune_snapshots(context)
        detail = redact(outcome.detail) if outcome.detail else outcome.detail
        end = RunEnd(
            status=outcome.status,
            health=outcome.health,
            pages=pages,
            items=items,
            new_posts=int(stats.get_value("leakwatch/posts_new", 0)),
            hits=int(stats.get_value("leakwatch/hits", 0)),
            bytes=int(stats.get_value("downloader/response_bytes", 0)),
            errors=errors,
            detail=detail,
            snapshot_path=str(snapshot) if snapshot else None,
        )
        keep_state = outcome.status in ("ok", "partial") and not unstored
        state = (
            {key: value for key, value in spider.state.items() if key not in RUN_ONLY_STATE}
            if keep_state
            else None
        )
        now = utcnow()
        with context.sessions.begin() as session:
            if not finish_run(session, context.run_id, context.source_id, end, now, state):
                logger.error("run %s or source %s vanished", context.run_id, context.source_id)
                return
            forget_snapshots(session, [str(path) for path in pruned])
            seen = list(spider.state.get("seen_ids") or [])
            complete = bool(spider.state.get("listing_complete")) and reason == "finished"
            if keep_state and complete and seen:
                removed = mark_removed(session, context.source_id, seen, now)
                restored = mark_listed(session, context.source_id, seen, now)
                stats.set_value("leakwatch/posts_removed", removed)
                stats.set_value("leakwatch/posts_restored", restored)
            quiet = quiet_history(stats, context.source.alert_max_age_days)
            if quiet is not None:
                enqueue_history_summary(
                    session, context.settings, context.source.name, context.run_id, quiet, now
                )
        logger.info(
            "run %s of %s: %s, health %s, %d page(s), %d item(s), %d new",
            context.run_id,
            context.source.name,
            outcome.status,
            outcome.health,
            pages,
            items,
            end.new_posts,
        )
        context.close()

    def _save_snapshot(self, context: CrawlContext, report: HealthReport | None) -> Path | None:
        if report is None or report.page is None:
            return None
        if context.settings.retention.snapshots_per_source == 0:
            return None
        try:
            return save_snapshot(
                context.settings.data_dir,
                context.source.name,
                context.run_id,
                report.status,
                report.page,
            )
        except OSError as exc:
            logger.error("cannot save page snapshot of %s: %s", context.source.name, exc)
            return None

    def _prune_snapshots(self, context: CrawlContext) -> list[Path]:
        try:
            return prune_snapshots(context.settings.data_dir, context.settings.retention)
        except OSError as exc:
            logger.warning("cannot prune page snapshots: %s", exc)
            return []
