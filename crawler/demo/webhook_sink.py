"""A loopback HTTP server that records every request: the receiving end of alert channels.

The demo points its webhook and Slack channels at it and prints what arrives
(:func:`describe`); delivery tests script its answers with a responder (fail, throttle,
drop the connection, block) and inspect :attr:`WebhookSink.requests`. By default it answers
like Slack's Web API, ``200 {"ok": true, "ts": "…"}``, which incoming-webhook and generic
webhook senders accept too.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import signal
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from crawler.demo.loopback import BackgroundServer


@dataclass(frozen=True)
class ReceivedRequest:
    """One request as received: headers with lower-case names, raw body, arrival time."""

    seq: int
    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    received_at: datetime

    def json(self) -> Any:
        """The body parsed as JSON."""
        return json.loads(self.body)

    @property
    def webhook_id(self) -> str | None:
        """The Standard Webhooks message id, if any."""
        return self.headers.get("webhook-id")


@dataclass(frozen=True)
class SinkResponse:
    """How to answer: a status, body and headers, or ``drop`` the connection unanswered.

    ``drip_seconds`` > 0 sends the answer one byte at a time, that many seconds apart (a
    receiver that stalls its client without ever letting a read time out).
    """

    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    drop: bool = False
    drip_seconds: float = 0.0


Responder = Callable[[ReceivedRequest], SinkResponse]


def slack_ok(request: ReceivedRequest) -> SinkResponse:
    """``200 {"ok": true, "ts": …}`` with a ``ts`` unique to the request (Slack-like)."""
    body = json.dumps({"ok": True, "ts": f"1700000000.{request.seq:06d}"}).encode()
    return SinkResponse(200, body, {"Content-Type": "application/json"})


def describe(request: ReceivedRequest) -> str:
    """One line about a received alert: path, id, event type, severity and entity if any."""
    parts = [f"{request.method} {request.path}"]
    if request.webhook_id:
        parts.append(f"webhook-id={request.webhook_id}")
    try:
        document = request.json()
    except ValueError:
        return " ".join([*parts, f"{len(request.body)} bytes"])
    if isinstance(document, dict):
        data = document.get("data")
        data = data if isinstance(data, dict) else {}
        for key, value in (
            ("type", document.get("type")),
            ("severity", data.get("severity")),
            ("entity", (data.get("entity") or {}).get("name")),
            ("text", document.get("text")),
        ):
            if value:
                parts.append(f"{key}={str(value)[:80]!r}")
    return " ".join(parts)


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(
        self, request: socket.socket | tuple[bytes, socket.socket], client_address: Any
    ) -> None:
        # A client that went away (killed deliverer, timeout) is part of the tests' script.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class WebhookSink(BackgroundServer):
    """Threaded HTTP server on 127.0.0.1 recording requests; use as a context manager."""

    def __init__(
        self,
        responder: Responder = slack_ok,
        *,
        clock: Callable[[], datetime] | None = None,
        on_request: Callable[[ReceivedRequest], None] | None = None,
        port: int = 0,
    ) -> None:
        """``clock`` stamps arrivals (default: real UTC time); ``on_request`` sees each one."""
        self.responder = responder
        self.clock = clock or (lambda: datetime.now(UTC))
        self.on_request = on_request
        self._requests: list[ReceivedRequest] = []
        self._lock = threading.Condition()
        #: Set when the sink stops: dripping answers end.
        self.closed = threading.Event()
        super().__init__(_Server(("127.0.0.1", port), self._handler_class()), "webhook-sink")

    def stop(self) -> None:
        """Stop serving (ending any dripping answer) and close the socket."""
        self.closed.set()
        super().stop()

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:54321`` (append any path)."""
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[ReceivedRequest]:
        """Requests received so far, in arrival order (a copy)."""
        with self._lock:
            return list(self._requests)

    def wait_for(self, count: int, timeout: float = 10.0) -> bool:
        """Wait until ``count`` requests have arrived; False on timeout."""
        with self._lock:
            return self._lock.wait_for(lambda: len(self._requests) >= count, timeout)

    def _record(self, method: str, path: str, headers: dict[str, str], body: bytes) -> SinkResponse:
        with self._lock:
            request = ReceivedRequest(
                len(self._requests), method, path, headers, body, self.clock()
            )
            self._requests.append(request)
            self._lock.notify_all()
        if self.on_request is not None:
            self.on_request(request)
        return self.responder(request)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        sink = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # Headers and body go out in two writes: without TCP_NODELAY, keep-alive clients
            # wait ~40 ms per request for a delayed ACK.
            disable_nagle_algorithm = True

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                self._handle()

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                self._handle()

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                headers = {name.lower(): value for name, value in self.headers.items()}
                answer = sink._record(self.command, self.path, headers, body)
                if answer.drop:
                    self.close_connection = True
                    return
                if answer.drip_seconds > 0:
                    self._drip(answer)
                    return
                self.send_response(answer.status)
                for name, value in answer.headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(answer.body)))
                self.end_headers()
                self.wfile.write(answer.body)

            def _drip(self, answer: SinkResponse) -> None:
                head = f"HTTP/1.1 {answer.status} OK\r\nContent-Length: {len(answer.body)}\r\n"
                head += "".join(f"{name}: {value}\r\n" for name, value in answer.headers.items())
                for byte in (head + "\r\n").encode() + answer.body:
                    if sink.closed.wait(answer.drip_seconds):
                        break
                    self.wfile.write(bytes([byte]))
                    self.wfile.flush()
                self.close_connection = True

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler


def main(argv: list[str] | None = None) -> None:
    """``python -m crawler.demo.webhook_sink [--port N] [--quiet]``: serve until interrupted.

    Prints ``listening on URL`` first, then one :func:`describe` line per request (unless
    ``--quiet``). Answers like Slack's Web API.
    """
    parser = argparse.ArgumentParser(description="Loopback sink that records alert requests.")
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free)")
    parser.add_argument("--quiet", action="store_true", help="do not print each request")
    args = parser.parse_args(argv)

    def say(line: str) -> None:
        sys.stdout.write(line + "\n")
        sys.stdout.flush()

    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    show = None if args.quiet else lambda request: say(describe(request))
    with WebhookSink(port=args.port, on_request=show) as sink:
        say(f"listening on {sink.url}")
        with contextlib.suppress(KeyboardInterrupt):
            stop.wait()
        say(f"received {len(sink.requests)} request(s)")


if __name__ == "__main__":
    main()
