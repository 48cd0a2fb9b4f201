"""How a crawl ended, and what that says about the source's health (pure functions)."""

from __future__ import annotations

from dataclasses import dataclass

from spiders.base import HealthReport

#: Scrapy close reasons that mean the crawl hit one of our caps rather than finishing.
CAPPED_REASONS = ("closespider_pagecount", "closespider_timeout", "closespider_itemcount")


@dataclass(frozen=True)
class RunOutcome:
    """A run's final ``status`` (ok, partial, failed, interrupted) and the source's ``health``."""

    status: str
    health: str
    detail: str | None


def run_outcome(
    reason: str, report: HealthReport | None, pages: int, errors: int, items: int
) -> RunOutcome:
    """Decide a run's status and the source's health from what the crawl saw.

    A spider's own report (parser_broken, auth_required, challenge, no_preview) wins. A run
    that fetched no page at all is ``down``; errors next to good pages are ``degraded``.
    """
    if report is not None and report.status != "ok":
        return RunOutcome("failed", report.status, report.detail)
    if reason == "shutdown":
        return RunOutcome("interrupted", "ok" if pages else "degraded", "stopped before the end")
    if pages == 0:
        return RunOutcome("failed", "down", f"no page could be fetched ({errors} error(s))")
    status = "partial" if reason in CAPPED_REASONS else "ok"
    if errors:
        return RunOutcome(status, "degraded", f"{errors} error(s) during the crawl")
    return RunOutcome(status, "ok", None if status == "ok" else f"stopped by cap: {reason}")


#: Health states a spider reports itself; they stand until a run proves otherwise.
SPIDER_STATES = ("parser_broken", "auth_required", "challenge", "no_preview")
FAILED_STATUSES = ("failed", "timeout", "abandoned")


def is_fetch_failure(status: str, health: str | None) -> bool:
    """Whether a run failed for want of the site (unreachable, too slow, killed), rather than
    for a state its spider reported (``parser_broken``…), which tells nothing of the fetching."""
    return status in FAILED_STATUSES and health not in SPIDER_STATES


def alert_due(old: str, new: str) -> bool:
    """Whether a health change deserves an operations alert: every change but a new source's
    first good run (``unknown`` → ``ok``), which would only add one alert per source."""
    return new != old and not (old == "unknown" and new == "ok")


def source_health(recent_statuses: list[str], last_health: str | None) -> str:
    """A source's health from its recent runs (newest last) and the newest run's health.

    Three failures in a row make it ``down``; a failure among the last five runs, or a
    degraded newest run, makes it ``degraded``; a spider-reported state wins over both.
    """
    if last_health in SPIDER_STATES:
        return last_health
    if not recent_statuses:
        return "unknown"
    if len(recent_statuses) >= 3 and all(s in FAILED_STATUSES for s in recent_statuses[-3:]):
        return "down"
    if last_health == "down":
        return "degraded" if len(recent_statuses) > 1 else "down"
    if last_health == "degraded" or any(s in FAILED_STATUSES for s in recent_statuses[-5:]):
        return "degraded"
    return "ok"
