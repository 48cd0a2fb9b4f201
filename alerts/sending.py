"""Sending one channel's run of messages: paced, with a window of requests in flight, answers
recorded in id order (delivered marks in small batches, failures with their retry time), the
unsent rest released. Used by :mod:`alerts.deliverer`, whose docstring tells the whole story.
"""

from __future__ import annotations

import logging
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from alerts.clock import Clock
from alerts.delivery_policy import DeliveryPolicy, DeliveryReport, Run
from alerts.errors import DeliveryFailed, PermanentDeliveryError, TransientDeliveryError
from alerts.outbox import enqueue_refusing_alert
from alerts.payload import ALERT_UPDATED
from alerts.transport import OutgoingMessage, Sender, SendResult
from crawler.core.config import ChannelConfig
from db.outbox import (
    LeasedMessage,
    mark_delivered,
    mark_failed,
    release,
    set_slack_thread,
    wake_retries,
)

logger = logging.getLogger(__name__)
#: Time kept between the end of a run's last send and the end of its lease (marks, releases).
LEASE_MARGIN = timedelta(seconds=10)
#: Answers meaning the receiver refuses us, not this message: every alert will be dead-lettered.
REFUSING_STATUSES = frozenset({401, 403, 404, 410})


def _is_update(message: LeasedMessage) -> bool:
    return message.payload.get("type") == ALERT_UPDATED


def send_run(
    session_factory: sessionmaker[Session],
    run: Run,
    sender: Sender,
    owner: str,
    clock: Clock,
    policy: DeliveryPolicy,
) -> DeliveryReport:
    report = DeliveryReport()
    marks = _Marks(session_factory, run.channel.name, clock, policy)
    try:
        _send_each(session_factory, run, sender, owner, clock, policy, marks, report)
    finally:
        marks.flush()
    return report


def _send_each(
    session_factory: sessionmaker[Session],
    run: Run,
    sender: Sender,
    owner: str,
    clock: Clock,
    policy: DeliveryPolicy,
    marks: _Marks,
    report: DeliveryReport,
) -> None:
    """Send the run in id order, paced, with up to the channel's ``max_in_flight`` requests out.

    Answers are handled in id order. A transient failure stops the run: nothing more is sent,
    the requests already out are answered and recorded, the rest is released. A run whose first
    message failed before sends it alone first, so a channel that is down gets one request.
    """
    rate = run.channel.send_rate
    interval = timedelta(seconds=1 / rate) if rate is not None else None
    stop_at = clock.now() + send_window(policy, run.channel.send_timeout_seconds)
    next_slot = run.not_before
    window = run.channel.max_in_flight
    answers = _Answers(session_factory, run, clock, policy, marks, report)
    in_flight: deque[tuple[LeasedMessage, Future[SendResult | DeliveryFailed]]] = deque()
    pool = ThreadPoolExecutor(window, "leakwatch-send") if window > 1 else None
    dispatched = 0
    try:
        for message in run.messages:
            current = clock.now()
            if not answers.going or current >= stop_at:
                break
            if next_slot is not None:
                clock.sleep((next_slot - current).total_seconds())
            if interval is not None:
                next_slot = clock.now() + interval
            outgoing = _outgoing(run, message)
            dispatched += 1
            if pool is None or (dispatched == 1 and message.attempts > 0):
                answers.take(message, _attempt(sender, outgoing))
                continue
            in_flight.append((message, pool.submit(_attempt, sender, outgoing)))
            while len(in_flight) >= window or (in_flight and in_flight[0][1].done()):
                queued, future = in_flight.popleft()
                answers.take(queued, future.result())
        while in_flight:
            queued, future = in_flight.popleft()
            answers.take(queued, future.result())
    finally:
        if pool is not None:
            pool.shutdown()
    if dispatched < len(run.messages):
        marks.flush()
        _release(session_factory, run.messages[dispatched:], owner)


def send_window(policy: DeliveryPolicy, deadline_seconds: float) -> timedelta:
    """How long after its start a run may still start a send: half the lease, and early enough
    that a send taking its whole deadline ends :data:`LEASE_MARGIN` before the lease does, so
    no other deliverer can take these messages meanwhile."""
    latest = policy.lease - timedelta(seconds=deadline_seconds) - LEASE_MARGIN
    return max(timedelta(0), min(policy.lease / 2, latest))


def _outgoing(run: Run, message: LeasedMessage) -> OutgoingMessage:
    thread_ts = run.threads.get(message.incident_id or 0) if _is_update(message) else None
    return OutgoingMessage(
        run.channel.name, message.kind, message.idempotency_key, message.payload, thread_ts
    )


def _attempt(sender: Sender, message: OutgoingMessage) -> SendResult | DeliveryFailed:
    """Send once; the failure is returned, not raised (attempts may run in worker threads)."""
    try:
        return sender.send(message)
    except DeliveryFailed as exc:
        return exc
    except Exception as exc:  # a sender bug must not block the channel: dead-letter it
        logger.exception(
            "alert %s to channel %s: unexpected error", message.idempotency_key, message.channel
        )
        return DeliveryFailed(f"internal error: {type(exc).__name__}")


