"""Job registration: new sources spread their runs over their interval; a reload keeps
unchanged jobs, reschedules changed ones and drops removed ones."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from crawler.core.config import Schedule, Settings
from crawler.runtime.scheduling import (
    JOB_PREFIX,
    RETENTION_JOB,
    period,
    schedule_retention,
    schedule_sources,
    stagger,
)

MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def _settings(**schedules: dict[str, str]) -> Settings:
    sources: list[Any] = [
        {
            "name": name,
            "kind": "forum",
            "engine": "mybb",
            "start_urls": ["http://127.0.0.1:1/forumdisplay.php?fid=2"],
            "schedule": schedule,
        }
        for name, schedule in schedules.items()
    ]
    return Settings(database_url="sqlite:///unused.db", sources=sources)


@pytest.fixture
def scheduler() -> Iterator[BackgroundScheduler]:
    scheduler = BackgroundScheduler(timezone=UTC)
    scheduler.start(paused=True)  # jobs get their next run time; none runs
    try:
        yield scheduler
    finally:
        scheduler.shutdown(wait=False)


def _next_runs(scheduler: BackgroundScheduler) -> dict[str, datetime]:
    return {job.id[len(JOB_PREFIX) :]: job.next_run_time for job in scheduler.get_jobs()}


def test_new_sources_spread_their_runs_over_their_interval(
    scheduler: BackgroundScheduler,
) -> None:
    now = datetime.now(UTC)
    names = [f"source-{number}" for number in range(20)]
    settings = _settings(**{name: {"every": "1m"} for name in names})
    assert schedule_sources(scheduler, settings, print, now) == sorted(names)
    first_runs = _next_runs(scheduler)
    offsets = sorted((when - now).total_seconds() for when in first_runs.values())
    assert offsets[0] >= 0 and offsets[-1] < 60
    assert offsets[-1] - offsets[0] > 30  # spread, not all in the same second
    for name, first in first_runs.items():
        # What APScheduler asks once the first run has fired: the phase is kept.
        trigger = scheduler.get_job(JOB_PREFIX + name).trigger
        assert trigger.get_next_fire_time(first, first) == first + timedelta(minutes=1)
    assert stagger("source-1", Schedule(every="1m")) == stagger("source-1", Schedule(every="1m"))
    assert stagger("source-1", Schedule(every="1d")) < timedelta(minutes=1)
    assert stagger("source-1", Schedule(cron="*/5 * * * *")) == timedelta(0)


def test_a_reload_keeps_unchanged_jobs_and_replaces_the_rest(
    scheduler: BackgroundScheduler,
) -> None:
    now = datetime.now(UTC)
    first = _settings(kept={"every": "1h"}, changed={"every": "1h"}, removed={"every": "1h"})
    schedule_sources(scheduler, first, print, now)
    later = now + timedelta(minutes=20)
    second = _settings(kept={"every": "1h"}, changed={"every": "30m"}, added={"every": "1h"})
    assert schedule_sources(scheduler, second, print, later) == ["added", "changed", "kept"]
    runs = _next_runs(scheduler)
    assert set(runs) == {"kept", "changed", "added"}
    assert runs["kept"] < later  # not postponed by the reload
    assert later <= runs["added"] < later + timedelta(minutes=1)
    assert later + timedelta(minutes=30) <= runs["changed"] < later + timedelta(minutes=31)


def test_period_of_interval_and_cron_schedules() -> None:
    assert period(Schedule(every="90s")) == timedelta(seconds=90)
    assert period(Schedule(cron="*/5 * * * *"), MONDAY) == timedelta(minutes=5)
    assert period(Schedule(cron="0 8 * * 1-5"), MONDAY) == timedelta(days=1)


def test_retention_runs_at_once_then_daily_never_twice_at_once(
    scheduler: BackgroundScheduler,
) -> None:
    schedule_retention(scheduler, lambda: None, now=MONDAY)
    job = scheduler.get_job(RETENTION_JOB)
    assert job.next_run_time == MONDAY
    assert job.trigger.get_next_fire_time(MONDAY, MONDAY) - MONDAY == timedelta(days=1)
    assert (job.max_instances, job.coalesce) == (1, True)
