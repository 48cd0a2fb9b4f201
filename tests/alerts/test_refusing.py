"""A receiver that refuses us (401, 403, 404, 410) dead-letters every alert: the operations
channels are told once per change of state, through loopback receivers."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from slack_sdk.models.blocks import Block
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from alerts.apprise_channel import render_text
from alerts.channels import build_senders
from alerts.deliverer import deliver_due
from alerts.slack_blocks import render_message
from alerts.transport import http_client
from crawler.demo.webhook_sink import ReceivedRequest, SinkResponse, WebhookSink
from db.models import OutboxMessage
from db.outbox import requeue
from tests.alerts.support import SECRET, T0, FakeClock, queue_test_messages, settings_for
from tests.alerts.support import webhook_channel as channel


@pytest.fixture
def client() -> Iterator[Any]:
    with http_client() as http:
        yield http


def _refusals(sink: WebhookSink) -> list[dict[str, Any]]:
    """The ``channel.refusing`` documents the operations receiver got, signatures checked."""
    documents = []
    for request in sink.requests:
        if request.path != "/ops":
            continue
        document = Webhook(SECRET).verify(request.body, request.headers)
        if document["type"] == "channel.refusing":
            documents.append(document)
    return documents


def _dead(sessions: sessionmaker[Session], name: str) -> int:
    with sessions.begin() as session:
        rows = session.execute(
            select(OutboxMessage).where(
                OutboxMessage.channel == name, OutboxMessage.status == "dead"
            )
        )
        return len(rows.scalars().all())


def test_a_refusing_receiver_is_reported_once_per_change_of_state(
    sessions: sessionmaker[Session], client: Any
) -> None:
    clock = FakeClock()
    cert_answers = [SinkResponse(401, b"invalid token")]

    def responder(request: ReceivedRequest) -> SinkResponse:
        if request.path == "/cert":
            return cert_answers[0]
        return SinkResponse(204)

    with WebhookSink(responder, clock=clock.now) as sink:
        settings = settings_for(
            "sqlite://",
            [channel("cert", f"{sink.url}/cert"), channel("ops", f"{sink.url}/ops")],
            # cert is an operations channel too: it is not told about itself.
            [{"channel": "ops", "operations": True}, {"channel": "cert", "operations": True}],
        )
        senders = build_senders(settings, client)

        def deliver() -> None:
            for _ in range(3):
                deliver_due(sessions, settings, senders, clock=clock)
                clock.advance(1)

        queue_test_messages(sessions, "cert", 3, T0)
        deliver()
        assert _dead(sessions, "cert") == 3
        [told] = _refusals(sink)
        assert told["data"]["channel"] == "cert"
        assert told["data"]["status"] == 401
        assert "HTTP 401: invalid token" in told["data"]["error"]
        assert "`leakwatch alerts retry --channel cert`" in told["data"]["message"]
        assert sink.url not in str(told)  # no URL (nor secret) in what is sent
        # Still refusing: more alerts dead-lettered, nobody told again.
        with sessions.begin() as session:
            requeue(session, clock.now(), channel="cert")
        deliver()
        assert _dead(sessions, "cert") == 3
        assert len(_refusals(sink)) == 1
        # Fixed and retried: delivered. Refusing again later (404): told again.
        cert_answers[0] = SinkResponse(204)
        with sessions.begin() as session:
            requeue(session, clock.now(), channel="cert")
        deliver()
        assert _dead(sessions, "cert") == 0
        cert_answers[0] = SinkResponse(404, b"no such hook")
        with sessions.begin() as session:
            for n in range(2):
                session.add(_test_message("cert", f"later:{n}", clock.now()))
        deliver()
        refusals = _refusals(sink)
        assert [r["data"]["status"] for r in refusals] == [401, 404]
        assert not [r for r in sink.requests if r.path == "/cert" and b"refusing" in r.body]


def test_a_rejected_message_alone_is_not_a_refusing_channel(
    sessions: sessionmaker[Session], client: Any
) -> None:
    """400 means this message is wrong, not that the channel refuses us: nobody is told."""
    clock = FakeClock()

    def responder(request: ReceivedRequest) -> SinkResponse:
        return SinkResponse(400, b"bad payload") if request.path == "/cert" else SinkResponse(204)

    with WebhookSink(responder, clock=clock.now) as sink:
        settings = settings_for(
            "sqlite://",
            [channel("cert", f"{sink.url}/cert"), channel("ops", f"{sink.url}/ops")],
            [{"channel": "ops", "operations": True}],
        )
        senders = build_senders(settings, client)
        queue_test_messages(sessions, "cert", 2, T0)
        for _ in range(3):
            deliver_due(sessions, settings, senders, clock=clock)
            clock.advance(1)
    assert _dead(sessions, "cert") == 2
    assert _refusals(sink) == []


def test_the_refusing_document_renders_for_slack_and_apprise() -> None:
    document = {
        "version": 1,
        "type": "channel.refusing",
        "timestamp": "2026-03-02T09:00:00Z",
        "data": {
            "channel": "cert*bold*",
            "status": 403,
            "error": "HTTP 403: <forbidden> & co",
            "message": "channel cert*bold* refuses alerts (HTTP 403): …",
        },
    }
    body = render_message(document)
    for block in Block.parse_all(body["blocks"]):
        block.validate_json()
    assert "&lt;forbidden&gt; &amp; co" in str(body["blocks"])
    title, text = render_text(document)
    assert title == "leakwatch: channel cert*bold* refuses alerts (HTTP 403)"
    assert "HTTP 403: <forbidden> & co" in text


def _test_message(name: str, key: str, at: Any) -> OutboxMessage:
    return OutboxMessage(
        channel=name,
        kind="test",
        payload={"version": 1, "type": "test", "timestamp": None, "data": {"message": key}},
        idempotency_key=f"msg:{name}:{key}",
        status="pending",
        attempts=0,
        next_attempt_at=at,
        created_at=at,
    )
