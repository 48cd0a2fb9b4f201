"""What the deliverer works with: its policy (retries, leases, batches), what a pass did, and
the run of messages it claimed for one channel."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from crawler.core.config import ChannelConfig
from db.outbox import LeasedMessage


@dataclass(frozen=True)
class DeliveryPolicy:
    """Retry, lease and batching parameters (the defaults suit production)."""

    #: First retry after about this many seconds, doubling each attempt.
    first_retry_seconds: float = 10.0
    #: Longest wait between two attempts (before jitter). A channel's messages wait behind its
    #: oldest one, so this bounds how long alerts stay queued once a receiver is back.
    max_retry_seconds: float = 300.0
    #: A message still failing this long after it was queued is dead.
    give_up_after: timedelta = timedelta(hours=24)
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
class Run:
    """Due messages of one channel, claimed together, to send in id order."""

    channel: ChannelConfig
    messages: list[LeasedMessage]
    #: Earliest start of the first send (the channel's pace), None for right away.
    not_before: datetime | None
    threads: dict[int, str]
    #: Operations channels told when this channel's receiver refuses (401, 403, 404, 410).
    operations: tuple[str, ...] = ()
