"""Which posts may alert: the age cutoff of a source's ``alert_max_age_days``."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from crawler.runtime.pipelines import alert_cutoff, is_older

NOW = datetime(2026, 12, 7, 12, tzinfo=UTC)


def test_posts_older_than_the_cutoff_are_quiet_and_undated_ones_alert() -> None:
    cutoff = alert_cutoff(7, NOW)
    assert cutoff == NOW - timedelta(days=7)
    assert is_older(NOW - timedelta(days=8), cutoff)
    assert not is_older(NOW - timedelta(days=6), cutoff)
    assert not is_older(None, cutoff)  # undated: it may be new
    assert is_older(datetime(2020, 1, 1), cutoff)  # naive times are UTC
    assert alert_cutoff(None, NOW) is None and not is_older(datetime(2000, 1, 1), None)
