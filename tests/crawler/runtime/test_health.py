"""Run outcome and source health rules."""

from __future__ import annotations

from datetime import timedelta

import pytest

from crawler.runtime.health import run_outcome, source_health
from db.runs import backoff_delay
from spiders.base import HealthReport


@pytest.mark.parametrize(
    ("reason", "report", "pages", "errors", "expected"),
    [
        ("finished", None, 3, 0, ("ok", "ok")),
        ("finished", None, 3, 2, ("ok", "degraded")),
        ("finished", None, 0, 1, ("failed", "down")),
        ("closespider_pagecount", None, 50, 0, ("partial", "ok")),
        ("finished", HealthReport("parser_broken", "0 threads"), 1, 0, ("failed", "parser_broken")),
        ("finished", HealthReport("challenge", "Cloudflare"), 1, 0, ("failed", "challenge")),
        ("shutdown", None, 2, 0, ("interrupted", "ok")),
    ],
)
def test_run_outcome(reason, report, pages, errors, expected) -> None:  # type: ignore[no-untyped-def]
    outcome = run_outcome(reason, report, pages, errors, items=pages)
    assert (outcome.status, outcome.health) == expected


@pytest.mark.parametrize(
    ("statuses", "last_health", "expected"),
    [
        ([], None, "unknown"),
        (["ok", "ok", "ok"], "ok", "ok"),
        (["ok", "ok", "failed"], "down", "degraded"),
        (["ok", "failed", "ok"], "ok", "degraded"),
        (["failed", "timeout", "failed"], "down", "down"),
        (["failed"], "down", "down"),
        (["ok", "ok", "ok", "ok", "ok", "ok"], "ok", "ok"),
        (["ok", "failed"], "parser_broken", "parser_broken"),
        (["ok"], "no_preview", "no_preview"),
    ],
)
def test_source_health(statuses: list[str], last_health: str | None, expected: str) -> None:
    assert source_health(statuses, last_health) == expected


def test_backoff_grows_and_is_capped() -> None:
    assert backoff_delay(2, 60) == timedelta(0)
    assert backoff_delay(3, 60) == timedelta(seconds=60)
    assert backoff_delay(5, 60) == timedelta(seconds=240)
    assert backoff_delay(30, 60) == timedelta(hours=1)
