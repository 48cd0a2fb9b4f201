"""Digest mode: held alerts become one summary per ended period."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.digest import build_due_digests, period_start
from alerts.outbox import enqueue_hit_alerts, enqueue_operations_alert
from alerts.slack_blocks import render_message
from db.models import OutboxMessage
from tests.alerts.support import T0, settings_for, store_hits, webhook_channel

SETTINGS = settings_for(
    "sqlite://",
    [webhook_channel("hourly", "http://127.0.0.1:9/h", digest="hourly")],
    [{"channel": "hourly"}, {"channel": "hourly", "operations": True}],
)


def _rows(session: Session) -> list[OutboxMessage]:
    return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_period_boundaries_are_utc_hours_and_days() -> None:
    at = T0 + timedelta(minutes=42, seconds=7)
    assert period_start("hourly", at) == T0
    assert period_start("daily", at) == T0.replace(hour=0)


def test_held_alerts_are_summarised_once_the_hour_is_over(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        for n in range(3):
            hits = store_hits(session, external_id=f"p{n}", now=T0 + timedelta(minutes=10 * n))
            enqueue_hit_alerts(session, SETTINGS, hits, now=T0 + timedelta(minutes=10 * n))
        enqueue_operations_alert(session, SETTINGS, "forum-a", "ok", "down", None, now=T0)
        assert [m.status for m in _rows(session)] == ["held", "held", "held", "pending"]
        assert build_due_digests(session, SETTINGS, T0 + timedelta(minutes=59)) == 0
    with sessions.begin() as session:
        assert build_due_digests(session, SETTINGS, T0 + timedelta(hours=1)) == 1
        assert build_due_digests(session, SETTINGS, T0 + timedelta(hours=1)) == 0
        rows = _rows(session)
    assert [m.status for m in rows] == ["digested"] * 3 + ["pending", "pending"]
    digest = rows[-1]
    assert digest.kind == "digest" and digest.payload["type"] == "digest"
    data = digest.payload["data"]
    assert data["count"] == 3 and data["by_severity"]["critical"] == 3
    assert data["period"] == {
        "kind": "hourly",
        "start": "2026-03-02T09:00:00Z",
        "end": "2026-03-02T10:00:00Z",
    }
    assert [item["update"] for item in data["alerts"]] == [False, True, True]
    blocks = render_message(digest.payload)["blocks"]
    assert "3 alert(s)" in blocks[0]["text"]["text"]
    assert "Hôpital privé de Thiais" in blocks[2]["text"]["text"]
