"""The scheduler daemon (``leakwatch run``): scheduled crawls in child processes, source health,
alert delivery alongside, the daily retention pass, SIGHUP reload and a clean SIGTERM.

Every :data:`~crawler.runtime.scheduling.RUN_CHECK_EVERY_SECONDS` it also closes the runs whose
crawl ended while the database was unreachable (neither the crawl nor the daemon could record
the outcome, so the run would stay ``running`` and the lease held until a restart).

At most ``max_crawls`` crawls run at once; a run due while every slot is busy waits for one
(it is delayed, not dropped), and APScheduler's ``max_instances=1`` keeps a source from
queueing twice.
"""

from __future__ import annotations

import logging
import os
import signal
import socket
import threading
from collections.abc import Callable
from datetime import UTC, timedelta
from pathlib import Path
from types import FrameType

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from crawler.core.config import Settings
from crawler.core.errors import ConfigError
from crawler.runtime.child import ChildCrawls, crawl_gone
from crawler.runtime.crawl import source_log_path
from crawler.runtime.health import SPIDER_STATES, alert_due, is_fetch_failure, source_health
from crawler.runtime.metrics import Metrics
from crawler.runtime.retention import run_retention
from crawler.runtime.scheduling import (
    DELIVERER_EXECUTOR,
    JOB_PREFIX,
    period,
    schedule_deliverer,
    schedule_retention,
    schedule_run_check,
    schedule_sources,
)
from db.engine import make_engine, make_session_factory
from db.models import CrawlRun, Source, utcnow
from db.outbox import release_dead_locks
from db.repository import start_run, sync_sources
from db.runs import (
    backoff_delay,
    claim_source,
    close_stale_runs,
    recent_finished_runs,
    record_crawl,
    record_exit,
    record_health,
    record_next_runs,
    record_timeout,
    release_dead_leases,
    release_orphaned_leases,
    release_source,
)
from spiders.registry import load_settings

logger = logging.getLogger(__name__)

#: Called with (session, settings, source name, old health, new health, detail) on a change.
HealthAlert = Callable[[Session, Settings, str, str, str, str | None], None]
#: One delivery pass with the current settings.
Deliver = Callable[[Settings], None]
HARD_LIMIT_GRACE_SECONDS = 30
HISTORY = 5


def default_max_crawls() -> int:
    """Crawls run at once by default: four per CPU (crawls mostly wait on the network)."""
    return 4 * (os.cpu_count() or 1)


class Daemon:
    """Schedules every enabled source and runs each crawl in a child process."""

    def __init__(
        self,
        settings: Settings,
        config_path: Path | None,
        deliver: Deliver | None = None,
        health_alert: HealthAlert | None = None,
        metrics: Metrics | None = None,
        kill_grace_seconds: float = HARD_LIMIT_GRACE_SECONDS,
        max_crawls: int | None = None,
    ) -> None:
        self.settings = settings
        self.kill_grace_seconds = kill_grace_seconds
        self.config_path = config_path
        self.deliver = deliver
        self.health_alert = health_alert
        self.metrics = metrics or Metrics(None)
        self.engine = make_engine(settings.database_url)
        self.sessions = make_session_factory(self.engine)
        self.children = ChildCrawls(settings.log_level)
        self.owner = f"{socket.gethostname()}:{os.getpid()}"
        self.stopping = threading.Event()
        self.max_crawls = max_crawls or default_max_crawls()
        self._slots = threading.BoundedSemaphore(self.max_crawls)
        self._in_flight = 0
        self._idle = threading.Condition()
        # Reading a source's next run time and writing it are one step: a crawl that ends
        # while a reload unschedules its source must not write back the time it read before.
        self._next_runs = threading.Lock()
        # Sources between their claim and their release (see close_orphaned_runs).
        self._crawling: set[str] = set()
        self._crawling_lock = threading.Lock()
        # A job waiting for a crawl slot holds a thread: one per source, whatever the slots.
        workers = max(8, len(settings.sources) + 2)
        self.scheduler = BlockingScheduler(
            timezone=UTC,
            executors={
                "default": ThreadPoolExecutor(max_workers=workers),
                DELIVERER_EXECUTOR: ThreadPoolExecutor(max_workers=1),
            },
        )

    def run(self) -> None:
        """Run until SIGTERM or SIGINT; SIGHUP reloads the configuration."""
        if not self.children.warm_up(self.config_path):
            logger.error("preparing crawls failed (see above): each crawl will report why")
        host = socket.gethostname()
        with self.sessions.begin() as session:
            sync_sources(session, self.settings.sources)
            freed = release_dead_leases(session, host, process_alive, crawl_gone)
            stale = close_stale_runs(session)
            unlocked = release_dead_locks(session, host, process_alive)
        if freed:
            logger.warning("freed leases of a dead daemon on: %s", ", ".join(freed))
        if stale:
            logger.warning("marked %d run(s) left by a killed process as abandoned", stale)
        if unlocked:
            logger.warning("%d alert(s) claimed by a dead deliverer will be sent again", unlocked)
        scheduled = schedule_sources(self.scheduler, self.settings, self.run_source)
        if self.deliver is not None:
            schedule_deliverer(self.scheduler, self._guarded(self.deliver))
        schedule_retention(self.scheduler, self.apply_retention)
        schedule_run_check(self.scheduler, self.close_orphaned_runs)
        signal.signal(signal.SIGTERM, self._on_stop)
        signal.signal(signal.SIGINT, self._on_stop)
        signal.signal(signal.SIGHUP, self._on_reload)
        logger.info(
            "leakwatch daemon %s: %d source(s), at most %d crawl(s) at once: %s",
            self.owner,
            len(scheduled),
            self.max_crawls,
            scheduled,
        )
        self.scheduler.start()
        self._wait_for_jobs(timeout=60)
        self.children.close()
        self.engine.dispose()
        logger.info("leakwatch daemon stopped")

    def run_source(self, name: str) -> None:
        """One scheduled crawl of ``name``: a free slot, lease, child process, run record,
        health."""
        with self._busy():
            while not self._slots.acquire(timeout=1.0):
                if self.stopping.is_set():
                    return
            with self._crawling_lock:
                self._crawling.add(name)
            try:
                if not self.stopping.is_set():
                    self._run_source(name)
            except Exception:
                logger.exception("crawl job of %s failed", name)
            finally:
                with self._crawling_lock:
                    self._crawling.discard(name)
                self._slots.release()
            if not self.stopping.is_set():
                self._record_next_runs([name])

    def _run_source(self, name: str) -> None:
        try:
            source = self.settings.source(name)
        except ConfigError:
            return
        limit = source.max_wall_seconds + self.kill_grace_seconds
        now = utcnow()
        with self.sessions.begin() as session:
            source_id = sync_sources(session, [source])[name]
            self._take_over_dead_lease(session, source_id)
            self._close_own_orphan(session, source_id)
            row = session.get(Source, source_id)
            assert row is not None
            if row.backoff_until is not None and row.backoff_until > now:
                logger.info("%s is down: skipped until %s", name, f"{row.backoff_until:%H:%M:%S}")
                return
            claimed = claim_source(
                session,
                source_id,
                self.owner,
                now + timedelta(seconds=limit + 60),
                now,
                not_run_since=now - period(source.schedule) / 2,
            )
            if not claimed:
                logger.info("%s is being or was just crawled by another scheduler: skipped", name)
                return
            old_health = row.health
            run_id = start_run(session, source_id).id
        log_path = source_log_path(self.settings, name)
        result = self.children.run(
            self.config_path, name, run_id, limit, log_path, self._recorder(source_id)
        )
        with self.sessions.begin() as session:
            if result.timed_out:
                record_timeout(session, run_id, limit)
            else:
                status = "interrupted" if self.stopping.is_set() else "failed"
                exit_detail = f"crawl process exited with code {result.returncode}"
                record_exit(session, run_id, status, exit_detail)
            new_health = settle_health(session, source_id, period(source.schedule), old_health)
            if new_health != old_health:
                logger.warning("source %s health: %s → %s", name, old_health, new_health)
            if alert_due(old_health, new_health) and self.health_alert is not None:
                row = session.get(Source, source_id)
                detail = row.health_detail if row is not None else None
                self.health_alert(session, self.settings, name, old_health, new_health, detail)
            release_source(session, source_id, self.owner)
            run = session.get(CrawlRun, run_id)
            if run is not None:
                self.metrics.observe_run(name, run)

    def _take_over_dead_lease(self, session: Session, source_id: int) -> None:
        """Free the source's lease if a dead daemon of this host held it and its crawl is gone
        (the crawl's run, left ``running``, is marked abandoned)."""
        freed = release_dead_leases(
            session, socket.gethostname(), process_alive, crawl_gone, source_id
        )
        if freed:
            logger.warning("freed leases of a dead daemon on: %s (its crawl is gone)", freed[0])
            close_stale_runs(session)

    def _close_own_orphan(self, session: Session, source_id: int) -> None:
        """Close this daemon's earlier run of the source whose outcome could not be recorded
        (the database was unreachable when it started or ended), before the lease it left is
        claimed again: the periodic check (:meth:`close_orphaned_runs`) may not have come yet.
        This job is the source's only crawl here (``max_instances=1``)."""
        freed = release_orphaned_leases(session, self.owner, set, source_id=source_id)
        if freed:
            logger.warning(
                "closed the run(s) of %s: the crawl ended but its outcome could not be recorded",
                freed[0],
            )

    def _recorder(self, source_id: int) -> Callable[[int], None]:
        def record(pid: int) -> None:
            with self.sessions.begin() as session:
                record_crawl(session, source_id, self.owner, pid)

        return record

    def close_orphaned_runs(self) -> None:
        """Close this daemon's runs whose crawl has ended but whose outcome could not be
        recorded (the database was unreachable then), and runs left by dead schedulers whose
        lease has expired; free their leases. A database still unreachable is logged and
        checked again next time."""
        if self.stopping.is_set():
            return

        def crawling() -> set[str]:
            with self._crawling_lock:
                return set(self._crawling)

        try:
            with self.sessions.begin() as session:
                freed = release_orphaned_leases(session, self.owner, crawling)
                stale = close_stale_runs(session)
        except SQLAlchemyError as exc:
            logger.warning("checking for unfinished runs failed: %s", str(exc).splitlines()[0])
            return
        if freed:
            logger.warning(
                "closed the run(s) of %s: the crawl ended but its outcome could not be recorded",
                ", ".join(freed),
            )
        if stale:
            logger.warning("marked %d run(s) left by a killed process as abandoned", stale)

    def apply_retention(self) -> None:
        """One retention pass with the current settings; logs one line of counts."""
        if self.stopping.is_set():
            return
        with self._busy():
            try:
                outcome = run_retention(
                    self.sessions, self.settings, utcnow(), stopping=self.stopping.is_set
                )
            except Exception:
                logger.exception("retention pass failed")
                return
            logger.info("retention: deleted %s", outcome.summary())

    def _record_next_runs(self, names: list[str]) -> None:
        with self._next_runs:
            times = {}
            for name in names:
                job = self.scheduler.get_job(JOB_PREFIX + name)
                times[name] = getattr(job, "next_run_time", None) if job else None
            with self.sessions.begin() as session:
                record_next_runs(session, times)

    def _guarded(self, job: Deliver) -> Callable[[], None]:
        def guarded() -> None:
            if self.stopping.is_set():
                return
            with self._busy():
                try:
                    job(self.settings)
                except Exception:
                    logger.exception("alert delivery failed")

        return guarded

    def _busy(self) -> _InFlight:
        return _InFlight(self)

    def _on_stop(self, signum: int, _frame: FrameType | None) -> None:
        logger.info("signal %s: stopping (running crawls are terminated)", signum)
        self.stopping.set()
        self.children.stop_all()
        self.scheduler.shutdown(wait=False)

    def _on_reload(self, _signum: int, _frame: FrameType | None) -> None:
        try:
            settings = load_settings(self.config_path)
        except ConfigError as exc:
            logger.error("SIGHUP: configuration not reloaded: %s", exc)
            return
        before = {source.name for source in self.settings.sources}
        self.settings = settings
        with self.sessions.begin() as session:
            sync_sources(session, settings.sources)
        scheduled = schedule_sources(self.scheduler, settings, self.run_source)
        self._record_next_runs(sorted(before | {s.name for s in settings.sources}))
        logger.info("SIGHUP: configuration reloaded, %d source(s) scheduled", len(scheduled))

    def _wait_for_jobs(self, timeout: float) -> None:
        with self._idle:
            self._idle.wait_for(lambda: self._in_flight == 0, timeout=timeout)


class _InFlight:
    """Counts a running job, so that a stop waits for it to record its outcome."""

    def __init__(self, daemon: Daemon) -> None:
        self.daemon = daemon

    def __enter__(self) -> None:
        with self.daemon._idle:
            self.daemon._in_flight += 1

    def __exit__(self, *exc: object) -> None:
        with self.daemon._idle:
            self.daemon._in_flight -= 1
            self.daemon._idle.notify_all()


def settle_health(session: Session, source_id: int, every: timedelta, before: str) -> str:
    """Set a source's health, failure count and backoff from its recent runs; return the health.

    ``every`` is the source's period (the backoff unit), ``before`` its health before the run.

    Runs a spider explained itself (``parser_broken``…) are not fetch failures: once the
    parser works again the source is ``ok``, not ``degraded`` by the runs it failed. A source
    that keeps failing to fetch is skipped for a while (:func:`db.runs.backoff_delay`).
    """
    row = session.get(Source, source_id)
    assert row is not None
    runs = recent_finished_runs(session, source_id, HISTORY)
    if not runs:
        return row.health
    newest = runs[-1]
    fetch_statuses = [run.status for run in runs if run.health not in SPIDER_STATES]
    health = source_health(fetch_statuses, newest.health)
    failures = 0
    for run in reversed(runs):
        if not is_fetch_failure(run.status, run.health):
            break
        failures += 1
    delay = backoff_delay(failures, int(every.total_seconds()))
    now = utcnow()
    backoff_until = now + delay if delay else None
    changed_at = now if health != before else None
    record_health(
        session, source_id, health, newest.error_detail, failures, backoff_until, changed_at
    )
    return health


def process_alive(pid: int) -> bool:
    """True when a live process with ``pid`` exists on this machine (a zombie, dead but not
    yet reaped by its parent, is not alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:  # no /proc, or ended meanwhile
        return True
    return stat[stat.rindex(")") + 2 :].split()[0] != "Z"
