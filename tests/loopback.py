"""A tiny threaded HTTP server on 127.0.0.1 for tests: routes are a dict path → (status, body)."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Route = tuple[int, str, bytes] | Callable[[], tuple[int, str, bytes]]


@dataclass
class LoopbackSite:
    """Routes served by the server (mutable while it runs) and the paths requested so far."""

    routes: dict[str, Route]
    requested: list[str] = field(default_factory=list)
    base_url: str = ""


@contextmanager
def serve(routes: dict[str, Route]) -> Iterator[LoopbackSite]:
    """Serve ``routes`` on an ephemeral loopback port until the block exits."""
    site = LoopbackSite(routes=dict(routes))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            site.requested.append(self.path)
            route = site.routes.get(self.path)
            if route is None:
                status, content_type, body = 404, "text/plain", b"not found"
            else:
                status, content_type, body = route() if callable(route) else route
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()
