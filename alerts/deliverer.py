"""The deliverer: sends due outbox messages, in order per channel, paced, with retries.

:func:`deliver_due` is one pass (``leakwatch alerts deliver``); the daemon and ``alerts deliver
--loop`` run the same steps per channel from :class:`alerts.workers.ChannelWorkers`, so that a
slow channel never delays another:

1. queue the digests of ended periods (:mod:`alerts.digest`);
2. for each channel (:func:`deliver_channel`), claim in one short transaction a run of due
   messages: the channel's oldest pending message and the due ones right behind it (see
   :mod:`db.outbox`). A channel whose oldest message waits for a retry waits as a whole, so
   order is kept; other channels go on;
3. send each channel's run in its own thread, in id order, at most ``send_rate`` a second (the
   pace survives between passes and deliverers: it is read from the channel's last attempt;
   Slack defaults to 1/s, other channels are unpaced) and with at most ``max_in_flight``
   requests out at once (default 1), recording the answers in small batches (every 50 sends
   or 0.2 s, and before anything else is written).

Each send has a total deadline (the channel's ``send_timeout_seconds``, default 20 s, at most
40 s; :mod:`alerts.deadline`), and a run starts no send after ``min(lease / 2, lease - deadline
- 10 s)``, so every send of a run has ended while its messages are still leased: no other
deliverer can send them meanwhile.

A crash between a send and its mark leaves the message leased; when the lease expires it is
sent again with the same ``webhook-id`` (at-least-once; receivers deduplicate on that id).

Failures: transient ones (timeouts, connection errors, 5xx) are retried with exponential
backoff and jitter; ``429``/``Retry-After`` waits as long as asked, up to the channel's
``max_retry_after_seconds`` (default 15 min; a longer wait is capped and logged); a message
still failing after :attr:`DeliveryPolicy.give_up_after` (24 h) is dead, as is one rejected
with another 4xx. A receiver that refuses us (401, 403, 404, 410: a revoked token, a deleted
endpoint) dead-letters every alert until someone acts: the operations channels get one
``channel.refusing`` message when that starts (:func:`alerts.outbox.enqueue_refusing_alert`).
Dead messages keep their error and can be re-queued (``leakwatch alerts retry``).
"""

from __future__ import annotations

import os
import socket
import uuid
from collections.abc import Collection, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy.orm import Session, sessionmaker

from alerts.clock import Clock, SystemClock
from alerts.delivery_policy import DeliveryPolicy, DeliveryReport, Run
from alerts.digest import build_due_digests
from alerts.routing import operations_channels
from alerts.sending import send_run
from alerts.transport import Sender
from crawler.core.config import ChannelConfig, Settings
from db.outbox import last_attempt_at, lease_run, lock_pending, pending_heads, slack_threads

__all__ = [
    "DeliveryPolicy",
    "DeliveryReport",
    "deliver_channel",
    "deliver_due",
    "usable_channels",
]


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
    """One delivery pass over every enabled channel with a sender (or only ``channels``),
    waiting for every channel (``leakwatch alerts deliver``; the daemon and ``--loop`` use
    :class:`alerts.workers.ChannelWorkers`, which waits for none).

    ``senders`` maps channel names to senders (:func:`alerts.channels.open_senders`); ``now``
    defaults to ``clock.now()``. Returns the counts of the pass.
    """
    clock = clock or SystemClock()
    policy = policy or DeliveryPolicy()
    now = now or clock.now()
    report = DeliveryReport()
    with session_factory.begin() as session:
        report.digests = build_due_digests(session, settings, now)
    usable = usable_channels(settings, senders, channels)

    operations = operations_channels(settings)

    def send(channel: ChannelConfig) -> DeliveryReport:
        return deliver_channel(
            session_factory,
            channel,
            senders[channel.name],
            now,
            clock=clock,
            policy=policy,
            operations=operations,
        )

    if len(usable) <= 1:
        results = [send(channel) for channel in usable]
    else:
        workers = min(policy.workers, len(usable))
        with ThreadPoolExecutor(workers, thread_name_prefix="leakwatch-deliver") as pool:
            results = list(pool.map(send, usable))
    for result in results:
        report.add(result)
    return report


def deliver_channel(
    session_factory: sessionmaker[Session],
    channel: ChannelConfig,
    sender: Sender,
    now: datetime | None = None,
    *,
    clock: Clock | None = None,
    policy: DeliveryPolicy | None = None,
    operations: Sequence[str] = (),
) -> DeliveryReport:
    """Claim ``channel``'s due run (in a transaction of its own) and send it; return the counts.

    Nothing is claimed while the channel's oldest pending message waits for a retry or is
    leased by another deliverer. ``operations`` are the channels told (once per change) when
    this channel's receiver refuses its alerts (401, 403, 404, 410).
    """
    clock = clock or SystemClock()
    policy = policy or DeliveryPolicy()
    now = now or clock.now()
    owner = f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
    with session_factory.begin() as session:
        runs = _claim(session, {channel.name: channel}, owner, now, policy, tuple(operations))
    report = DeliveryReport()
    for run in runs:
        report.add(send_run(session_factory, run, sender, owner, clock, policy))
    return report


def usable_channels(
    settings: Settings, senders: Mapping[str, Sender], only: Collection[str] | None = None
) -> list[ChannelConfig]:
    """The enabled channels that have a sender (and are in ``only``, when given), by name."""
    usable = [
        channel
        for channel in settings.channels
        if channel.enabled and channel.name in senders and (only is None or channel.name in only)
    ]
    return sorted(usable, key=lambda channel: channel.name)


def _claim(
    session: Session,
    channels: Mapping[str, ChannelConfig],
    owner: str,
    now: datetime,
    policy: DeliveryPolicy,
    operations: tuple[str, ...],
) -> list[Run]:
    runs: list[Run] = []
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
        runs.append(Run(channel, leased, not_before, threads, operations))
    return runs
