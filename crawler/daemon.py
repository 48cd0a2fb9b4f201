"""The scheduler daemon (``leakwatch run``): scheduled crawls in child processes, source health,
alert delivery alongside, SIGHUP reload and a clean SIGTERM.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.child import ChildCrawls
from crawler.config import Settings, load_config
from crawler.errors import ConfigError
from crawler.health import FAILED_STATUSES, source_health
from crawler.metrics import Metrics
from crawler.scheduling import JOB_PREFIX, schedule_deliverer, schedule_sources
from db.engine import make_engine, make_session_factory
from db.models import CrawlRun, Source, utcnow
from db.repository import start_run, sync_sources
from db.runs import (
    backoff_delay,
    claim_source,
    close_stale_runs,
    record_timeout,
    release_dead_leases,
    release_source,
)

logger = logging.getLogger(__name__)

#: Called with (session, source name, old health, new health, detail) when a health changes.
HealthAlert = Callable[[Session, str, str, str, str | None], None]
HARD_LIMIT_GRACE_SECONDS = 30
HISTORY = 5


class Daemon:
    """Schedules every enabled source and runs each crawl in a child process."""

    def __init__(
        self,
        settings: Settings,
        config_path: Path | None,
        deliver: Callable[[], None] | None = None,
        health_alert: HealthAlert | None = None,
        metrics: Metrics | None = None,
        kill_grace_seconds: float = HARD_LIMIT_GRACE_SECONDS,
    ) -> None:
        self.settings = settings
        self.kill_grace_seconds = kill_grace_seconds
        self.config_path = config_path
        self.deliver = deliver
        self.health_alert = health_alert
        self.metrics = metrics or Metrics(None)
        self.engine = make_engine(settings.database_url)
        self.sessions = make_session_factory(self.engine)
        self.children = ChildCrawls()
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = threading.Event()
        self._in_flight = 0
        self._idle = threading.Condition()
        workers = max(4, len(settings.sources) + 2)
        self.scheduler = BlockingScheduler(
            timezone=UTC, executors={"default": ThreadPoolExecutor(max_workers=workers)}
        )

    def run(self) -> None:
        """Run until SIGTERM or SIGINT; SIGHUP reloads the configuration."""
        with self.sessions.begin() as session:
            sync_sources(session, self.settings.sources)
            freed = release_dead_leases(session, socket.gethostname(), process_alive)
            stale = close_stale_runs(session)
        if freed:
            logger.warning("freed leases of a dead daemon on: %s", ", ".join(freed))
        if stale:
            logger.warning("marked %d run(s) left by a killed process as abandoned", stale)
        scheduled = schedule_sources(
            self.scheduler, self.settings, self.run_source, first_run=datetime.now(UTC)
        )
        if self.deliver is not None:
            schedule_deliverer(self.scheduler, self._guarded(self.deliver))
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        logger.info("leakwatch daemon %s: %d source(s): %s", self.owner, len(scheduled), scheduled)
        self.scheduler.start()
        self._wait_for_jobs(timeout=60)
        self.engine.dispose()
        logger.info("leakwatch daemon stopped")

    def run_source(self, name: str) -> None:
        """One scheduled crawl of ``name``: lease, child process, run record, health."""
        if self.stopping.is_set():
            return
        with self._idle:
            self._in_flight += 1
        try:
            self._run_source(name)
        except Exception:
            logger.exception("crawl job of %s failed", name)
        finally:
            with self._idle:
                self._in_flight -= 1
                self._idle.notify_all()

    def _run_source(self, name: str) -> None:
        try:
            source = self.settings.source(name)
        except ConfigError:
            return
        limit = source.max_wall_seconds + self.kill_grace_seconds
        now = utcnow()
        with self.sessions.begin() as session:
            source_id = sync_sources(session, [source])[name]
            row = session.get(Source, source_id)
            assert row is not None
            if row.backoff_until is not None and row.backoff_until > now:
                logger.info("%s is down: skipped until %s", name, f"{row.backoff_until:%H:%M:%S}")
                return
            if not claim_source(
                session, source_id, self.owner, now + timedelta(seconds=limit + 60)
            ):
                logger.info("%s is being crawled by another scheduler: skipped", name)
                return
            old_health = row.health
            run_id = start_run(session, source_id).id
        log_path = self.settings.data_dir / "logs" / f"{name}.log"
        result = self.children.run(self.config_path, name, run_id, limit, log_path)
        with self.sessions.begin() as session:
            run = session.get(CrawlRun, run_id)
            if result.timed_out:
                record_timeout(session, run_id, limit)
            elif run is not None and run.status == "running":
                run.status = "interrupted" if self.stopping.is_set() else "failed"
                run.finished_at = utcnow()
                run.error_detail = f"crawl process exited with code {result.returncode}"
            self._update_health(session, source_id, name, old_health, source.schedule)
            release_source(session, source_id, self.owner)
            run = session.get(CrawlRun, run_id)
            if run is not None:
                self.metrics.observe_run(name, run)
        self._record_next_run(name)

    def _update_health(
        self, session: Session, source_id: int, name: str, old_health: str, schedule: object
    ) -> None:
        row = session.get(Source, source_id)
        assert row is not None
        runs = list(
            session.execute(
                select(CrawlRun)
                .where(CrawlRun.source_id == source_id, CrawlRun.status != "running")
                .order_by(CrawlRun.id.desc())
                .limit(HISTORY)
            ).scalars()
        )[::-1]
        if not runs:
            return
        statuses = [run.status for run in runs]
        newest = runs[-1]
        health = source_health(statuses, newest.health)
        failures = 0
        for status in reversed(statuses):
            if status not in FAILED_STATUSES:
                break
            failures += 1
        row.consecutive_failures = failures
        interval = getattr(schedule, "every_seconds", None) or 300
        delay = backoff_delay(failures, interval)
        row.backoff_until = utcnow() + delay if delay else None
        if health != row.health or health != old_health:
            row.health_changed_at = utcnow()
        row.health = health
        row.health_detail = newest.error_detail
        if health != old_health:
            logger.warning("source %s health: %s → %s", name, old_health, health)
            if self.health_alert is not None:
                self.health_alert(session, name, old_health, health, newest.error_detail)

    def _record_next_run(self, name: str) -> None:
        job = self.scheduler.get_job(JOB_PREFIX + name)
        next_time = getattr(job, "next_run_time", None) if job else None
        with self.sessions.begin() as session:
            row = session.execute(select(Source).where(Source.name == name)).scalar_one_or_none()
            if row is not None:
                row.next_run_at = next_time

    def _guarded(self, job: Callable[[], None]) -> Callable[[], None]:
        def guarded() -> None:
            if self.stopping.is_set():
                return
            try:
                job()
            except Exception:
                logger.exception("alert delivery failed")

        return guarded

    def _on_stop(self, signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %s: stopping (running crawls are terminated)", signum)
        self.stopping.set()
        self.children.stop_all()
        self.scheduler.shutdown(wait=False)

    def _on_reload(self, _signum: int, _frame: FrameType | None) -> None:
        try:
            settings = load_config(self.config_path)
        except ConfigError as exc:
            logger.error("SIGHUP: configuration not reloaded: %s", exc)
            return
        self.settings = settings
        with self.sessions.begin() as session:
            sync_sources(session, settings.sources)
        scheduled = schedule_sources(self.scheduler, settings, self.run_source)
        logger.info("SIGHUP: configuration reloaded, %d source(s) scheduled", len(scheduled))

    def _wait_for_jobs(self, timeout: float) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout)


def process_alive(pid: int) -> bool:
    """True when a process with ``pid`` exists on this machine."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