class _Answers:
    """Records the outcome of each attempt of a run, in id order."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        run: Run,
        clock: Clock,
        policy: DeliveryPolicy,
        marks: _Marks,
        report: DeliveryReport,
    ) -> None:
        self.session_factory = session_factory
        self.run = run
        self.clock = clock
        self.policy = policy
        self.marks = marks
        self.report = report
        #: False once a transient failure stopped the run.
        self.going = True

    def take(self, message: LeasedMessage, outcome: SendResult | DeliveryFailed) -> None:
        """Mark a delivery (and the Slack thread it started), or record a failure."""
        if isinstance(outcome, SendResult):
            thread = None
            if outcome.thread_ts and message.incident_id and not _is_update(message):
                thread = (message.incident_id, outcome.thread_ts)
                self.run.threads.setdefault(message.incident_id, outcome.thread_ts)
            self.marks.add(message.id, thread)
            self.report.delivered += 1
            self.report.latencies.append(
                (self.run.channel.name, (self.clock.now() - message.created_at).total_seconds())
            )
            return
        if isinstance(outcome, TransientDeliveryError):
            self.marks.flush()
            self.going = False
        _record_failure(
            self.session_factory,
            self.run.channel,
            message,
            self.clock.now(),
            outcome,
            self.policy,
            self.report,
            self.run.operations,
        )


class _Marks:
    """Delivered marks of one run, written together every ``mark_batch`` sends or
    ``mark_seconds``, whichever comes first (and before any other write of the run).

    A crash loses at most these unwritten marks: those messages are sent again, same ids.
    """

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        channel: str,
        clock: Clock,
        policy: DeliveryPolicy,
    ) -> None:
        self.session_factory = session_factory
        self.channel = channel
        self.clock = clock
        self.policy = policy
        self.deliveries: list[tuple[int, datetime]] = []
        self.threads: list[tuple[int, str]] = []
        self.since: datetime | None = None

    def add(self, message_id: int, thread: tuple[int, str] | None) -> None:
        """Remember one delivery (and the Slack thread it started); flush when due."""
        now = self.clock.now()
        self.deliveries.append((message_id, now))
        if thread is not None:
            self.threads.append(thread)
        self.since = self.since or now
        waited = (now - self.since).total_seconds()
        if len(self.deliveries) >= self.policy.mark_batch or waited >= self.policy.mark_seconds:
            self.flush()

    def flush(self) -> None:
        """Write the remembered marks in one transaction."""
        if not self.deliveries:
            return
        with self.session_factory.begin() as session:
            mark_delivered(session, self.deliveries)
            wake_retries(session, self.channel, max(at for _, at in self.deliveries))
            for incident_id, ts in self.threads:
                set_slack_thread(session, incident_id, self.channel, ts)
        self.deliveries, self.threads, self.since = [], [], None


def _record_failure(
    session_factory: sessionmaker[Session],
    config: ChannelConfig,
    message: LeasedMessage,
    at: datetime,
    error: DeliveryFailed,
    policy: DeliveryPolicy,
    report: DeliveryReport,
    operations: tuple[str, ...] = (),
) -> None:
    channel = config.name
    attempt = message.attempts + 1
    retry_at: datetime | None = None
    text = str(error)
    if isinstance(error, TransientDeliveryError):
        if error.retry_after is not None:
            delay = min(error.retry_after, config.max_retry_after_seconds)
            if delay < error.retry_after:
                logger.warning(
                    "channel %s asked to wait %ds (Retry-After): capped at %ds"
                    " (max_retry_after_seconds)",
                    channel,
                    error.retry_after,
                    delay,
                )
        else:
            delay = policy.backoff(attempt)
        retry_at = at + timedelta(seconds=delay)
        if retry_at - message.created_at > policy.give_up_after:
            retry_at = None
            text = f"gave up after {attempt} attempt(s): {text}"
    told: list[str] = []
    with session_factory.begin() as session:
        mark_failed(session, message.id, at, text, retry_at)
        if isinstance(error, PermanentDeliveryError) and error.status in REFUSING_STATUSES:
            told = enqueue_refusing_alert(session, channel, error.status, text, operations, at)
    if told:
        logger.error(
            "channel %s refuses alerts (HTTP %s): they are dead-lettered until its receiver is"
            " fixed and `leakwatch alerts retry --channel %s` is run; told %s",
            channel,
            getattr(error, "status", "?"),
            channel,
            ", ".join(told),
        )
    if retry_at is None:
        report.dead += 1
        logger.error("alert %s to channel %s is dead: %s", message.id, channel, text)
    else:
        report.retried += 1
        logger.warning(
            "alert %s to channel %s failed (attempt %d), retry at %s: %s",
            message.id,
            channel,
            attempt,
            f"{retry_at:%Y-%m-%d %H:%M:%S}",
            text,
        )


def _release(
    session_factory: sessionmaker[Session], messages: list[LeasedMessage], owner: str
) -> None:
    if messages:
        with session_factory.begin() as session:
            release(session, [message.id for message in messages], owner)
