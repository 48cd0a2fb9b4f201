"""A deliverer SIGKILLed between a send and its mark: the message is re-sent, same id, none lost."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from standardwebhooks import Webhook

from alerts.channels import build_sender
from alerts.deliverer import deliver_due
from alerts.payload import TEST, envelope
from alerts.transport import http_client
from crawler.demo.webhook_sink import ReceivedRequest, SinkResponse, WebhookSink
from db.models import OutboxMessage, utcnow
from db.outbox import insert_message
from tests.alerts.support import SECRET, settings_for, webhook_channel

CONFIG = """
database_url = "{url}"
log_level = "WARNING"

[[channels]]
name = "siem"
type = "webhook"
url = "{sink}/hook"
signing_secret = "{secret}"
rate_per_second = 1000.0
"""


def test_killed_between_send_and_mark_resends_with_the_same_id(
    migrated_url: str, sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    arrived, release = threading.Event(), threading.Event()

    def responder(request: ReceivedRequest) -> SinkResponse:
        if request.seq == 0:
            arrived.set()
            release.wait(30)
        return SinkResponse(204)

    now = utcnow()
    with sessions.begin() as session:
        for n in range(3):
            insert_message(
                session,
                channel="siem",
                kind="test",
                payload=envelope(TEST, {"n": n}, now),
                idempotency_key=f"msg:siem:{n}",
                now=now,
            )
    with WebhookSink(responder) as sink:
        config = tmp_path / "leakwatch.toml"
        config.write_text(CONFIG.format(url=migrated_url, sink=sink.url, secret=SECRET))
        child = subprocess.Popen(
            [sys.executable, "-m", "crawler", "--config", str(config), "alerts", "deliver"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        try:
            assert arrived.wait(60), child.communicate(timeout=5)
            os.kill(child.pid, signal.SIGKILL)  # the request is in flight, the mark is not done
            child.wait(timeout=10)
        finally:
            release.set()
            if child.poll() is None:
                child.kill()
        with sessions.begin() as session:
            statuses = [m.status for m in session.execute(select(OutboxMessage)).scalars()]
        assert statuses == ["pending"] * 3
        settings = settings_for(migrated_url, [webhook_channel("siem", sink.url + "/hook")], [])
        with http_client() as client:
            senders = {"siem": build_sender(settings.channels[0], client)}
            # Nothing is taken while the dead deliverer's lease runs…
            assert not deliver_due(sessions, settings, senders).attempted
            # …and everything is, once it has expired.
            later = utcnow() + timedelta(seconds=61)
            assert deliver_due(sessions, settings, senders, later).delivered == 3
        received = sink.requests
    assert [r.webhook_id for r in received] == [
        "msg:siem:0",
        "msg:siem:0",
        "msg:siem:1",
        "msg:siem:2",
    ]
    assert received[0].body == received[1].body
    for request in received:
        Webhook(SECRET).verify(request.body, request.headers)
    with sessions.begin() as session:
        rows = list(session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars())
    assert [m.status for m in rows] == ["delivered"] * 3
