"""Login throttling on a clock the test turns: windows, growing lockouts, reservations."""

from __future__ import annotations

from crawler.web.throttle import LoginThrottle, attempt_keys


class Clock:
    """Seconds that pass only when the test says so."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def fail(throttle: LoginThrottle, username: str, address: str) -> bool:
    """One failed attempt; whether it started a lockout."""
    assert throttle.reserve(username, address) == 0
    return throttle.failed(username, address)


def test_lockouts_double_up_to_the_maximum_and_are_forgotten() -> None:
    clock = Clock()
    throttle = LoginThrottle(3, window=900, lockout=900, lockout_max=3600, clock=clock)
    expected = [900, 1800, 3600, 3600]
    for duration in expected:
        assert [fail(throttle, "ana", f"192.0.2.{n}") for n in range(3)] == [False, False, True]
        assert throttle.reserve("ana", "198.51.100.1") == duration
        clock.now += duration - 1
        assert throttle.reserve("ana", "198.51.100.1") == 1
        clock.now += 1
    clock.now += 3601  # a quiet lockout_max: the growth starts over
    assert [fail(throttle, "ana", f"192.0.2.{n}") for n in range(3)] == [False, False, True]
    assert throttle.reserve("ana", "198.51.100.1") == 900


def test_failures_older_than_the_window_no_longer_count() -> None:
    clock = Clock()
    throttle = LoginThrottle(3, window=600, lockout=900, lockout_max=3600, clock=clock)
    fail(throttle, "jo", "192.0.2.1")
    fail(throttle, "jo", "192.0.2.1")
    clock.now += 601
    assert not fail(throttle, "jo", "192.0.2.1")
    assert not fail(throttle, "jo", "192.0.2.1")
    assert fail(throttle, "jo", "192.0.2.1")


def test_attempts_in_flight_count_and_a_success_clears_the_username() -> None:
    clock = Clock()
    throttle = LoginThrottle(2, window=600, lockout=900, lockout_max=3600, clock=clock)
    # Two attempts being checked at once: a third waits for them, costing no argon2 work.
    assert throttle.reserve("ana", "192.0.2.1") == 0
    assert throttle.reserve("ana", "192.0.2.1") == 0
    assert throttle.reserve("ana", "192.0.2.2") == 600
    throttle.succeeded("ana", "192.0.2.1")
    assert throttle.reserve("ana", "192.0.2.3") == 0  # the username starts afresh
    throttle.succeeded("ana", "192.0.2.3")
    # The address keeps its one failure in flight: one more and it is locked.
    assert fail(throttle, "someone", "192.0.2.1")
    assert throttle.reserve("ana", "192.0.2.1") == 900


def test_keys_fold_case_and_group_ipv6_by_64() -> None:
    assert attempt_keys("Ana", "2001:db8:1:2:aaaa::1") == attempt_keys("ANA", "2001:db8:1:2::9")
    assert attempt_keys("ana", "2001:db8:1:3::1")[1] == "address:2001:db8:1:3::/64"
    assert attempt_keys("ana", "::ffff:192.0.2.1")[1] == "address:192.0.2.1"
    assert attempt_keys("ana", "unknown")[1] == "address:unknown"


def test_memory_is_bounded() -> None:
    throttle = LoginThrottle(5, window=600, lockout=900, lockout_max=3600, max_keys=10)
    for number in range(100):
        fail(throttle, f"user{number}", f"10.0.0.{number}")
    assert len(throttle._records) <= 10
