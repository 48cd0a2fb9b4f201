"""Enqueueing: one message per hit × routed channel, never twice, follow-ups as updates."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.outbox import (
    StatusChange,
    enqueue_hit_alerts,
    enqueue_operations_alert,
    enqueue_status_alerts,
)
from crawler.core.records import Claims
from db.models import Hit, OutboxMessage
from tests.alerts.support import CLINIC, T0, settings_for, store_hits, webhook_channel

CHANNELS = [
    webhook_channel("cert", "http://127.0.0.1:9/cert"),
    webhook_channel("press", "http://127.0.0.1:9/press"),
    webhook_channel("quiet", "http://127.0.0.1:9/quiet"),
    webhook_channel("daily", "http://127.0.0.1:9/daily", digest="daily"),
]
ROUTES = [
    {"channel": "cert", "regions": ["Île-de-France"]},
    {"channel": "press", "min_severity": "critical", "source_kinds": ["forum", "telegram"]},
    {"channel": "daily"},
    {"channel": "quiet", "operations": True},
]


def _messages(session: Session) -> list[OutboxMessage]:
    return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_hits_are_routed_and_never_queued_twice(sessions: sessionmaker[Session]) -> None:
    settings = settings_for("sqlite://", CHANNELS, ROUTES)
    with sessions.begin() as session:
        # Two mentions of the clinic in one post are one hit: one alert per channel.
        hits = store_hits(session, spans=(("title", 15), ("body", 40)))
        assert len(hits) == 1
        assert enqueue_hit_alerts(session, settings, hits, now=T0) == 3
    with sessions.begin() as session:
        assert enqueue_hit_alerts(session, settings, hits, now=T0) == 0
        # A re-crawl of the same post stores no new hit, hence no alert.
        assert store_hits(session) == []
        messages = _messages(session)
    assert [(m.channel, m.status) for m in messages] == [
        ("cert", "pending"),
        ("press", "pending"),
        ("daily", "held"),
    ]
    first = messages[0]
    assert first.idempotency_key == f"hit:{first.hit_id}:cert"
    assert first.payload["type"] == "alert.created" and first.payload["version"] == 1
    assert first.payload["data"]["update"] is None
    mentions = first.payload["data"]["mentions"]
    assert [(m["field"], m["start"], m["matched"]) for m in mentions] == [
        ("title", 15, "HP Thiais"),
        ("body", 40, "HP Thiais"),
    ]
    assert first.incident_id is not None


def test_repost_on_another_source_is_an_update(sessions: sessionmaker[Session]) -> None:
    settings = settings_for("sqlite://", CHANNELS, ROUTES)
    with sessions.begin() as session:
        enqueue_hit_alerts(session, settings, store_hits(session), now=T0)
    later = T0 + timedelta(hours=3)
    with sessions.begin() as session:
        hits = store_hits(
            session, source="tg-leaks", kind="telegram", external_id="chan/9", now=later
        )
        assert enqueue_hit_alerts(session, settings, hits, now=later) == 3
        updates = [m for m in _messages(session) if m.created_at == later]
    assert {m.payload["type"] for m in updates} == {"alert.updated"}
    assert updates[0].payload["data"]["update"] == {"reason": "repost", "escalated": False}
    assert updates[0].payload["data"]["source"] == {"name": "tg-leaks", "kind": "telegram"}
    assert updates[0].payload["data"]["incident"]["hit_count"] == 2


def test_chatter_then_sale_is_an_escalated_update(sessions: sessionmaker[Session]) -> None:
    settings = settings_for("sqlite://", CHANNELS[:1], ROUTES[:1])
    with sessions.begin() as session:
        chatter = store_hits(session, sale_score=0.0, claim=Claims(), external_id="c1")
        enqueue_hit_alerts(session, settings, chatter, now=T0)
    with sessions.begin() as session:
        sale = store_hits(session, external_id="s1", now=T0 + timedelta(hours=1))
        enqueue_hit_alerts(session, settings, sale, now=T0 + timedelta(hours=1))
        first, second = _messages(session)
    assert first.payload["data"]["severity"] == "medium"
    assert second.payload["data"]["severity"] == "critical"
    assert second.payload["data"]["update"] == {"reason": "repost", "escalated": True}


def test_an_edited_post_naming_the_entity_again_alerts_no_more(
    sessions: sessionmaker[Session],
) -> None:
    settings = settings_for("sqlite://", CHANNELS[:1], ROUTES[:1])
    with sessions.begin() as session:
        enqueue_hit_alerts(session, settings, store_hits(session), now=T0)
    with sessions.begin() as session:
        claim = Claims(records=1_200_000, data_types=["nir"], price=3.0, currency="BTC")
        spans = (("title", 15), ("body", 20), ("body", 80))
        edited = store_hits(session, content_hash="h2", claim=claim, spans=spans)
        assert edited == []
        assert enqueue_hit_alerts(session, settings, edited, now=T0) == 0
        (message,) = _messages(session)
        hit = session.get(Hit, message.hit_id)
        assert hit is not None and len(hit.mentions) == 3


def test_a_channel_first_told_by_the_follow_up_gets_a_new_alarm(
    sessions: sessionmaker[Session],
) -> None:
    settings = settings_for("sqlite://", CHANNELS[1:2], ROUTES[1:2])
    with sessions.begin() as session:
        chatter = store_hits(session, sale_score=0.0, claim=Claims(), external_id="c1")
        assert enqueue_hit_alerts(session, settings, chatter, now=T0) == 0
        sale = store_hits(session, external_id="s1", now=T0 + timedelta(minutes=5))
        assert enqueue_hit_alerts(session, settings, sale, now=T0) == 1
        (message,) = _messages(session)
    assert message.payload["type"] == "alert.created"


def test_no_routes_no_messages(sessions: sessionmaker[Session]) -> None:
    settings = settings_for("sqlite://", CHANNELS, [])
    with sessions.begin() as session:
        assert enqueue_hit_alerts(session, settings, store_hits(session), now=T0) == 0


def test_operations_alert_goes_to_operations_routes_only(sessions: sessionmaker[Session]) -> None:
    settings = settings_for("sqlite://", CHANNELS, ROUTES)
    with sessions.begin() as session:
        count = enqueue_operations_alert(
            session, settings, "forum-a", "ok", "down", "3 failures: HTTP 503", now=T0
        )
        assert count == 1
        (message,) = _messages(session)
    assert message.channel == "quiet" and message.kind == "operations"
    assert message.status == "pending"
    assert message.payload["type"] == "source.health_changed"
    assert message.payload["data"]["new_health"] == "down"


def test_entity_facts_reach_the_document(sessions: sessionmaker[Session]) -> None:
    settings = settings_for("sqlite://", CHANNELS[:1], ROUTES[:1])
    with sessions.begin() as session:
        enqueue_hit_alerts(session, settings, store_hits(session), now=T0)
        (message,) = _messages(session)
    data = message.payload["data"]
    assert data["entity"]["name"] == CLINIC.name
    assert data["entity"]["finess_et"] == "940000573"
    assert data["entity"]["region"] == "Île-de-France"
    assert data["claims"]["records"] == 758912 and data["claims"]["currency"] == "BTC"
    assert data["post"]["first_seen"] == "2026-03-02T09:00:00Z"
    assert data["sale_score"] == 0.9


def test_a_changed_leak_site_status_follows_up_each_hit_once(
    sessions: sessionmaker[Session],
) -> None:
    settings = settings_for("sqlite://", CHANNELS[:1], ROUTES[:1])
    with sessions.begin() as session:
        hits = store_hits(
            session, source="play", kind="leaksite", external_id="play:/t?id=1",
            spans=(("title", 0), ("body", 30)), extra={"status": "countdown"},
        )  # fmt: skip
        enqueue_hit_alerts(session, settings, hits, now=T0)
        post_id = session.get(Hit, hits[0]).post_id  # type: ignore[union-attr]
        change = StatusChange(post_id, "countdown", "published")
        assert enqueue_status_alerts(session, settings, [change], now=T0) == 1
        assert enqueue_status_alerts(session, settings, [change], now=T0) == 0  # same change
        update = _messages(session)[-1]
    assert update.payload["type"] == "alert.updated"
    assert update.payload["data"]["update"] == {
        "reason": "status_changed",
        "escalated": False,
        "status": "published",
        "previous_status": "countdown",
    }
    assert update.idempotency_key == f"status:{update.hit_id}:countdown>published:cert"
    with sessions.begin() as session:
        for hit_id in hits:
            mark = session.get(Hit, hit_id)
            assert mark is not None
            mark.triage_status = "false_positive"
        later = StatusChange(post_id, "published", "sold")
        assert enqueue_status_alerts(session, settings, [later], now=T0) == 0
