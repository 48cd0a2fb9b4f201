"""Serve a demo site on 127.0.0.1: one small threaded HTTP server for every non-forum demo site.

A demo site (Telegram preview, paste archive, leak site, feeds) is any object with a
``handle(request) -> SiteResponse`` method (:class:`DemoSite`); :class:`LoopbackServer` serves it
on an ephemeral loopback port for tests, benchmarks and ``make demo``, and records the paths
requested so tests can check what a crawl fetched. Content can change while the server runs.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Protocol, Self
from urllib.parse import parse_qs, urlsplit


@dataclass(frozen=True)
class SiteRequest:
    """One request as a demo site sees it: method, path (with query string), query and headers."""

    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes = b""

    @property
    def route(self) -> str:
        """The path without its query string."""
        return urlsplit(self.path).path

    def param(self, name: str) -> str | None:
        """The first value of query parameter ``name``, or None."""
        values = self.query.get(name)
        return values[0] if values else None


@dataclass
class SiteResponse:
    """What a demo site answers."""

    status: int = 200
    body: bytes = b""
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)


def html(text: str, status: int = 200, charset: str = "utf-8") -> SiteResponse:
    """An HTML response encoded in ``charset``."""
    return SiteResponse(status, text.encode(charset), f"text/html; charset={charset}")


def not_found() -> SiteResponse:
    """A plain 404."""
    return SiteResponse(404, b"not found", "text/plain")


class DemoSite(Protocol):
    """A site served by :class:`LoopbackServer`."""

    def handle(self, request: SiteRequest) -> SiteResponse:
        """Answer one request."""
        ...


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        # A crawler that hangs up mid-response (size caps, shutdown) is normal here.
        return


class BackgroundServer:
    """An HTTP server on 127.0.0.1 served from a daemon thread; a context manager.

    The start/stop lifecycle shared by :class:`LoopbackServer` and the webhook sink.
    """

    def __init__(self, server: ThreadingHTTPServer, thread_name: str) -> None:
        self._server = server
        self._thread_name = thread_name
        self._thread: threading.Thread | None = None

    def start(self) -> Self:
        """Start serving in a daemon thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, name=self._thread_name, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving and close the socket."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()


class LoopbackServer(BackgroundServer):
    """Serve ``site`` on 127.0.0.1 (port 0 = any free port) while used as a context manager."""

    def __init__(self, site: DemoSite, port: int = 0) -> None:
        self.site = site
        self.requested: list[str] = []
        self._lock = threading.Lock()
        super().__init__(_QuietServer(("127.0.0.1", port), self._handler_class()), "demo-site")

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT`` without a trailing slash."""
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def _record(self, path: str) -> None:
        with self._lock:
            self.requested.append(path)

    def _handler_class(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 - http.server naming
                self._answer()

            def do_POST(self) -> None:  # noqa: N802 - http.server naming
                self._answer()

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server._record(self.path)
                request = SiteRequest(
                    method=self.command,
                    path=self.path,
                    query=parse_qs(urlsplit(self.path).query),
                    headers={name.lower(): value for name, value in self.headers.items()},
                    body=body,
                )
                response = server.site.handle(request)
                self.send_response(response.status)
                self.send_header("Content-Type", response.content_type)
                self.send_header("Content-Length", str(len(response.body)))
                for name, value in response.headers.items():
                    self.send_header(name, value)
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(response.body)

            def log_message(self, format: str, *args: object) -> None:
                return

        return Handler
