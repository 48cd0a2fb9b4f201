"""The versioned document: envelope, redaction of everything crawled, JSON-safe values."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.outbox import enqueue_hit_alerts
from alerts.payload import EVENT_TYPES, SCHEMA_VERSION, envelope, iso
from crawler.core.records import Claims
from db.models import OutboxMessage
from tests.alerts.support import T0, settings_for, store_hits, webhook_channel

NIR = "2 84 12 76 451 089 93"


def test_envelope_has_version_type_and_utc_timestamp() -> None:
    document = envelope("test", {"x": 1}, T0)
    assert document == {
        "version": SCHEMA_VERSION,
        "type": "test",
        "timestamp": "2026-03-02T09:00:00Z",
        "data": {"x": 1},
    }
    assert set(EVENT_TYPES) >= {"alert.created", "alert.updated", "source.health_changed"}
    with pytest.raises(ValueError):
        envelope("alert.deleted", {}, T0)
    assert iso(None) is None


def test_crawled_text_is_redacted_before_it_is_queued(sessions: sessionmaker[Session]) -> None:
    settings = settings_for(
        "sqlite://", [webhook_channel("c", "http://127.0.0.1:9/")], [{"channel": "c"}]
    )
    with sessions.begin() as session:
        hits = store_hits(
            session,
            title="HP Thiais patient 1 85 05 78 006 084 91",
            excerpt=f"exemple: {NIR}, jean.dupont@example.fr, +33 6 12 34 56 78, "
            "FR76 3000 6000 0112 3456 7890 189",
        )
        enqueue_hit_alerts(session, settings, hits, now=T0)
        payload = session.execute(select(OutboxMessage.payload)).scalar_one()
    text = json.dumps(payload, ensure_ascii=False)
    for personal in ("006 084 91", "451 089", "jean.dupont", "12 34 56 78", "3000 6000"):
        assert personal not in text
    assert "[NIR]" in payload["data"]["excerpt"] and "[NIR]" in payload["data"]["post"]["title"]


def test_a_ransomware_listing_says_who_listed_the_victim_and_when(
    sessions: sessionmaker[Session],
) -> None:
    settings = settings_for(
        "sqlite://", [webhook_channel("c", "http://127.0.0.1:9/")], [{"channel": "c"}]
    )
    with sessions.begin() as session:
        listed = store_hits(session, kind="feed", source="rw", title="Hôpital privé de Thiais",
                            author="nightveil", sale_score=0.0, claim=Claims(),
                            extra={"group_name": "nightveil"})  # fmt: skip
        sale = store_hits(session, external_id="2", content_hash="h2")
        enqueue_hit_alerts(session, settings, [*listed, *sale], now=T0)
        payloads = list(session.execute(select(OutboxMessage.payload)).scalars())
    feed, forum = sorted(payloads, key=lambda payload: payload["data"]["hit_id"])
    assert feed["data"]["severity"] == "critical"
    assert feed["data"]["listing"] == {
        "group": "nightveil",
        "listed_at": "2026-03-02T09:00:00Z",
        "reason": "listed by nightveil on 2026-03-02",
    }
    assert forum["data"]["listing"] is None  # a field every alert has
    assert forum["data"]["group"] is None


def test_the_group_is_a_field_of_the_post_not_its_author(sessions: sessionmaker[Session]) -> None:
    settings = settings_for(
        "sqlite://", [webhook_channel("c", "http://127.0.0.1:9/")], [{"channel": "c"}]
    )
    with sessions.begin() as session:
        hits = store_hits(session, kind="leaksite", source="ls", title="Hôpital privé de Thiais",
                          author=None, group_name="nightveil", sale_score=0.0,
                          claim=Claims())  # fmt: skip
        enqueue_hit_alerts(session, settings, hits, now=T0)
        data = session.execute(select(OutboxMessage.payload)).scalar_one()["data"]
    assert data["group"] == "nightveil" and data["post"]["author"] is None
    assert data["listing"]["reason"] == "listed by nightveil on 2026-03-02"
    assert data["severity"] == "critical"
