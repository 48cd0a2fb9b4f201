"""Channel workers: each channel is delivered from a thread of its own, so a slow or stalled
receiver delays its own messages only.

:meth:`ChannelWorkers.deliver` is the daemon's 1 s job and the step of :func:`run_deliverer`
(``leakwatch alerts deliver --loop``): it queues due digests, starts
:func:`alerts.deliverer.deliver_channel` for every channel whose previous job has ended, and
returns what the jobs that ended since did. It never waits for a send. A channel has at most
one job at a time, so its order and pace are kept; outbox semantics are those of the
deliverer (claims, leases, marks).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping

from sqlalchemy.orm import Session, sessionmaker

from alerts.clock import Clock, SystemClock
from alerts.deliverer import deliver_channel, usable_channels
from alerts.delivery_policy import DeliveryPolicy, DeliveryReport
from alerts.digest import build_due_digests
from alerts.routing import operations_channels
from alerts.transport import Sender
from crawler.core.config import ChannelConfig, Settings

logger = logging.getLogger(__name__)
#: Longest :meth:`ChannelWorkers.close` waits for running jobs (a job ends within its lease).
CLOSE_WAIT_SECONDS = 60.0


class ChannelWorkers:
    """Runs one delivery job per channel at a time, each in its own thread."""

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        clock: Clock | None = None,
        policy: DeliveryPolicy | None = None,
    ) -> None:
        self.session_factory = session_factory
        self.clock = clock or SystemClock()
        self.policy = policy or DeliveryPolicy()
        self._changed = threading.Condition()
        self._busy: set[str] = set()
        self._finished = DeliveryReport()
        self._progress = False

    def deliver(self, settings: Settings, senders: Mapping[str, Sender]) -> DeliveryReport:
        """Queue due digests, start a job for each usable channel without one, and return the
        counts of the jobs that ended since the last call (digests: those queued now)."""
        with self.session_factory.begin() as session:
            digests = build_due_digests(session, settings, self.clock.now())
        with self._changed:
            report, self._finished = self._finished, DeliveryReport()
            self._progress = False
            operations = tuple(operations_channels(settings))
            for channel in usable_channels(settings, senders):
                if channel.name in self._busy:
                    continue
                self._busy.add(channel.name)
                threading.Thread(
                    target=self._job,
                    args=(channel, senders[channel.name], operations),
                    name=f"leakwatch-deliver-{channel.name}",
                    daemon=True,
                ).start()
        report.digests += digests
        return report

    def wait(self, timeout: float) -> None:
        """Wait until a job that sent something ends (its channel may have more), or
        ``timeout`` seconds."""
        with self._changed:
            self._changed.wait_for(lambda: self._progress, timeout)

    def busy(self) -> set[str]:
        """Names of the channels with a job running."""
        with self._changed:
            return set(self._busy)

    def close(self, timeout: float = CLOSE_WAIT_SECONDS) -> DeliveryReport:
        """Wait up to ``timeout`` seconds for running jobs to end; return what jobs did since
        the last :meth:`deliver`. A job still running keeps its lease: its unanswered messages
        are sent again, with the same ids, once the lease ends."""
        with self._changed:
            if not self._changed.wait_for(lambda: not self._busy, timeout):
                logger.warning(
                    "alert channel(s) still sending at shutdown: %s", ", ".join(sorted(self._busy))
                )
            report, self._finished = self._finished, DeliveryReport()
        return report

    def _job(self, channel: ChannelConfig, sender: Sender, operations: tuple[str, ...]) -> None:
        report = DeliveryReport()
        try:
            report = deliver_channel(
                self.session_factory,
                channel,
                sender,
                clock=self.clock,
                policy=self.policy,
                operations=operations,
            )
        except Exception:  # a database error must not stop the channel for good
            logger.exception("alert delivery to channel %s failed", channel.name)
        finally:
            with self._changed:
                self._busy.discard(channel.name)
                self._finished.add(report)
                self._progress = self._progress or report.attempted > 0
                self._changed.notify_all()


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
    """Deliver until ``stop`` is set, each channel from its own thread; a channel with nothing
    to send is looked at again ``interval`` seconds later, one that sent something at once."""
    total = DeliveryReport()
    workers = ChannelWorkers(session_factory, clock=clock, policy=policy)
    try:
        while not stop.is_set():
            total.add(workers.deliver(settings, senders))
            workers.wait(interval)
    finally:
        total.add(workers.close())
    return total
