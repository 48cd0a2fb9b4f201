"""A loopback site that attacks its crawler, next to one good forum listing (test helper).

Routes (``HostileSite.paths`` lists every path requested):

* ``/html/section/<n>`` and ``/js/section/<n>``: the scripted forum (crawler.demo.browser_site);
* ``/gzip-bomb``, ``/brotli-bomb``: a small compressed body that inflates to 64 MiB of HTML;
* ``/huge``: announces and streams 100 MB;
* ``/endless``: a chunked HTML body that never ends;
* ``/slow``: sends one byte every 0.3 s (slow loris);
* ``/attachment``: a page sent with ``Content-Disposition: attachment``;
* ``/archive``: an ``application/zip`` body;
* ``/to-private?port=N``: a redirect to ``http://127.0.0.1:N/html/section/2``.
"""

from __future__ import annotations

import gzip
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import brotli

from crawler.demo.browser_site import ScriptedForumSite
from crawler.demo.loopback import SiteRequest

BOMB_SIZE = 64 * 1024 * 1024
HUGE_SIZE = 100 * 1000 * 1000


@cache
def bomb(encoding: str) -> bytes:
    """64 MiB of HTML compressed with ``encoding`` (gzip or br), built once."""
    page = b"<html><body>" + b"A" * (BOMB_SIZE - 26) + b"</body></html>"
    if encoding == "gzip":
        return gzip.compress(page, compresslevel=9)
    return bytes(brotli.compress(page, quality=5))


@dataclass
class HostileSite:
    """The running server's address and what it was asked."""

    base_url: str = ""
    paths: list[str] = field(default_factory=list)
    forum: ScriptedForumSite = field(default_factory=lambda: ScriptedForumSite(sections=3, pages=1))


@contextmanager
def serve_hostile() -> Iterator[HostileSite]:
    """Serve the hostile site on an ephemeral loopback port until the block exits."""
    site = HostileSite()
    bomb("gzip"), bomb("br")  # built before serving, so that a slow build is no slow loris
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(site))
    server.daemon_threads = True
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


def _handler(site: HostileSite) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            site.paths.append(self.path)
            route = urlsplit(self.path).path
            try:
                if route.startswith(("/html/", "/js/")):
                    self._forum()
                elif route == "/gzip-bomb":
                    self._send(bomb("gzip"), "text/html", {"Content-Encoding": "gzip"})
                elif route == "/brotli-bomb":
                    self._send(bomb("br"), "text/html", {"Content-Encoding": "br"})
                elif route == "/huge":
                    self._huge()
                elif route == "/endless":
                    self._endless()
                elif route == "/slow":
                    self._slow()
                elif route == "/attachment":
                    disposition = {"Content-Disposition": 'attachment; filename="patients.html"'}
                    self._send(b"<html>nom;prenom;nir</html>", "text/html", disposition)
                elif route == "/archive":
                    self._send(b"PK\x03\x04" + b"\0" * 512, "application/zip")
                elif route == "/to-private":
                    port = parse_qs(urlsplit(self.path).query)["port"][0]
                    target = f"http://127.0.0.1:{port}/html/section/2"
                    self._send(b"", "text/html", {"Location": target}, status=302)
                else:
                    self._send(b"not found", "text/plain", status=404)
            except OSError:
                return  # the crawler hung up: that is what a cap does

        def _forum(self) -> None:
            request = SiteRequest("GET", self.path, parse_qs(urlsplit(self.path).query), {})
            answer = site.forum.handle(request)
            self._send(answer.body, answer.content_type, status=answer.status)

        def _send(
            self, body: bytes, content_type: str, headers: Any = None, status: int = 200
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(body)

        def _huge(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", str(HUGE_SIZE))
            self.end_headers()
            chunk = b"<p>" + b"x" * 65533
            for _ in range(HUGE_SIZE // len(chunk)):
                self.wfile.write(chunk)

        def _endless(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"<p>" + b"y" * 16381
            while True:
                self.wfile.write(f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n")

        def _slow(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.send_header("Content-Length", "100000")
            self.end_headers()
            for _ in range(100000):
                self.wfile.write(b"z")
                self.wfile.flush()
                time.sleep(0.3)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler
