"""APScheduler job registration: one job per enabled source, the alert deliverer, the daily
retention pass and the check for runs whose outcome could not be recorded.

Every job has ``max_instances=1`` and ``coalesce=True`` so a slow source never stacks runs, and a
misfire grace so a run delayed by a busy machine still happens. The job logic itself lives in
:mod:`crawler.runtime.daemon` and is tested without the scheduler.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from typing import Any

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from crawler.core.config import Schedule, Settings

JOB_PREFIX = "source:"
DELIVERER_JOB = "alerts:deliver"
#: The deliverer has an executor of its own, so crawls waiting for a slot never delay alerts.
DELIVERER_EXECUTOR = "alerts"
RETENTION_JOB = "maintenance:retention"
RETENTION_EVERY_SECONDS = 86_400
RUN_CHECK_JOB = "maintenance:runs"
#: How often the daemon looks for runs whose outcome could not be recorded.
RUN_CHECK_EVERY_SECONDS = 15
MISFIRE_GRACE_SECONDS = 300
#: New sources first run within this many seconds (or their interval, when shorter).
FIRST_RUN_SPREAD_SECONDS = 60


def trigger_for(schedule: Schedule, start: datetime | None = None) -> BaseTrigger:
    """The APScheduler trigger of a source schedule (interval or cron, with jitter)."""
    jitter = schedule.jitter_seconds or None
    every = schedule.every_seconds
    if every is not None:
        return IntervalTrigger(seconds=every, jitter=jitter, start_date=start, timezone="UTC")
    assert schedule.cron is not None
    trigger = CronTrigger.from_crontab(schedule.cron, timezone="UTC")
    trigger.jitter = jitter
    return trigger


def period(schedule: Schedule, now: datetime | None = None) -> timedelta:
    """Time between two runs of a schedule: its interval, or the gap between a cron's next two
    fire times."""
    if schedule.every_seconds is not None:
        return timedelta(seconds=schedule.every_seconds)
    assert schedule.cron is not None
    trigger = CronTrigger.from_crontab(schedule.cron, timezone="UTC")
    first = trigger.get_next_fire_time(None, now or datetime.now(UTC))
    assert first is not None
    second = trigger.get_next_fire_time(first, first + timedelta(seconds=1))
    assert second is not None
    gap: timedelta = second - first
    return gap


def stagger(name: str, schedule: Schedule) -> timedelta:
    """Delay from now to the first run of a new source with an interval schedule: a fraction of
    its interval fixed by the source's name, within :data:`FIRST_RUN_SPREAD_SECONDS` at most.

    Each later run comes one interval after the one before (APScheduler counts from the last
    fire time), so the first run sets the source's phase: sources sharing an interval spread
    over it instead of all firing in the same second (and queueing for crawl slots) every
    time. Cron schedules fire when they say: no delay.
    """
    every = schedule.every_seconds
    if every is None:
        return timedelta(0)
    fraction = zlib.crc32(name.encode()) / 2**32
    return timedelta(seconds=min(every, FIRST_RUN_SPREAD_SECONDS) * fraction)


def same_schedule(current: BaseTrigger, wanted: BaseTrigger) -> bool:
    """Whether two triggers fire on the same schedule (their start dates aside)."""
    return (
        type(current) is type(wanted)
        and str(current) == str(wanted)
        and getattr(current, "jitter", None) == getattr(wanted, "jitter", None)
    )


def schedule_sources(
    scheduler: BaseScheduler,
    settings: Settings,
    run_source: Callable[[str], None],
    now: datetime | None = None,
) -> list[str]:
    """Bring the jobs in line with the enabled sources; return the names scheduled.

    A new source first runs within a minute (:func:`stagger`), then on its schedule; a source
    whose schedule changed is rescheduled (an interval one runs an interval and its stagger
    from now); an unchanged one keeps its next run (so a reload delays nothing); jobs of
    removed or disabled sources are removed.
    """
    now = now or datetime.now(UTC)
    wanted = {source.name: source for source in settings.sources if source.enabled}
    first_runs = {name: now + stagger(name, source.schedule) for name, source in wanted.items()}
    # Every trigger is built before any job changes: a schedule the scheduler refuses (the
    # configuration checks it first) leaves the jobs as they were.
    triggers = {
        name: trigger_for(source.schedule, start=first_runs[name])
        for name, source in wanted.items()
    }
    for job in scheduler.get_jobs():
        if job.id.startswith(JOB_PREFIX) and job.id[len(JOB_PREFIX) :] not in wanted:
            job.remove()
    for name, trigger in triggers.items():
        job_id = JOB_PREFIX + name
        job = scheduler.get_job(job_id)
        if job is not None and same_schedule(job.trigger, trigger):
            continue
        extra: dict[str, Any] = {}
        if job is None:
            extra["next_run_time"] = first_runs[name]
        elif isinstance(trigger, IntervalTrigger):
            trigger = trigger_for(wanted[name].schedule, start=first_runs[name] + trigger.interval)
        scheduler.add_job(
            run_source,
            trigger=trigger,
            args=[name],
            id=job_id,
            name=f"crawl {name}",
            replace_existing=True,
            max_instances=1,
            coalesce=True,
            misfire_grace_time=MISFIRE_GRACE_SECONDS,
            **extra,
        )
    return sorted(wanted)


def schedule_deliverer(
    scheduler: BaseScheduler, deliver: Callable[[], None], every_seconds: float = 1.0
) -> None:
    """Run the alert deliverer every ``every_seconds``, never twice at once, on the
    :data:`DELIVERER_EXECUTOR` executor."""
    _every(scheduler, deliver, every_seconds, DELIVERER_JOB, "deliver alerts", DELIVERER_EXECUTOR)


def schedule_retention(
    scheduler: BaseScheduler,
    apply: Callable[[], None],
    every_seconds: float = RETENTION_EVERY_SECONDS,
    now: datetime | None = None,
) -> None:
    """Run the retention pass now, then every ``every_seconds`` (a day), never twice at once."""
    _every(
        scheduler, apply, every_seconds, RETENTION_JOB, "retention", first=now or datetime.now(UTC)
    )


def schedule_run_check(
    scheduler: BaseScheduler,
    check: Callable[[], None],
    every_seconds: float = RUN_CHECK_EVERY_SECONDS,
) -> None:
    """Run ``check`` (closing runs whose outcome was never recorded) every ``every_seconds``,
    never twice at once, on the :data:`DELIVERER_EXECUTOR` executor: crawls waiting for a
    slot hold the default executor's threads."""
    _every(
        scheduler, check, every_seconds, RUN_CHECK_JOB, "close unrecorded runs", DELIVERER_EXECUTOR
    )


def _every(
    scheduler: BaseScheduler,
    func: Callable[[], None],
    every_seconds: float,
    job_id: str,
    name: str,
    executor: str = "default",
    first: datetime | None = None,
) -> None:
    # A daemon job run every ``every_seconds``, never twice at once, missed runs coalesced;
    # ``first`` runs it then (APScheduler's own first run is one interval away).
    timing: dict[str, Any] = {} if first is None else {"next_run_time": first}
    scheduler.add_job(
        func,
        trigger=IntervalTrigger(seconds=every_seconds, timezone="UTC"),
        executor=executor,
        id=job_id,
        name=name,
        replace_existing=True,
        max_instances=1,
        coalesce=True,
        misfire_grace_time=MISFIRE_GRACE_SECONDS,
        **timing,
    )
