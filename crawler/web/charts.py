"""Charts drawn on the server as inline SVG: no script, no library, no outside request.

This module only computes geometry (bars, ticks, a legend) from counts; ``_charts.html`` writes
the SVG, escaped like every template. Two charts: hits per week stacked by severity (hit list,
entity and actor pages) and a source's runs one by one, coloured by status, with the health
each run left as a strip under them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from crawler.web.i18n import day_label, month_label, translate
from db.hits import SEVERITIES
from db.trends import RunPoint, WeekCount

WIDTH, HEIGHT = 760, 220
LEFT, RIGHT, TOP, BOTTOM = 44, 8, 10, 34
STRIP = 8
#: Widest bar: a chart of one or two weeks keeps slim bars in the middle of their slot.
MAX_BAR = 28


@dataclass(frozen=True)
class Bar:
    """One rectangle: position, size, CSS class (its colour) and its tooltip."""

    x: float
    y: float
    width: float
    height: float
    css: str
    label: str


@dataclass(frozen=True)
class Tick:
    """An axis label at ``at`` (x for the time axis, y for the count axis)."""

    at: float
    label: str


@dataclass(frozen=True)
class Chart:
    """What ``_charts.html`` draws: the bars, both axes' ticks, a legend and a title that
    says in words what the picture shows (for screen readers and as the figure's caption)."""

    title: str
    width: int
    height: int
    plot_left: int
    plot_right: int
    baseline: float
    bars: list[Bar]
    x_ticks: list[Tick]
    y_ticks: list[Tick]
    legend: list[tuple[str, str]]


def weekly_chart(counts: Sequence[WeekCount], language: str) -> Chart | None:
    """Hits per week stacked by severity (low at the bottom), weeks without a hit included;
    None when there is nothing to draw."""
    if not counts:
        return None
    first, last = counts[0].week, counts[-1].week
    weeks = [first + timedelta(weeks=n) for n in range((last - first).days // 7 + 1)]
    by_week: dict[date, dict[str, int]] = {week: {} for week in weeks}
    for count in counts:
        by_week[count.week][count.severity] = count.count
    top = nice_maximum(max(sum(values.values()) for values in by_week.values()))
    slot = (WIDTH - LEFT - RIGHT) / len(weeks)
    width = min(slot * 0.8, MAX_BAR)
    scale = (HEIGHT - TOP - BOTTOM) / top
    baseline = HEIGHT - BOTTOM
    bars = []
    for index, week in enumerate(weeks):
        x = LEFT + index * slot + (slot - width) / 2
        y = float(baseline)
        for severity in SEVERITIES:
            value = by_week[week].get(severity, 0)
            if not value:
                continue
            height = value * scale
            y -= height
            label = translate(
                language,
                "chart.week_bar",
                week=day_label(week, language),
                count=value,
                severity=translate(language, f"severity.{severity}"),
            )
            bars.append(Bar(x, y, width, height, f"sev-{severity}", label))
    total = sum(count.count for count in counts)
    title = translate(
        language,
        "chart.weekly_title",
        total=total,
        first=day_label(first, language),
        last=day_label(last + timedelta(days=6), language),
    )
    legend = [
        (f"sev-{severity}", translate(language, f"severity.{severity}")) for severity in SEVERITIES
    ]
    x_ticks = _month_ticks(weeks, slot, (slot - width) / 2, language)
    return Chart(
        title,
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        baseline,
        bars,
        x_ticks,
        _y_ticks(top, scale),
        legend,
    )


def runs_chart(runs: Sequence[RunPoint], language: str) -> Chart | None:
    """A source's runs, oldest first: a bar per run as tall as the items it read, coloured by
    its status, over a strip coloured by the health it left; None without runs."""
    if not runs:
        return None
    top = nice_maximum(max(run.items for run in runs))
    slot = (WIDTH - LEFT - RIGHT) / len(runs)
    width = min(slot * 0.8, MAX_BAR)
    baseline = HEIGHT - BOTTOM - STRIP - 2
    scale = (baseline - TOP) / top
    bars = []
    for index, run in enumerate(runs):
        x = LEFT + index * slot + (slot - width) / 2
        label = translate(
            language,
            "chart.run_bar",
            when=day_label(run.started_at.date(), language) + run.started_at.strftime(" %H:%M"),
            status=run.status,
            items=run.items,
            hits=run.hits,
            errors=run.errors,
            health=run.health or "unknown",
        )
        height = max(run.items * scale, 1.0)
        bars.append(Bar(x, baseline - height, width, height, f"run-{run.status}", label))
        bars.append(Bar(x, baseline + 2, width, STRIP, f"health-{run.health or 'unknown'}", label))
    first, last = runs[0].started_at.date(), runs[-1].started_at.date()
    title = translate(
        language,
        "chart.runs_title",
        count=len(runs),
        first=day_label(first, language),
        last=day_label(last, language),
    )
    x_ticks = [
        Tick(LEFT, day_label(first, language)),
        Tick(WIDTH - RIGHT, day_label(last, language)),
    ]
    legend = [
        (f"run-{status}", translate(language, f"run.{status}"))
        for status in ("ok", "partial", "failed")
    ] + [("health-down", translate(language, "chart.health_strip"))]
    return Chart(
        title,
        WIDTH,
        HEIGHT,
        LEFT,
        WIDTH - RIGHT,
        baseline,
        bars,
        x_ticks,
        _y_ticks(top, scale, baseline),
        legend,
    )


def nice_maximum(value: int) -> int:
    """The smallest 1, 2 or 5 × 10ⁿ at least ``value`` (at least 1): the top of a count axis."""
    if value <= 1:
        return 1
    power: int = 10 ** int(math.floor(math.log10(value)))
    for step in (1, 2, 5, 10):
        if value <= step * power:
            return step * power
    return 10 * power


def _y_ticks(top: int, scale: float, baseline: float = HEIGHT - BOTTOM) -> list[Tick]:
    values = sorted({0, top // 2 if top >= 2 else 0, top})
    return [Tick(baseline - value * scale, f"{value:,}".replace(",", "\u202f")) for value in values]


def _month_ticks(weeks: list[date], slot: float, inset: float, language: str) -> list[Tick]:
    """A label under the first week of each month, skipped when too close to the previous."""
    ticks: list[Tick] = []
    previous_month = None
    for index, week in enumerate(weeks):
        month = (week.year, week.month)
        if month == previous_month:
            continue
        previous_month = month
        x = LEFT + index * slot + inset
        if ticks and x - ticks[-1].at < 56:
            continue
        ticks.append(Tick(x, month_label(week, language)))
    return ticks
