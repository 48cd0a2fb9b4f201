"""Backoff delays and redirect refusals (the rules; real crawls exercise the middlewares)."""

from __future__ import annotations

import asyncio
import socket
from datetime import UTC, datetime

import pytest

from crawler.fetch.download_rules import is_private_host
from crawler.fetch.middlewares.backoff import backoff_delay, retry_after_seconds
from crawler.fetch.middlewares.redirect_guard import refused_redirect, resolves_private


def test_backoff_doubles_respects_retry_after_and_is_capped() -> None:
    assert [backoff_delay(n, 2.0, 60.0) for n in (1, 2, 3, 4)] == [2.0, 4.0, 8.0, 16.0]
    assert backoff_delay(1, 2.0, 60.0, retry_after="30") == 30.0
    assert backoff_delay(1, 2.0, 60.0, retry_after="Wed, 21 Oct 2026 07:28:00 GMT") == 2.0
    assert backoff_delay(10, 2.0, 60.0) == 60.0
    assert backoff_delay(1, 2.0, 60.0, retry_after="3600") == 60.0


def test_retry_after_as_an_http_date() -> None:
    now = datetime(2026, 10, 21, 7, 28, tzinfo=UTC)
    assert retry_after_seconds("Wed, 21 Oct 2026 07:28:45 GMT", now) == 45.0
    assert retry_after_seconds("Wed, 21 Oct 2026 07:27:00 GMT", now) == 0.0
    assert retry_after_seconds("soon", now) is None
    assert retry_after_seconds("", now) is None


A = "http://forum.example/forumdisplay.php?fid=2"


@pytest.mark.parametrize(
    ("target", "chain", "allowed", "private", "reason"),
    [
        ("http://forum.example/member.php?action=login", [A], ["forum.example"], False, None),
        ("http://cdn.forum.example/x", [A], ["forum.example"], False, None),
        ("http://evil.example/x", [A], ["forum.example"], False, "off-site"),
        (A, [A, "http://forum.example/b"], ["forum.example"], False, "loop"),
        ("http://10.0.0.5/admin", [A], [], False, "private"),
        ("http://10.0.0.5/admin", [A], [], True, None),
        ("javascript:alert(1)", [A], [], False, "non-HTTP"),
    ],
)
def test_redirect_rules(
    target: str, chain: list[str], allowed: list[str], private: bool, reason: str | None
) -> None:
    refused = refused_redirect(chain[-1], target, chain, allowed, private)
    if reason is None:
        assert refused is None
    else:
        assert refused is not None and reason in refused


def test_same_loopback_host_is_not_a_private_redirect() -> None:
    source = "http://127.0.0.1:8000/a"
    assert (
        refused_redirect(source, "http://127.0.0.1:8000/b", [source], ["127.0.0.1"], False) is None
    )


def test_a_name_resolving_to_a_private_address_is_refused() -> None:
    host = socket.gethostname()  # /etc/hosts maps the machine's name to a local address
    addresses = {info[4][0] for info in socket.getaddrinfo(host, None)}
    if not addresses or not all(is_private_host(address) for address in addresses):
        pytest.skip(f"{host} does not resolve to a private address here: {addresses}")
    reason = asyncio.run(resolves_private("http://forum.example/a", f"http://{host}:8080/x"))
    assert reason is not None and f"({host} resolves to " in reason
    same_host = asyncio.run(resolves_private(f"http://{host}/a", f"http://{host}/b"))
    assert same_host is None
