"""Time as the deliverer sees it: ``now()`` and ``sleep()``, swappable for a simulated clock.

Backoff, leases, digests and per-channel pacing all read the clock they are given, so tests can
run hours of outage or a thousand paced messages in a second of real time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    """Source of the current UTC time and of waiting."""

    def now(self) -> datetime:
        """The current time, timezone-aware UTC."""
        ...

    def sleep(self, seconds: float) -> None:
        """Wait ``seconds`` (no-op when zero or negative)."""
        ...


class SystemClock:
    """The real clock."""

    def now(self) -> datetime:
        """``datetime.now(UTC)``."""
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        """``time.sleep`` for positive durations."""
        if seconds > 0:
            time.sleep(seconds)
