"""Channel workers: a receiver that stalls its sender delays no other channel, and every
message is still delivered once, in order, when it recovers."""

from __future__ import annotations

import threading

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels import build_senders
from alerts.transport import http_client
from alerts.workers import run_deliverer
from crawler.demo.webhook_sink import ReceivedRequest, SinkResponse, WebhookSink
from db.models import OutboxMessage, utcnow
from tests.alerts.support import queue_test_messages, settings_for, webhook_channel


def _messages(sessions: sessionmaker[Session], channel: str) -> list[OutboxMessage]:
    with sessions.begin() as session:
        rows = list(
            session.execute(
                select(OutboxMessage)
                .where(OutboxMessage.channel == channel)
                .order_by(OutboxMessage.id)
            ).scalars()
        )
        session.expunge_all()
        return rows


def test_a_stalled_channel_does_not_delay_a_healthy_one(sessions: sessionmaker[Session]) -> None:
    stalled = threading.Event()
    stalled.set()

    def dripping(request: ReceivedRequest) -> SinkResponse:
        # One byte every 1.5 s: no read ever times out; the answer takes about a minute.
        return SinkResponse(204, drip_seconds=1.5) if stalled.is_set() else SinkResponse(204)

    with WebhookSink(dripping) as slow, WebhookSink(lambda _: SinkResponse(204)) as healthy:
        settings = settings_for(
            "sqlite://",
            [
                webhook_channel("slow", slow.url + "/hook", send_timeout_seconds=40),
                webhook_channel("healthy", healthy.url + "/hook"),
            ],
            [],
        )
        stop = threading.Event()
        with http_client() as client:
            senders = build_senders(settings, client)
            queue_test_messages(sessions, "slow", 2, utcnow())
            deliverer = threading.Thread(
                target=run_deliverer,
                args=(sessions, settings, senders, stop),
                kwargs={"interval": 0.05},
            )
            deliverer.start()
            try:
                assert slow.wait_for(1)  # the slow receiver now holds its sender
                queue_test_messages(sessions, "healthy", 3, utcnow())
                assert healthy.wait_for(3, timeout=30), "the healthy channel waited"
                # …while the slow channel's first answer was still dripping in.
                assert [m.attempts for m in _messages(sessions, "slow")] == [0, 0]
                stalled.clear()
            finally:
                slow.closed.set()  # ends the drip: the slow send fails and is retried later
                stop.set()
                deliverer.join(timeout=60)
        assert not deliverer.is_alive()
    assert [m.status for m in _messages(sessions, "healthy")] == ["delivered"] * 3
    assert [r.webhook_id for r in healthy.requests] == [f"msg:healthy:{n}" for n in range(3)]
    slow_messages = _messages(sessions, "slow")
    assert [m.status for m in slow_messages] == ["pending", "pending"]
    assert slow_messages[0].attempts == 1 and slow_messages[1].attempts == 0
    assert all(m.locked_by is None for m in slow_messages)
