"""The deliverer: sends due outbox messages, in order per channel, paced, with retries.

:func:`deliver_due` is one pass (``leakwatch alerts deliver``, the daemon's 1 s job):

1. queue the digests of ended periods (:mod:`alerts.digest`);
2. claim, in one short transaction, a run of due messages per channel: the channel's oldest
   pending message and the due ones right behind it (see :mod:`db.outbox`). A channel whose
   oldest message waits for a retry waits as a whole, so order is kept; other channels go on;
3. send each channel's run in its own thread, in id order, at most ``send_rate`` a second (the
   pace survives between passes and deliverers: it is read from the channel's last attempt;
   Slack defaults to 1/s, other channels are unpaced) and with at most ``max_in_flight``
   requests out at once (default 1), recording the answers in small batches (every 50 sends
   or 0.2 s, and before anything else is written).

A crash between a send and its mark leaves the message leased; when the lease expires it is
sent again with the same ``webhook-id`` (at-least-once; receivers deduplicate on that id).

Failures: transient ones (timeouts, connection errors, 5xx) are retried with exponential
backoff and jitter; ``429``/``Retry-After`` waits as long as asked; a message still failing
after :attr:`DeliveryPolicy.give_up_after` (24 h) is dead, as is one rejected with another 4xx.
Dead messages keep their error and can be re-queued (``leakwatch alerts retry``).
"""

from __future__ import annotations

import logging
import os
import random
import socket
import threading
import uuid
from collections import deque
from collections.abc import Collection, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from alerts.clock import Clock, SystemClock
from alerts.digest import build_due_digests
from alerts.errors import DeliveryFailed, TransientDeliveryError
from alerts.payload import ALERT_UPDATED
from alerts.transport import OutgoingMessage, Sender, SendResult
from crawler.config import ChannelConfig, Settings
from db.outbox import (
    LeasedMessage,
    last_attempt_at,
    lease_run,
    lock_pending,
    mark_delivered,
    mark_failed,
    pending_heads,
    release,
    set_slack_thread,
    slack_threads,
)

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retry, lease and batching parameters (the defaults suit production)."""

    #: First retry after about this many seconds, doubling each attempt.
    first_retry_seconds: float = 10.0
    #: Longest wait between two attempts (before jitter).
    max_retry_seconds: float = 1800.0
    #: A message still failing this long after it was queued is dead.
    give_up_after: timedelta = timedelta(hours=24)
    #: Longest ``Retry-After`` honoured.
    max_retry_after_seconds: float = 6 * 3600.0
    #: How long a claimed message is reserved for its deliverer.
    lease: timedelta = timedelta(seconds=60)
    #: Most messages claimed per channel and pass.
    batch_size: int = 200
    #: Time budget per channel and pass; a run is ``rate_per_second × slice_seconds`` long.
    slice_seconds: float = 2.0
    #: Channels sent in parallel.
    workers: int = 8
    #: Delivered marks are written together every this many sends…
    mark_batch: int = 50
    #: …or this many seconds after the oldest unwritten one.
    mark_seconds: float = 0.2
    rng: random.Random = field(default_factory=random.Random, compare=False)

    def backoff(self, attempt: int) -> float:
        """Seconds before retry number ``attempt`` (1-based): exponential, capped, jittered.

        "Equal jitter": between half and all of ``first × 2^(attempt-1)``, capped.
        """
        ceiling = min(self.max_retry_seconds, self.first_retry_seconds * 2 ** (attempt - 1))
        return float(ceiling / 2 + self.rng.uniform(0, ceiling / 2))


@dataclass
class DeliveryReport:
    """What one or more passes did."""

    delivered: int = 0
    retried: int = 0
    dead: int = 0
    digests: int = 0
    #: (channel, seconds from enqueue to delivery) of each message delivered.
    latencies: list[tuple[str, float]] = field(default_factory=list)

    @property
    def attempted(self) -> int:
        """Send attempts made."""
        return self.delivered + self.retried + self.dead

    def add(self, other: DeliveryReport) -> None:
        """Add ``other``'s counts to this report."""
        self.delivered += other.delivered
        self.retried += other.retried
        self.dead += other.dead
        self.digests += other.digests
        self.latencies += other.latencies


@dataclass
class _Run:
    channel: ChannelConfig
    messages: list[LeasedMessage]
    #: Earliest start of the first send (the channel's pace), None for right away.
    not_before: datetime | None
    threads: dict[int, str]


