"""Scrapy extension that records each crawl: the ``CrawlRun`` row, source health and state.

When the spider closes it writes pages, items, new posts, bytes and errors from the crawl stats,
the run's status and the source's health (crawler.runtime.health), the spider's new incremental
state, and, for a broken parser, a size-capped copy of the page under ``<data_dir>/snapshots``.

A spider that read a complete listing sets ``state["listing_complete"]`` and
``state["seen_ids"]``: after a finished run, the source's posts missing from it get
``removed_at``, the listed ones get ``last_seen`` refreshed and ``removed_at`` cleared. Those
two keys are not saved with the state.
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

from scrapy import signals

from crawler.runtime.context import CrawlContext
from crawler.runtime.health import RunOutcome, run_outcome
from crawler.runtime.pipelines import ITEMS_SKIPPED, STORAGE_FAILURES
from db.models import CrawlRun, Source, utcnow
from db.repository import mark_listed, mark_removed
from spiders.base import HealthReport

logger = logging.getLogger(__name__)
#: State keys that describe one run (a complete listing and its ids): acted on, not saved.
RUN_ONLY_STATE = ("listing_complete", "seen_ids")


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
        snapshot = self._save_snapshot(context, report)
        now = utcnow()
        with context.sessions.begin() as session:
            run = session.get(CrawlRun, context.run_id)
            source = session.get(Source, context.source_id)
            if run is None or source is None:
                logger.error("run %s or source %s vanished", context.run_id, context.source_id)
                return
            run.finished_at = now
            run.status = outcome.status
            run.health = outcome.health
            run.pages = pages
            run.items = items
            run.new_posts = int(stats.get_value("leakwatch/posts_new", 0))
            run.hits = int(stats.get_value("leakwatch/hits", 0))
            run.bytes = int(stats.get_value("downloader/response_bytes", 0))
            run.errors = errors
            run.error_detail = outcome.detail
            run.snapshot_path = str(snapshot) if snapshot else None
            if outcome.status in ("ok", "partial") and not unstored:
                source.state = {
                    key: value for key, value in spider.state.items() if key not in RUN_ONLY_STATE
                }
                seen = list(spider.state.get("seen_ids") or [])
                if spider.state.get("listing_complete") and reason == "finished" and seen:
                    removed = mark_removed(session, source.id, seen, now)
                    restored = mark_listed(session, source.id, seen, now)
                    stats.set_value("leakwatch/posts_removed", removed)
                    stats.set_value("leakwatch/posts_restored", restored)
            if source.health != outcome.health:
                source.health_changed_at = now
            source.health = outcome.health
            source.health_detail = outcome.detail
            source.last_run_at = now
            source.consecutive_failures = (
                source.consecutive_failures + 1 if outcome.status == "failed" else 0
            )
        logger.info(
            "run %s of %s: %s, health %s, %d page(s), %d item(s), %d new",
            context.run_id,
            context.source.name,
            outcome.status,
            outcome.health,
            pages,
            items,
            run.new_posts,
        )
        context.close()

    def _save_snapshot(self, context: CrawlContext, report: HealthReport | None) -> Path | None:
        if report is None or report.page is None:
            return None
        folder = context.settings.data_dir / "snapshots" / context.source.name
        try:
            folder.mkdir(parents=True, exist_ok=True)
            path = folder / f"run-{context.run_id}-{re.sub(r'[^a-z_]', '', report.status)}.html"
            path.write_bytes(report.page)
        except OSError as exc:
            logger.error("cannot save page snapshot of %s: %s", context.source.name, exc)
            return None
        return path
