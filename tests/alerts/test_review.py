"""Possible hits and the channels: held for review digests on ``possible_hits`` routes, digests
of those still waiting, and the alerts of a resolved one."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.apprise_channel import render_text
from alerts.digest import build_due_digests
from alerts.review import enqueue_possible_hit_alerts, resolve_and_alert
from alerts.routing import facts_of, route_matches
from alerts.slack_blocks import render_message
from crawler.core.config import RouteConfig
from db.models import Entity, OutboxMessage
from db.review import dismiss_possible_hit
from tests.alerts.support import (
    T0,
    assert_valid_blocks,
    settings_for,
    store_hits,
    store_possible_hit,
    webhook_channel,
)

SETTINGS = settings_for(
    "sqlite://",
    [
        webhook_channel("cert", "http://127.0.0.1:9/cert"),
        webhook_channel("ars-reunion", "http://127.0.0.1:9/ars", digest="hourly"),
        webhook_channel("ars-bretagne", "http://127.0.0.1:9/bzh"),
        webhook_channel("soc", "http://127.0.0.1:9/soc"),
    ],
    [
        {"channel": "cert"},
        {"channel": "cert", "possible_hits": True},
        {"channel": "ars-reunion", "regions": ["La Réunion"], "possible_hits": True},
        {"channel": "ars-bretagne", "regions": ["Bretagne"], "possible_hits": True},
        {"channel": "soc", "min_severity": "low"},
    ],
)


def _rows(session: Session) -> list[OutboxMessage]:
    return list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())


def test_possible_hits_are_held_for_the_routes_that_ask(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        possible = store_possible_hit(session)
        assert enqueue_possible_hit_alerts(session, SETTINGS, [possible], now=T0) == 2
        assert enqueue_possible_hit_alerts(session, SETTINGS, [possible], now=T0) == 0
        rows = _rows(session)
    # One candidate is in La Réunion: its regional route hears of it; Brittany's does not, and
    # a route without possible_hits (soc) never does.
    assert [(m.channel, m.kind, m.status) for m in rows] == [
        ("cert", "possible_hit", "held"),
        ("ars-reunion", "possible_hit", "held"),
    ]
    data = rows[0].payload["data"]
    assert rows[0].payload["type"] == "possible_hit.created" and data["severity"] == "review"
    assert data["matched"] == "CH de Saint-Denis" and data["reasons"] == ["health", "sale"]
    assert [c["department"] for c in data["candidates"]] == ["93", "974"]
    assert rows[0].idempotency_key == f"possible:{possible}:cert"


def test_a_review_digest_lists_what_still_waits(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        waiting = store_possible_hit(session)
        dismissed = store_possible_hit(session, external_id="10", now=T0 + timedelta(minutes=5))
        enqueue_possible_hit_alerts(session, SETTINGS, [waiting, dismissed], now=T0)
        dismiss_possible_hit(session, dismissed, "ana")
        # cert has no digest of its own: its review digest is daily; ars-reunion's is hourly.
        assert build_due_digests(session, SETTINGS, T0 + timedelta(hours=1)) == 1
        assert build_due_digests(session, SETTINGS, T0 + timedelta(days=1)) == 1
        assert build_due_digests(session, SETTINGS, T0 + timedelta(days=1)) == 0
        rows = _rows(session)
    digests = [m for m in rows if m.kind == "digest"]
    assert [m.channel for m in digests] == ["ars-reunion", "cert"]
    assert {m.status for m in rows if m.kind == "possible_hit"} == {"digested"}
    document = digests[1].payload
    assert document["type"] == "review.digest"
    data = document["data"]
    assert data["count"] == 1 and data["period"]["kind"] == "daily"
    [item] = data["possible_hits"]
    assert item["possible_hit_id"] == waiting and item["candidate_count"] == 2
    assert item["candidates"] == [
        "Centre hospitalier de Saint-Denis",
        "Centre hospitalier Félix Guyon",
    ]
    body = render_message(document)
    assert_valid_blocks(body)
    text = json.dumps(body, ensure_ascii=False)
    assert "1 possible hit(s) to review" in text and "CH de Saint-Denis" in text
    assert "<http://forum.example/thread/9|" in text
    title, plain = render_text(document)
    assert "1 possible hit(s)" in title and "Félix Guyon" in plain


def test_a_hostile_possible_hit_renders_inert(sessions: sessionmaker[Session]) -> None:
    hostile = "<!channel> CH de Saint-Denis <https://evil.example|clic> 06 12 34 56 78"
    with sessions.begin() as session:
        possible = store_possible_hit(session, title=hostile, url="javascript:alert(1)")
        enqueue_possible_hit_alerts(session, SETTINGS, [possible], now=T0)
        build_due_digests(session, SETTINGS, T0 + timedelta(days=1))
        documents = [m.payload for m in _rows(session) if m.kind == "digest"]
    for document in documents:
        body = render_message(document)
        assert_valid_blocks(body)
        text = json.dumps(body, ensure_ascii=False)
        assert "<!channel>" not in text and "<https://evil" not in text
        assert "javascript:" not in text
        assert "06 12 34 56 78" not in text and "[PHONE]" in text


def test_a_single_held_possible_hit_renders_valid_blocks(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        enqueue_possible_hit_alerts(session, SETTINGS, [store_possible_hit(session)], now=T0)
        document = _rows(session)[0].payload
    assert_valid_blocks(render_message(document))
    assert "possible hit" in render_text(document)[0]


def test_resolving_queues_the_new_hits_alerts(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        possible = store_possible_hit(session)
        reunion = session.execute(
            select(Entity.id).where(Entity.key == "finess:970408589")
        ).scalar_one()
        resolution = resolve_and_alert(session, SETTINGS, possible, reunion, "ana")
        alerts = [m for m in _rows(session) if m.kind == "alert"]
    assert resolution.new
    assert [(m.channel, m.status, m.hit_id) for m in alerts] == [
        ("cert", "pending", resolution.hit_id),
        ("soc", "pending", resolution.hit_id),
    ]
    data = alerts[0].payload["data"]
    assert alerts[0].payload["type"] == "alert.created"
    assert data["entity"]["name"] == "Centre hospitalier Félix Guyon"
    assert data["severity"] == "critical"  # a sale post with a record count about a hospital


def test_possible_hit_routes_and_hit_routes_stay_apart(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        store_hits(session)
        entity = session.execute(select(Entity)).scalar_one()
        hit_facts = facts_of("critical", entity, "forum")
        review_facts = facts_of("review", entity, "forum")
        both = RouteConfig(channel="cert", min_severity="critical")
        review = RouteConfig(channel="cert", possible_hits=True, min_severity="critical")
        assert route_matches(both, hit_facts) and not route_matches(both, review_facts)
        assert route_matches(review, review_facts) and not route_matches(review, hit_facts)


def test_a_route_has_one_purpose() -> None:
    with pytest.raises(ValidationError, match="operations or possible_hits"):
        RouteConfig(channel="c", operations=True, possible_hits=True)
