"""The deliverer against loopback sinks: outages, failures, pacing, order, threads, leases."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from alerts.channels import build_senders
from alerts.deliverer import DeliveryPolicy, deliver_due
from alerts.outbox import enqueue_hit_alerts
from alerts.transport import OutgoingMessage, SendResult, http_client
from crawler.core.config import Settings
from crawler.demo.webhook_sink import ReceivedRequest, SinkResponse, WebhookSink, slack_ok
from db.models import Incident, OutboxMessage
from db.outbox import requeue, status_counts
from tests.alerts.support import (
    T0,
    FakeClock,
    queue_test_messages,
    settings_for,
    store_hits,
    webhook_channel,
)


def _statuses(sessions: sessionmaker[Session]) -> dict[str, list[str]]:
    with sessions.begin() as session:
        rows = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        result: dict[str, list[str]] = {}
        for message in rows:
            result.setdefault(message.channel, []).append(message.status)
        return result


def _drain(
    sessions: sessionmaker[Session],
    settings: Settings,
    senders: dict[str, Any],
    clock: FakeClock,
    step: float = 1.0,
    limit: int = 5000,
) -> None:
    for _ in range(limit):
        with sessions.begin() as session:
            if not status_counts(session).keys() & {(c.name, "pending") for c in settings.channels}:
                return
        report = deliver_due(sessions, settings, senders, clock=clock)
        if not report.attempted:
            clock.advance(step)
    raise AssertionError("outbox not drained")


def _n(request: ReceivedRequest) -> int:
    return int(request.json()["data"]["n"])


@pytest.fixture
def client() -> Iterator[Any]:
    with http_client() as http:
        yield http


def test_long_outage_then_up_delivers_everything_once_in_order(
    sessions: sessionmaker[Session], client: Any
) -> None:
    clock = FakeClock()
    up = threading.Event()

    def responder(request: ReceivedRequest) -> SinkResponse:
        return SinkResponse(204) if up.is_set() else SinkResponse(drop=True)

    with WebhookSink(responder, clock=clock.now) as sink:
        settings = settings_for(
            "sqlite://",
            [webhook_channel("a", sink.url + "/a"), webhook_channel("b", sink.url + "/b")],
            [],
        )
        senders = build_senders(settings, client)
        queue_test_messages(sessions, "a", 25, T0)
        queue_test_messages(sessions, "b", 25, T0)
        while clock.now() < T0 + timedelta(hours=8):  # down for 8 hours, a pass a minute
            deliver_due(sessions, settings, senders, clock=clock)
            clock.advance(60)
        during = sink.requests
        # Only each channel's oldest message was tried, with a growing backoff capped at
        # DeliveryPolicy.max_retry_seconds (5 min; passes come every minute here).
        assert {r.webhook_id for r in during} == {"msg:a:0", "msg:b:0"}
        tries = [r.received_at for r in during if r.path == "/a"]
        gaps = [later - earlier for earlier, later in zip(tries, tries[1:], strict=False)]
        assert gaps[0] < timedelta(minutes=2) and max(gaps) <= timedelta(minutes=6)
        assert gaps[-1] >= timedelta(minutes=2)
        assert 60 <= len(tries) <= 200
        up.set()
        _drain(sessions, settings, senders, clock, step=60)
        after = sink.requests[len(during) :]
    assert _statuses(sessions) == {"a": ["delivered"] * 25, "b": ["delivered"] * 25}
    for path, channel in (("/a", "a"), ("/b", "b")):
        received = [r for r in after if r.path == path]
        assert [_n(r) for r in received] == list(range(25))
        assert [r.webhook_id for r in received] == [f"msg:{channel}:{n}" for n in range(25)]
    ids_by_message: dict[int, set[str | None]] = {}
    for request in during + after:
        ids_by_message.setdefault(hash(request.path) ^ _n(request), set()).add(request.webhook_id)
    assert all(len(ids) == 1 for ids in ids_by_message.values())


def test_500_is_retried_429_waits_400_is_dead_lettered(
    sessions: sessionmaker[Session], client: Any
) -> None:
    clock = FakeClock()
    answers = {
        ("/flaky", 0): [SinkResponse(500, b"boom")],
        ("/throttled", 0): [SinkResponse(429, b"slow down", {"Retry-After": "120"})],
        ("/rejecting", 0): [SinkResponse(400, b"invalid payload")],
    }

    def responder(request: ReceivedRequest) -> SinkResponse:
        queue = answers.get((request.path, _n(request)))
        return queue.pop(0) if queue else SinkResponse(200)

    with WebhookSink(responder, clock=clock.now) as sink:
        settings = settings_for(
            "sqlite://",
            [
                webhook_channel(name, f"{sink.url}/{name}")
                for name in ("flaky", "throttled", "rejecting")
            ],
            [],
        )
        senders = build_senders(settings, client)
        for name in ("flaky", "throttled", "rejecting"):
            queue_test_messages(sessions, name, 2, T0)
        report = deliver_due(sessions, settings, senders, clock=clock)
        assert (report.retried, report.dead, report.delivered) == (2, 1, 1)
        with sessions.begin() as session:
            rows = {
                (m.channel, m.idempotency_key[-1]): m
                for m in session.execute(select(OutboxMessage)).scalars()
            }
        throttled = rows[("throttled", "0")]
        assert throttled.last_attempt_at is not None
        assert throttled.next_attempt_at == throttled.last_attempt_at + timedelta(seconds=120)
        assert "HTTP 429" in (throttled.last_error or "")
        assert rows[("rejecting", "0")].status == "dead"
        assert "HTTP 400: invalid payload" in (rows[("rejecting", "0")].last_error or "")
        assert rows[("rejecting", "1")].status == "delivered"  # a dead message blocks nothing
        assert rows[("flaky", "0")].attempts == 1 and rows[("flaky", "0")].status == "pending"
        clock.advance(60)
        deliver_due(sessions, settings, senders, clock=clock)
        assert _statuses(sessions)["flaky"] == ["delivered", "delivered"]
        assert _statuses(sessions)["throttled"] == ["pending", "pending"]
        assert len([r for r in sink.requests if r.path == "/throttled"]) == 1
        clock.advance(61)
        deliver_due(sessions, settings, senders, clock=clock)
    assert _statuses(sessions)["throttled"] == ["delivered", "delivered"]


def test_a_six_hour_retry_after_is_capped_and_logged(
    sessions: sessionmaker[Session], client: Any, caplog: pytest.LogCaptureFixture
) -> None:
    clock = FakeClock()
    throttle = [SinkResponse(429, b"come back tomorrow", {"Retry-After": str(6 * 3600)})]

    def responder(request: ReceivedRequest) -> SinkResponse:
        return throttle.pop(0) if throttle else SinkResponse(204)

    with WebhookSink(responder, clock=clock.now) as sink:
        channels = [
            webhook_channel("default", f"{sink.url}/default"),
            webhook_channel("short", f"{sink.url}/short", max_retry_after_seconds=60),
        ]
        settings = settings_for("sqlite://", channels, [])
        senders = build_senders(settings, client)
        queue_test_messages(sessions, "default", 1, T0)
        with caplog.at_level("WARNING", logger="alerts.sending"):
            assert deliver_due(sessions, settings, senders, clock=clock).retried == 1
        with sessions.begin() as session:
            message = session.execute(select(OutboxMessage)).scalar_one()
            assert message.last_attempt_at is not None
            # Waits the 15 min default cap, not the 6 hours asked.
            assert message.next_attempt_at == message.last_attempt_at + timedelta(minutes=15)
        assert "channel default asked to wait 21600s (Retry-After): capped at 900s" in caplog.text
        clock.advance(15 * 60)
        assert deliver_due(sessions, settings, senders, clock=clock).delivered == 1
        throttle.append(SinkResponse(429, b"", {"Retry-After": "3600"}))
        queue_test_messages(sessions, "short", 1, clock.now())
        deliver_due(sessions, settings, senders, clock=clock)
        clock.advance(60)
        assert deliver_due(sessions, settings, senders, clock=clock).delivered == 1
    assert _statuses(sessions) == {"default": ["delivered"], "short": ["delivered"]}


@pytest.mark.slow
def test_burst_of_1000_is_paced_in_order_and_holds_nobody_up(
    sessions: sessionmaker[Session], client: Any
) -> None:
    clock = FakeClock()
    with WebhookSink(slack_ok, clock=clock.now) as sink:
        slack = {
            "name": "cert-slack",
            "type": "slack",
            "token": "xoxb-test",
            "slack_channel": "C0123",
            "url": sink.url + "/api/",
        }
        other = webhook_channel("siem", sink.url + "/siem", rate_per_second=1e6)
        settings = settings_for("sqlite://", [slack, other], [])
        senders = build_senders(settings, client)
        queue_test_messages(sessions, "cert-slack", 1000, T0)
        queue_test_messages(sessions, "siem", 20, T0)
        _drain(sessions, settings, senders, clock, step=0.5)
        received = sink.requests
    to_slack = [r for r in received if r.path == "/api/chat.postMessage"]
    to_siem = [r for r in received if r.path == "/siem"]
    assert len(to_slack) == 1000 and len(to_siem) == 20
    assert [r.json()["blocks"][1]["text"]["text"] for r in to_slack] == [
        f"#{n}" for n in range(1000)
    ]
    gaps = [
        (b.received_at - a.received_at).total_seconds()
        for a, b in zip(to_slack, to_slack[1:], strict=False)
    ]
    assert min(gaps) >= 1.0 - 1e-3
    assert to_slack[-1].received_at - to_slack[0].received_at >= timedelta(seconds=999 - 1)
    assert all(r.received_at - T0 < timedelta(seconds=3) for r in to_siem)


def test_concurrent_deliverers_neither_duplicate_nor_reorder(
    sessions: sessionmaker[Session], client: Any
) -> None:
    with WebhookSink(lambda request: SinkResponse(204)) as sink:
        names = ["c1", "c2", "c3"]
        settings = settings_for(
            "sqlite://", [webhook_channel(n, f"{sink.url}/{n}") for n in names], []
        )
        senders = build_senders(settings, client)
        now = datetime.now(T0.tzinfo)
        for name in names:
            queue_test_messages(sessions, name, 150, now)
        policy = DeliveryPolicy(batch_size=10)

        def deliverer() -> None:
            for _ in range(200):
                report = deliver_due(sessions, settings, senders, policy=policy)
                statuses = _statuses(sessions).values()
                if not report.attempted and all(s == "delivered" for ss in statuses for s in ss):
                    return

        threads = [threading.Thread(target=deliverer) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        received = sink.requests
    assert len(received) == 450
    for name in names:
        assert [_n(r) for r in received if r.path == f"/{name}"] == list(range(150))


def test_slack_thread_of_an_incident_gets_its_follow_ups(
    sessions: sessionmaker[Session], client: Any
) -> None:
    clock = FakeClock()
    with WebhookSink(slack_ok) as sink:
        slack = {
            "name": "cert-bot",
            "type": "slack",
            "token": "xoxb-test",
            "slack_channel": "C0123",
            "url": sink.url + "/api",
            "rate_per_second": 100.0,
        }
        settings = settings_for("sqlite://", [slack], [{"channel": "cert-bot"}])
        with sessions.begin() as session:
            enqueue_hit_alerts(session, settings, store_hits(session), now=T0)
            repost = store_hits(session, source="tg", kind="telegram", external_id="c/1")
            enqueue_hit_alerts(session, settings, repost, now=T0)
        _drain(sessions, settings, build_senders(settings, client), clock)
        first, second = (r.json() for r in sink.requests)
    assert "thread_ts" not in first
    assert second["thread_ts"] == "1700000000.000000"
    with sessions.begin() as session:
        incident = session.execute(select(Incident)).scalar_one()
    assert incident.slack_thread == {"cert-bot": "1700000000.000000"}


def test_a_message_failing_for_a_day_is_dead_then_can_be_retried(
    sessions: sessionmaker[Session], client: Any
) -> None:
    clock = FakeClock()
    up = threading.Event()

    def responder(request: ReceivedRequest) -> SinkResponse:
        return SinkResponse(204) if up.is_set() else SinkResponse(503, b"maintenance")

    with WebhookSink(responder, clock=clock.now) as sink:
        settings = settings_for("sqlite://", [webhook_channel("a", sink.url + "/a")], [])
        senders = build_senders(settings, client)
        queue_test_messages(sessions, "a", 3, T0)
        while clock.now() < T0 + timedelta(hours=26):
            deliver_due(sessions, settings, senders, clock=clock)
            clock.advance(300)
        assert _statuses(sessions)["a"] == ["dead", "dead", "dead"]
        with sessions.begin() as session:
            errors = [m.last_error for m in session.execute(select(OutboxMessage)).scalars()]
        assert all(e and e.startswith("gave up after") and "HTTP 503" in e for e in errors)
        up.set()
        with sessions.begin() as session:
            assert requeue(session, clock.now()) == 3
        _drain(sessions, settings, senders, clock)
        assert [_n(r) for r in sink.requests if r.path == "/a"][-3:] == [0, 1, 2]
    assert _statuses(sessions)["a"] == ["delivered"] * 3


class _BrokenSender:
    def __init__(self) -> None:
        self.sent: list[str] = []

    def send(self, message: OutgoingMessage) -> SendResult:
        if message.idempotency_key.endswith(":0"):
            raise KeyError("renderer bug")
        self.sent.append(message.idempotency_key)
        return SendResult()


def test_a_sender_bug_dead_letters_one_message_only(sessions: sessionmaker[Session]) -> None:
    settings = settings_for("sqlite://", [webhook_channel("a", "http://127.0.0.1:9/a")], [])
    sender = _BrokenSender()
    queue_test_messages(sessions, "a", 3, T0)
    report = deliver_due(sessions, settings, {"a": sender}, clock=FakeClock())
    assert (report.dead, report.delivered) == (1, 2)
    assert sender.sent == ["msg:a:1", "msg:a:2"]


def test_max_in_flight_sends_that_many_at_once_each_message_once(
    sessions: sessionmaker[Session], client: Any
) -> None:
    lock = threading.Lock()
    busy = {"now": 0, "most": 0}

    def responder(request: ReceivedRequest) -> SinkResponse:
        with lock:
            busy["now"] += 1
            busy["most"] = max(busy["most"], busy["now"])
        threading.Event().wait(0.02)
        with lock:
            busy["now"] -= 1
        return SinkResponse(204)

    with WebhookSink(responder) as sink:
        channel = webhook_channel("siem", sink.url + "/siem", max_in_flight=4)
        settings = settings_for("sqlite://", [channel], [])
        senders = build_senders(settings, client)
        queue_test_messages(sessions, "siem", 60, datetime.now(T0.tzinfo))
        report = deliver_due(sessions, settings, senders)
        received = sink.requests
    assert report.delivered == 60
    assert busy["most"] == 4
    assert sorted(_n(r) for r in received) == list(range(60))
    assert _statuses(sessions) == {"siem": ["delivered"] * 60}


def test_max_in_flight_channel_down_then_up_probes_with_one_request(
    sessions: sessionmaker[Session], client: Any
) -> None:
    clock = FakeClock()
    up = threading.Event()

    def responder(request: ReceivedRequest) -> SinkResponse:
        return SinkResponse(204) if up.is_set() else SinkResponse(503, b"down")

    with WebhookSink(responder, clock=clock.now) as sink:
        channel = webhook_channel("siem", sink.url + "/siem", max_in_flight=4)
        settings = settings_for("sqlite://", [channel], [])
        senders = build_senders(settings, client)
        queue_test_messages(sessions, "siem", 30, T0)
        first = deliver_due(sessions, settings, senders, clock=clock)
        # The first failure stops the run: at most the window was out, the rest stays leased
        # to nobody and pending.
        assert first.delivered == 0 and 1 <= first.retried <= 4
        tried = len(sink.requests)
        for _ in range(30):  # while down, each pass only retries the head, alone
            clock.advance(120)
            before = len(sink.requests)
            deliver_due(sessions, settings, senders, clock=clock)
            assert len(sink.requests) - before <= 1
        assert {r.webhook_id for r in sink.requests[tried:]} == {"msg:siem:0"}
        down = len(sink.requests)
        up.set()
        _drain(sessions, settings, senders, clock, step=60)
        after = sink.requests[down:]
    assert _statuses(sessions) == {"siem": ["delivered"] * 30}
    assert sorted(_n(r) for r in after) == list(range(30))
    assert after[0].webhook_id == "msg:siem:0"


def test_a_delivery_makes_the_channels_waiting_retries_due_at_once(
    sessions: sessionmaker[Session], client: Any
) -> None:
    clock = FakeClock()
    second_in = threading.Event()
    hiccups = [SinkResponse(500, b"hiccup")]

    def responder(request: ReceivedRequest) -> SinkResponse:
        if _n(request) == 1 and hiccups:
            second_in.wait(5)  # answered once #2 is out too, so #2's success comes after
            return hiccups.pop()
        if _n(request) == 2:
            second_in.set()
        return SinkResponse(204)

    with WebhookSink(responder, clock=clock.now) as sink:
        channel = webhook_channel("siem", sink.url + "/siem", max_in_flight=4)
        settings = settings_for("sqlite://", [channel], [])
        senders = build_senders(settings, client)
        queue_test_messages(sessions, "siem", 3, T0)
        first = deliver_due(sessions, settings, senders, clock=clock)
        assert (first.delivered, first.retried) == (2, 1)
        with sessions.begin() as session:
            failed = session.execute(
                select(OutboxMessage).where(OutboxMessage.idempotency_key == "msg:siem:1")
            ).scalar_one()
            # Its backoff (5-10 s) was cut short: the receiver accepted #2 after #1 failed.
            assert failed.status == "pending" and failed.next_attempt_at <= clock.now()
        again = deliver_due(sessions, settings, senders, clock=clock)
        assert again.delivered == 1
        assert [_n(r) for r in sink.requests].count(1) == 2
    assert _statuses(sessions) == {"siem": ["delivered"] * 3}


def test_slack_is_paced_by_default_and_webhooks_are_not() -> None:
    slack = Settings.model_validate(
        {"channels": [{"name": "s", "type": "slack", "url": "http://127.0.0.1:9/x"}]}
    ).channels[0]
    hook = webhook_channel("w", "http://127.0.0.1:9/w")
    webhook = Settings.model_validate({"channels": [hook]}).channels[0]
    paced = Settings.model_validate({"channels": [{**hook, "rate_per_second": 5.0}]}).channels[0]
    assert (slack.send_rate, webhook.send_rate, paced.send_rate) == (1.0, None, 5.0)
    with pytest.raises(ValueError, match="max_in_flight"):
        Settings.model_validate(
            {
                "channels": [
                    {
                        "name": "s",
                        "type": "slack",
                        "url": "http://127.0.0.1:9/x",
                        "max_in_flight": 2,
                    }
                ]
            }
        )