def deliver_due(
    session_factory: sessionmaker[Session],
    settings: Settings,
    senders: Mapping[str, Sender],
    now: datetime | None = None,
    *,
    clock: Clock | None = None,
    policy: DeliveryPolicy | None = None,
    channels: Collection[str] | None = None,
) -> DeliveryReport:
    """One delivery pass over every enabled channel with a sender (or only ``channels``).

    ``senders`` maps channel names to senders (:func:`alerts.channels.open_senders`); ``now``
    defaults to ``clock.now()``. Returns the counts of the pass.
    """
    clock = clock or SystemClock()
    policy = policy or DeliveryPolicy()
    now = now or clock.now()
    report = DeliveryReport()
    with session_factory.begin() as session:
        report.digests = build_due_digests(session, settings, now)
    usable = {
        channel.name: channel
        for channel in settings.channels
        if channel.enabled
        and channel.name in senders
        and (channels is None or channel.name in channels)
    }
    if not usable:
        return report
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    with session_factory.begin() as session:
        runs = _claim(session, usable, owner, now, policy)

    def send(run: _Run) -> DeliveryReport:
        sender = senders[run.channel.name]
        return _send_run(session_factory, run, sender, owner, clock, policy)

    if len(runs) <= 1:
        results = [send(run) for run in runs]
    else:
        workers = min(policy.workers, len(runs))
        with ThreadPoolExecutor(workers, thread_name_prefix="leakwatch-deliver") as pool:
            results = list(pool.map(send, runs))
    for result in results:
        report.add(result)
    return report


def run_deliverer(
    session_factory: sessionmaker[Session],
    settings: Settings,
    senders: Mapping[str, Sender],
    stop: threading.Event,
    *,
    interval: float = 1.0,
    clock: Clock | None = None,
    policy: DeliveryPolicy | None = None,
) -> DeliveryReport:
    """Deliver until ``stop`` is set; idle passes are ``interval`` seconds apart."""
    total = DeliveryReport()
    while not stop.is_set():
        report = deliver_due(session_factory, settings, senders, clock=clock, policy=policy)
        total.add(report)
        if not report.attempted:
            stop.wait(interval)
    return total


def _claim(
    session: Session,
    channels: Mapping[str, ChannelConfig],
    owner: str,
    now: datetime,
    policy: DeliveryPolicy,
) -> list[_Run]:
    runs: list[_Run] = []
    for name, head_id in sorted(pending_heads(session, channels).items()):
        head = lock_pending(session, head_id)
        if head is None or head.next_attempt_at > now:
            continue
        if head.locked_until is not None and head.locked_until > now:
            continue
        channel = channels[name]
        rate = channel.send_rate
        not_before = None
        limit = policy.batch_size
        if rate is not None:
            last = last_attempt_at(session, name)
            if last is not None:
                not_before = last + timedelta(seconds=1 / rate)
                if (not_before - now).total_seconds() > policy.slice_seconds:
                    continue
            limit = max(1, min(limit, int(rate * policy.slice_seconds)))
        leased = lease_run(session, name, head_id, limit, owner, now + policy.lease, now)
        if not leased:
            continue
        threads = slack_threads(session, [m.incident_id for m in leased if m.incident_id], name)
        runs.append(_Run(channel, leased, not_before, threads))
    return runs


def _is_update(message: LeasedMessage) -> bool:
    return message.payload.get("type") == ALERT_UPDATED


def _send_run(
    session_factory: sessionmaker[Session],
    run: _Run,
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
    run: _Run,
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
    # Stop well before the lease ends so no other deliverer can take these messages meanwhile.
    stop_at = clock.now() + policy.lease / 2
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


def _outgoing(run: _Run, message: LeasedMessage) -> OutgoingMessage:
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
        run: _Run,
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
            self.run.channel.name,
            message,
            self.clock.now(),
            outcome,
            self.policy,
            self.report,
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
            for incident_id, ts in self.threads:
                set_slack_thread(session, incident_id, self.channel, ts)
        self.deliveries, self.threads, self.since = [], [], None


def _record_failure(
    session_factory: sessionmaker[Session],
    channel: str,
    message: LeasedMessage,
    at: datetime,
    error: DeliveryFailed,
    policy: DeliveryPolicy,
    report: DeliveryReport,
) -> None:
    attempt = message.attempts + 1
    retry_at: datetime | None = None
    text = str(error)
    if isinstance(error, TransientDeliveryError):
        if error.retry_after is not None:
            delay = min(error.retry_after, policy.max_retry_after_seconds)
        else:
            delay = policy.backoff(attempt)
        retry_at = at + timedelta(seconds=delay)
        if retry_at - message.created_at > policy.give_up_after:
            retry_at = None
            text = f"gave up after {attempt} attempt(s): {text}"
    with session_factory.begin() as session:
        mark_failed(session, message.id, at, text, retry_at)
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
