"""Answers mapped to retry, wait or dead-letter; Retry-After; no URL in httpx's log; the total
send deadline."""

from __future__ import annotations

import logging
from datetime import UTC, datetime

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels import build_senders
from alerts.deliverer import deliver_due
from alerts.errors import PermanentDeliveryError, RateLimited, TransientDeliveryError
from alerts.transport import check_response, http_client, retry_after_seconds
from crawler.demo.webhook_sink import SinkResponse, WebhookSink
from db.models import OutboxMessage, utcnow
from tests.alerts.support import queue_test_messages, settings_for, webhook_channel

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "headers", "error", "retry_after"),
    [
        (500, {}, TransientDeliveryError, None),
        (502, {}, TransientDeliveryError, None),
        (503, {"Retry-After": "30"}, RateLimited, 30.0),
        (408, {}, TransientDeliveryError, None),
        (429, {"Retry-After": "120"}, RateLimited, 120.0),
        (429, {}, RateLimited, None),
        (400, {}, PermanentDeliveryError, None),
        (401, {}, PermanentDeliveryError, None),
        (404, {}, PermanentDeliveryError, None),
        (410, {}, PermanentDeliveryError, None),
        (301, {"Location": "http://elsewhere/"}, PermanentDeliveryError, None),
    ],
)
def test_status_mapping(
    status: int, headers: dict[str, str], error: type[Exception], retry_after: float | None
) -> None:
    with pytest.raises(error) as caught:
        check_response(httpx.Response(status, headers=headers, text="nope"), NOW)
    assert type(caught.value) is error
    assert getattr(caught.value, "retry_after", None) == retry_after
    assert f"HTTP {status}: nope" in str(caught.value)


def test_success_raises_nothing() -> None:
    check_response(httpx.Response(204))


def test_retry_after_as_http_date() -> None:
    assert retry_after_seconds("Mon, 02 Mar 2026 09:01:30 GMT", NOW) == 90.0
    assert retry_after_seconds("garbage", NOW) is None
    assert retry_after_seconds(None) is None


def test_httpx_request_log_shows_no_url_path(caplog: pytest.LogCaptureFixture) -> None:
    transport = httpx.MockTransport(lambda request: httpx.Response(200))
    with http_client() as client:
        client._transport = transport  # the client's own settings, a mock network
        with caplog.at_level(logging.DEBUG):
            client.post("https://hooks.slack.test/services/T1/B2/s3cr3t", content=b"{}")
    assert "hooks.slack.test" in caplog.text
    assert "s3cr3t" not in caplog.text


def test_a_dripping_receiver_fails_the_send_at_its_deadline(
    sessions: sessionmaker[Session],
) -> None:
    # One byte every 0.5 s: every read gets a byte well within its 10 s timeout, and the
    # whole answer would take about 20 s.
    with WebhookSink(lambda _: SinkResponse(204, drip_seconds=0.5)) as sink:
        channel = webhook_channel("slow", sink.url + "/hook", send_timeout_seconds=2)
        settings = settings_for("sqlite://", [channel], [])
        queue_test_messages(sessions, "slow", 1, utcnow())
        with http_client() as client:
            report = deliver_due(sessions, settings, build_senders(settings, client))
    assert (report.delivered, report.retried, report.dead) == (0, 1, 0)
    with sessions.begin() as session:
        message = session.execute(select(OutboxMessage)).scalar_one()
        assert message.status == "pending" and message.attempts == 1
        assert message.locked_by is None
        assert message.last_error == "timeout: no complete answer within the 2s send deadline"
