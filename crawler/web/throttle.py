"""Login throttling: failures counted per username and per client address, growing lockouts.

Each login attempt is first reserved against two keys, the username (case-folded) and the
client address (an IPv6 client by its /64, which one host usually owns whole). A key with
``max_failures`` failures, or attempts still being checked, within ``window`` seconds refuses
further attempts; when the last of them fails the key is locked out for ``lockout`` seconds,
doubling with each further lockout up to ``lockout_max`` (the growth is forgotten after a
quiet ``lockout_max``). A refused attempt costs no argon2 work and no database access. A
successful login clears its username's failures (not its address's: one valid account must not
let an address try other accounts' passwords for ever).

Counting attempts before they are checked bounds the argon2 work per key even when a flood
sends them all at once. The state lives in the web process's memory, bounded to
``max_keys`` keys (the least recently used are forgotten): a flood never writes to the
database, and a restart forgets the lockouts. At most ``concurrent_checks`` passwords are
verified at once (each verification holds 64 MiB).
"""

from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv6Address, IPv6Network, ip_address

from crawler.core.config import WebConfig

#: Keys remembered at most (about 200 bytes each).
MAX_KEYS = 100_000
#: argon2 verifications run at once; more wait for a slot.
CONCURRENT_CHECKS = 4


@dataclass
class _Record:
    """One key's recent failures (times, reserved attempts included) and lockout state."""

    failures: list[float] = field(default_factory=list)
    locked_until: float = 0.0
    lockouts: int = 0
    last_failure: float = 0.0


class LoginThrottle:
    """Per-username and per-address login limits of one web process (thread-safe)."""

    def __init__(
        self,
        max_failures: int,
        window: float,
        lockout: float,
        lockout_max: float,
        clock: Callable[[], float] = time.monotonic,
        max_keys: int = MAX_KEYS,
        concurrent_checks: int = CONCURRENT_CHECKS,
    ) -> None:
        self.max_failures = max_failures
        self.window = window
        self.lockout = lockout
        self.lockout_max = lockout_max
        self._clock = clock
        self._max_keys = max_keys
        self._records: OrderedDict[str, _Record] = OrderedDict()
        self._lock = threading.Lock()
        #: Taken around each password verification.
        self.checks = threading.BoundedSemaphore(concurrent_checks)

    @classmethod
    def from_config(cls, config: WebConfig) -> LoginThrottle:
        """The throttle the ``web.login_*`` settings describe."""
        return cls(
            config.login_max_failures,
            config.login_window,
            config.login_lockout,
            config.login_lockout_max,
        )

    def reserve(self, username: str, address: str) -> int:
        """Count an attempt for ``username`` from ``address`` before its password is checked.

        Returns 0 when it may go on (then call :meth:`failed` or :meth:`succeeded`), else the
        seconds until the username or address may try again (nothing is counted then).
        """
        keys = attempt_keys(username, address)
        with self._lock:
            now = self._clock()
            wait = max(self._wait(key, now) for key in keys)
            if wait > 0:
                return math.ceil(wait)
            for key in keys:
                self._record(key).failures.append(now)
            return 0

    def failed(self, username: str, address: str) -> bool:
        """The reserved attempt failed; returns whether it started a lockout."""
        locked = False
        with self._lock:
            now = self._clock()
            for key in attempt_keys(username, address):
                record = self._record(key)
                if record.lockouts and now - record.last_failure > self.lockout_max:
                    record.lockouts = 0
                record.last_failure = now
                if len(self._recent(record, now)) >= self.max_failures:
                    duration = min(self.lockout * 2**record.lockouts, self.lockout_max)
                    record.locked_until = now + duration
                    record.lockouts += 1
                    record.failures.clear()
                    locked = True
        return locked

    def succeeded(self, username: str, address: str) -> None:
        """The reserved attempt succeeded: the username starts afresh; the address's count
        drops the attempt."""
        user_key, address_key = attempt_keys(username, address)
        with self._lock:
            self._records.pop(user_key, None)
            record = self._records.get(address_key)
            if record is not None and record.failures:
                record.failures.pop()

    def _wait(self, key: str, now: float) -> float:
        record = self._records.get(key)
        if record is None:
            return 0.0
        if record.locked_until > now:
            return record.locked_until - now
        recent = self._recent(record, now)
        if len(recent) >= self.max_failures:
            return recent[0] + self.window - now
        if not recent and (not record.lockouts or now - record.last_failure > self.lockout_max):
            del self._records[key]  # nothing left to remember
        return 0.0

    def _recent(self, record: _Record, now: float) -> list[float]:
        record.failures[:] = [at for at in record.failures if now - at < self.window]
        return record.failures

    def _record(self, key: str) -> _Record:
        record = self._records.get(key)
        if record is None:
            record = self._records[key] = _Record()
            while len(self._records) > self._max_keys:
                self._records.popitem(last=False)
        else:
            self._records.move_to_end(key)
        return record


def attempt_keys(username: str, address: str) -> tuple[str, str]:
    """The two keys an attempt counts against: its username and its address (IPv6: /64)."""
    try:
        parsed = ip_address(address)
    except ValueError:
        parsed = None
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is None:
        address = str(IPv6Network(f"{parsed}/64", strict=False))
    elif isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is not None:
        address = str(parsed.ipv4_mapped)
    return f"user:{username.casefold()}", f"address:{address}"
