"""A total deadline for one HTTP send, on top of httpx's per-operation timeouts.

httpx times out each connect, read and write, not the whole request: a receiver that answers
one byte every few seconds never lets a read time out and holds its sender for as long as it
likes. :func:`send_deadline` sets a deadline for the requests the current thread makes; the
network streams of :class:`DeadlineTransport` shorten every connect, read and write timeout
to the time left, so the request fails with an httpx timeout once the deadline has passed.

httpx has no public way to give its connection pool a network backend, so
:class:`DeadlineTransport` rebuilds the pool of an ``httpx.HTTPTransport`` with one (pinned by
``tests/alerts/test_transport.py``). Requests through a proxy from the environment
(``HTTPS_PROXY``) go through httpx's own proxy transports and keep per-operation timeouts only.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import httpcore
import httpx

_deadlines = threading.local()


@contextmanager
def send_deadline(seconds: float) -> Iterator[None]:
    """Within the block, requests of this thread through a :class:`DeadlineTransport` fail
    with an httpx timeout once ``seconds`` have passed since the block was entered."""
    previous = getattr(_deadlines, "at", None)
    _deadlines.at = time.monotonic() + seconds
    try:
        yield
    finally:
        _deadlines.at = previous


def deadline_passed() -> bool:
    """Whether this thread's current deadline (if any) has passed."""
    at: float | None = getattr(_deadlines, "at", None)
    return at is not None and time.monotonic() >= at


def _left(timeout: float | None, error: type[Exception]) -> float | None:
    """``timeout`` shortened to the time left before this thread's deadline; raises ``error``
    when none is left."""
    at: float | None = getattr(_deadlines, "at", None)
    if at is None:
        return timeout
    left = at - time.monotonic()
    if left <= 0:
        raise error("send deadline passed")
    return left if timeout is None else min(timeout, left)


class DeadlineStream(httpcore.NetworkStream):
    """A network stream whose reads and writes end at the thread's deadline."""

    def __init__(self, stream: httpcore.NetworkStream) -> None:
        self._stream = stream

    def read(self, max_bytes: int, timeout: float | None = None) -> bytes:
        """Read, waiting no longer than the deadline allows."""
        return self._stream.read(max_bytes, _left(timeout, httpcore.ReadTimeout))

    def write(self, buffer: bytes, timeout: float | None = None) -> None:
        """Write, waiting no longer than the deadline allows."""
        self._stream.write(buffer, _left(timeout, httpcore.WriteTimeout))

    def close(self) -> None:
        """Close the underlying stream."""
        self._stream.close()

    def start_tls(
        self,
        ssl_context: Any,
        server_hostname: str | None = None,
        timeout: float | None = None,
    ) -> httpcore.NetworkStream:
        """Upgrade to TLS within the deadline; the TLS stream keeps it too."""
        upgraded = self._stream.start_tls(
            ssl_context, server_hostname, _left(timeout, httpcore.ConnectTimeout)
        )
        return DeadlineStream(upgraded)

    def get_extra_info(self, info: str) -> Any:
        """What the underlying stream says (socket, TLS object, addresses)."""
        return self._stream.get_extra_info(info)


class DeadlineBackend(httpcore.NetworkBackend):
    """httpcore's synchronous backend whose connections end at the thread's deadline."""

    def __init__(self) -> None:
        self._backend = httpcore.SyncBackend()

    def connect_tcp(
        self,
        host: str,
        port: int,
        timeout: float | None = None,
        local_address: str | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect within the deadline; the stream keeps it."""
        stream = self._backend.connect_tcp(
            host, port, _left(timeout, httpcore.ConnectTimeout), local_address, socket_options
        )
        return DeadlineStream(stream)

    def connect_unix_socket(
        self,
        path: str,
        timeout: float | None = None,
        socket_options: Iterable[Any] | None = None,
    ) -> httpcore.NetworkStream:
        """Connect to a Unix socket within the deadline; the stream keeps it."""
        stream = self._backend.connect_unix_socket(
            path, _left(timeout, httpcore.ConnectTimeout), socket_options
        )
        return DeadlineStream(stream)

    def sleep(self, seconds: float) -> None:
        """Sleep (httpcore's retries)."""
        self._backend.sleep(seconds)


class DeadlineTransport(httpx.HTTPTransport):
    """``httpx.HTTPTransport`` (default limits, TLS verification) over :class:`DeadlineBackend`."""

    def __init__(self) -> None:
        super().__init__()
        limits = httpx.Limits(max_connections=100, max_keepalive_connections=20)
        self._pool = httpcore.ConnectionPool(
            ssl_context=httpx.create_ssl_context(),
            max_connections=limits.max_connections,
            max_keepalive_connections=limits.max_keepalive_connections,
            keepalive_expiry=limits.keepalive_expiry,
            network_backend=DeadlineBackend(),
        )
