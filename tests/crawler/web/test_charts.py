"""Chart geometry (crawler/web/charts.py): stacked weekly bars, runs, axis maxima."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from crawler.web.charts import HEIGHT, MAX_BAR, nice_maximum, runs_chart, weekly_chart
from db.trends import RunPoint, WeekCount

W0 = date(2024, 11, 18)
W2 = date(2024, 12, 2)


@pytest.mark.parametrize(
    ("value", "top"), [(0, 1), (1, 1), (2, 2), (3, 5), (7, 10), (12, 20), (45, 50), (100, 100)]
)
def test_nice_maximum(value: int, top: int) -> None:
    assert nice_maximum(value) == top


def test_weekly_bars_stack_by_severity_and_keep_empty_weeks() -> None:
    counts = [WeekCount(W0, "low", 1), WeekCount(W0, "critical", 3), WeekCount(W2, "high", 2)]
    chart = weekly_chart(counts, "en")
    assert chart is not None
    assert [bar.css for bar in chart.bars] == ["sev-low", "sev-critical", "sev-high"]
    low, critical, high = chart.bars
    assert low.y + low.height == pytest.approx(chart.baseline)  # low sits on the axis
    assert critical.y + critical.height == pytest.approx(low.y)  # critical on top of it
    assert critical.height == pytest.approx(3 * low.height)
    assert high.height == pytest.approx(2 * low.height)
    slot = high.x - low.x
    assert slot == pytest.approx(2 * (chart.plot_right - chart.plot_left) / 3)  # 3 weeks wide
    assert chart.title == "6 hit(s) per week by severity, 2024-11-18 to 2024-12-08"
    assert critical.label == "Week of 2024-11-18: 3 critical"
    assert [tick.label for tick in chart.y_ticks] == ["0", "2", "5"]
    assert [tick.label for tick in chart.x_ticks] == ["Nov 2024", "Dec 2024"]
    assert all(0 <= bar.y <= HEIGHT and bar.width <= MAX_BAR for bar in chart.bars)


def test_weekly_chart_in_french() -> None:
    chart = weekly_chart([WeekCount(W0, "high", 1), WeekCount(W2, "low", 1)], "fr")
    assert chart is not None
    assert chart.bars[0].label == "Semaine du 18/11/2024 : 1 haute"
    assert chart.title.endswith("du 18/11/2024 au 08/12/2024")
    assert [label for _, label in chart.legend] == ["basse", "moyenne", "haute", "critique"]
    assert [tick.label for tick in chart.x_ticks] == ["nov. 2024", "déc. 2024"]


def test_nothing_to_draw() -> None:
    assert weekly_chart([], "en") is None
    assert runs_chart([], "en") is None


def test_runs_chart_has_a_bar_and_a_health_strip_per_run() -> None:
    at = datetime(2024, 11, 19, 8, 50, tzinfo=UTC)
    runs = [
        RunPoint(1, at, "ok", "ok", 10, 2, 0),
        RunPoint(2, at.replace(day=20), "failed", "down", 0, 0, 3),
    ]
    chart = runs_chart(runs, "en")
    assert chart is not None
    assert [bar.css for bar in chart.bars] == ["run-ok", "health-ok", "run-failed", "health-down"]
    assert chart.bars[0].height > chart.bars[2].height > 0  # a failed run still shows
    assert chart.bars[2].label.startswith("2024-11-20 08:50: failed, 0 item(s)")
    assert [tick.label for tick in chart.x_ticks] == ["2024-11-19", "2024-11-20"]
