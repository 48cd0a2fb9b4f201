"""A loopback forum for tests, benchmarks and the demo: MyBB, phpBB, XenForo or custom markup.

:class:`ForumServer` serves a :class:`DemoForum` on 127.0.0.1 (port 0 by default) with each
engine's URL scheme, listing and thread pages, pagination, stickies, relative dates and login
form. :class:`ForumModes` switch on what a real forum throws at a crawler: a login wall, a
ban, a Cloudflare or DDoS-Guard interstitial, changed markup, oversize pages, redirect loops,
off-site redirects and transient 503s. Modes and content can change while it runs.

    python -m crawler.demo.forums.server --engine mybb --threads 300 --port 8008
"""

from __future__ import annotations

import argparse
import re
import secrets
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

from crawler.demo.forums.data import DemoForum, DemoSection, DemoThread, generate_forum
from crawler.demo.forums.render import ENGINES, DateStyle, render, render_interstitial

_PREFIX_COLOURS = {"SELLING": "red", "LEAK": "orange", "BUYING": "green"}
_PREFIX_IDS = {"SELLING": 1, "LEAK": 2, "BUYING": 3}


@dataclass
class ForumModes:
    """What the forum does to visitors; every flag can be flipped while the server runs."""

    login_required: bool = False
    banned: bool = False
    challenge: str | None = None  # "cloudflare" or "ddos-guard"
    markup_changed: bool = False
    oversize_bytes: int = 0
    redirect_loop: bool = False
    offsite_redirect: bool = False
    #: The first N requests of every path answer 503 (transient overload).
    failures_per_path: int = 0
    language: str = "en"
    per_page: int = 20
    xenforo_version: str = "2.2"
    username: str = "watcher"
    password: str = "correct horse battery staple"


@dataclass(frozen=True)
class Routes:
    """One engine's URL scheme."""

    section: str
    section_page: str
    thread: str
    login: str
    login_post: str
    user_field: str
    password_field: str
    session_cookie: str


ROUTES = {
    "mybb": Routes(
        "/forumdisplay.php?fid={id}", "/forumdisplay.php?fid={id}&page={page}",
        "/showthread.php?tid={id}", "/member.php?action=login", "/member.php",
        "username", "password", "mybbuser",
    ),
    "phpbb": Routes(
        "/viewforum.php?f={id}", "/viewforum.php?f={id}&start={start}", "/viewtopic.php?t={id}",
        "/ucp.php?mode=login", "/ucp.php", "username", "password", "phpbb3_demo_u",
    ),
    "xenforo": Routes(
        "/forums/{slug}.{id}/", "/forums/{slug}.{id}/page-{page}", "/threads/{slug}.{id}/",
        "/login/", "/login/login", "login", "password", "xf_user",
    ),
    "custom": Routes(
        "/section/{id}", "/section/{id}?page={page}", "/thread/{id}", "/login", "/login",
        "pseudo", "mdp", "session",
    ),
}  # fmt: skip


@dataclass
class ForumServer:
    """The loopback forum; ``requests`` lists every ``METHOD path`` served, in order."""

    forum: DemoForum
    engine: str
    modes: ForumModes = field(default_factory=ForumModes)
    requests: list[str] = field(default_factory=list)
    base_url: str = ""
    post_key: str = field(default_factory=lambda: secrets.token_hex(16))
    _sessions: set[str] = field(default_factory=set)
    _served: Counter[str] = field(default_factory=Counter)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        if self.engine not in ENGINES:
            raise ValueError(f"engine must be one of {', '.join(ENGINES)}")
        self.routes = ROUTES[self.engine]

    def section_url(self, section_id: int) -> str:
        """Absolute URL of a section's first listing page."""
        return self.base_url + self._section_path(section_id, 1)

    @property
    def login_url(self) -> str:
        """Absolute URL of the login form."""
        return self.base_url + self.routes.login

    def open_session(self) -> str:
        """A logged-in session cookie (``name=value``), as a browser export would hold it."""
        session = secrets.token_hex(12)
        with self._lock:
            self._sessions.add(session)
        return f"{self.routes.session_cookie}={session}"

    def listing_requests(self) -> list[str]:
        """The listing pages requested so far (paths)."""
        marker = {"mybb": "forumdisplay.php", "phpbb": "viewforum.php"}.get(self.engine)
        marker = marker or ("/forums/" if self.engine == "xenforo" else "/section/")
        return [r.split(" ", 1)[1] for r in self.requests if marker in r]

    def thread_requests(self) -> list[str]:
        """The thread pages requested so far (paths)."""
        marker = {"mybb": "showthread.php", "phpbb": "viewtopic.php", "xenforo": "/threads/"}
        return [
            r.split(" ", 1)[1] for r in self.requests if marker.get(self.engine, "/thread/") in r
        ]

    # --- request handling --------------------------------------------------------------------

    def handle(self, method: str, path: str, cookies: dict[str, str], form: dict[str, str]) -> Any:
        """Answer one request: (status, headers, body bytes)."""
        with self._lock:
            self.requests.append(f"{method} {path}")
            self._served[path] += 1
            served = self._served[path]
        modes = self.modes
        if modes.challenge:
            return self._challenge(modes.challenge)
        if served <= modes.failures_per_path:
            return 503, {"Retry-After": "1"}, b"<html><body>Service overloaded</body></html>"
        user = modes.username if cookies.get(self.routes.session_cookie) in self._sessions else None
        if method == "POST":
            if urlsplit(path).path != urlsplit(self.routes.login_post).path:
                return 405, {}, b"<html><body>Method not allowed</body></html>"
            return self._login(form)
        parts = urlsplit(path)
        if parts.path + ("?" + parts.query if parts.query else "") == self.routes.login:
            return self._page("login", user, redirect="/", error="", explain="")
        if parts.path in ("/", "/index.php"):
            return self._index(user)
        listing = self._match_listing(parts.path, parse_qs(parts.query))
        if listing is not None:
            return self._listing(listing[0], listing[1], path, user)
        thread = self._match_thread(parts.path, parse_qs(parts.query))
        if thread is not None:
            return self._thread(thread, user)
        return 404, {}, b"<html><body><h1>404 Not Found</h1></body></html>"

    def _listing(self, section: DemoSection, page: int, path: str, user: str | None) -> Any:
        modes = self.modes
        if modes.redirect_loop:
            if "loop=1" in path:
                target = re.sub(r"[?&]loop=1", "", path)
            else:
                target = f"{path}{'&' if '?' in path else '?'}loop=1"
            return 302, {"Location": target}, b""
        if modes.offsite_redirect:
            port = self.base_url.rsplit(":", 1)[1]
            return 302, {"Location": f"http://localhost:{port}{path}"}, b""
        blocked = self._wall(user)
        if blocked is not None:
            return blocked
        pages = section.page_count(modes.per_page)
        context: dict[str, Any] = {
            "section": section,
            "stickies": section.stickies() if page == 1 else [],
            "threads": section.page(page, modes.per_page),
            "page": page,
            "pages": pages,
            "total": len(section.threads),
            "page_url": lambda number: self._section_path(section.section_id, number),
            "section_url": self._section_path(section.section_id, 1),
        }
        template = "listing_changed" if modes.markup_changed else "listing"
        status, headers, body = self._page(template, user, **context)
        if modes.oversize_bytes and len(body) < modes.oversize_bytes:
            filler = b"<!-- " + b"x" * (modes.oversize_bytes - len(body)) + b" -->"
            body = body.replace(b"</body>", filler + b"</body>")
        return status, headers, body

    def _index(self, user: str | None) -> Any:
        """The board index: the sections as the engine's forum list (no thread rows)."""
        if self.engine == "custom":
            greeting = f"Welcome back, {user}." if user else "Hello there, guest."
            page = f"<html><body><h1>Board index</h1><p>{greeting}</p></body></html>"
            return 200, {}, page.encode()
        sections = [(s, self._section_path(s.section_id, 1)) for s in self.forum.sections]
        return self._page("index", user, sections=sections)

    def _thread(self, thread: DemoThread, user: str | None) -> Any:
        blocked = self._wall(user)
        if blocked is not None:
            return blocked
        found = self.forum.thread(thread.thread_id)
        assert found is not None
        return self._page("thread", user, section=found[0], thread=thread)

    def _wall(self, user: str | None) -> Any:
        if self.modes.banned:
            return self._page("error", user, reason="banned")
        if self.modes.login_required and user is None:
            explain = {
                "mybb": "",
                "phpbb": "The board requires you to be registered and logged in to view this "
                "forum.",
                "xenforo": "You must be logged-in to do that.",
                "custom": "Vous devez être connecté pour voir cette page.",
            }[self.engine]
            if self.engine == "mybb":
                return self._page("error", user, reason="nopermission")
            status, headers, body = self._page(
                "login", user, redirect="/", error="", explain=explain
            )
            return (403 if self.engine == "xenforo" else 200), headers, body
        return None

    def _login(self, form: dict[str, str]) -> Any:
        routes = self.routes
        token_field = {"mybb": "my_post_key", "phpbb": "form_token", "xenforo": "_xfToken"}
        token = form.get(token_field.get(self.engine, "csrf"), "")
        good = (
            form.get(routes.user_field) == self.modes.username
            and form.get(routes.password_field) == self.modes.password
            and token == self.post_key
        )
        if not good:
            error = {
                "mybb": "You have entered an invalid username/password combination.",
                "phpbb": "You have specified an incorrect password.",
                "xenforo": "Incorrect password. Please try again.",
                "custom": "Identifiants incorrects.",
            }[self.engine]
            return self._page("login", None, redirect="/", error=error, explain="")
        cookie = f"{self.open_session()}; path=/; HttpOnly"
        return 302, {"Location": "/index.php", "Set-Cookie": cookie}, b""

    def _page(self, template: str, user: str | None, **context: Any) -> Any:
        style = DateStyle(
            self.modes.language, self.forum.now, self.forum.timezone, self.modes.xenforo_version
        )
        html = render(
            self.engine,
            template,
            self.forum,
            style,
            base=self.base_url,
            user=user,
            post_key=self.post_key,
            sid=secrets.token_hex(16),
            xf_version=self.modes.xenforo_version,
            thread_url=self._thread_path,
            prefix_ids=_PREFIX_IDS,
            prefix_colours=_PREFIX_COLOURS,
            **context,
        )
        status = 403 if template == "error" and self.engine == "xenforo" else 200
        return status, {"Content-Type": "text/html; charset=UTF-8"}, html.encode("utf-8")

    def _challenge(self, kind: str) -> Any:
        body = render_interstitial(kind).encode("utf-8")
        if kind == "cloudflare":
            headers = {"Server": "cloudflare", "cf-mitigated": "challenge", "CF-RAY": "8e1c-CDG"}
            return 403, {"Content-Type": "text/html; charset=UTF-8", **headers}, body
        return 403, {"Content-Type": "text/html; charset=UTF-8", "Server": "ddos-guard"}, body

    # --- URL scheme ---------------------------------------------------------------------------

    def _section_path(self, section_id: int, page: int) -> str:
        section = self.forum.section(section_id)
        slug = section.slug if section else "section"
        if page <= 1:
            return self.routes.section.format(id=section_id, slug=slug)
        start = (page - 1) * self.modes.per_page
        return self.routes.section_page.format(id=section_id, slug=slug, page=page, start=start)

    def _thread_path(self, thread: DemoThread) -> str:
        path = self.routes.thread.format(id=thread.thread_id, slug=thread.slug)
        # MyBB and phpBB write relative links; phpBB adds the visitor's session id.
        if self.engine == "mybb":
            return path.lstrip("/")
        if self.engine == "phpbb":
            return f".{path}&sid={secrets.token_hex(16)}"
        return path

    def _match_listing(
        self, path: str, query: dict[str, list[str]]
    ) -> tuple[DemoSection, int] | None:
        number: int | None = None
        page = 1
        if self.engine == "mybb" and path == "/forumdisplay.php":
            number, page = _int(query, "fid"), _int(query, "page") or 1
        elif self.engine == "phpbb" and path == "/viewforum.php":
            number = _int(query, "f")
            page = (_int(query, "start") or 0) // self.modes.per_page + 1
        elif self.engine == "xenforo":
            match = re.fullmatch(r"/forums/[^/]*\.(\d+)/(?:page-(\d+))?", path)
            if match:
                number, page = int(match.group(1)), int(match.group(2) or 1)
        elif self.engine == "custom":
            match = re.fullmatch(r"/section/(\d+)", path)
            if match:
                number, page = int(match.group(1)), _int(query, "page") or 1
        section = self.forum.section(number) if number is not None else None
        return (section, page) if section is not None else None

    def _match_thread(self, path: str, query: dict[str, list[str]]) -> DemoThread | None:
        number: int | None = None
        if self.engine == "mybb" and path == "/showthread.php":
            number = _int(query, "tid")
        elif self.engine == "phpbb" and path == "/viewtopic.php":
            number = _int(query, "t")
        else:
            match = re.fullmatch(r"/threads/[^/]*\.(\d+)/|/thread/(\d+)", path)
            if match:
                number = int(match.group(1) or match.group(2))
        found = self.forum.thread(number) if number is not None else None
        return found[1] if found else None


@contextmanager
def serve_forum(
    forum: DemoForum, engine: str, modes: ForumModes | None = None, port: int = 0
) -> Iterator[ForumServer]:
    """Run a :class:`ForumServer` on 127.0.0.1 (``port`` 0: any free port) for the block."""
    site = ForumServer(forum, engine, modes or ForumModes())
    server = _QuietServer(("127.0.0.1", port), _handler_for(site))
    site.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, name="forum-server", daemon=True)
    thread.start()
    try:
        yield site
    finally:
        server.shutdown()
        server.server_close()


class _QuietServer(ThreadingHTTPServer):
    """Threaded server that does not print a traceback when a client hangs up early
    (a crawler refusing an oversize page does exactly that)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if not isinstance(error, ConnectionError):
            super().handle_error(request, client_address)


def _handler_for(site: ForumServer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # noqa: N802 - http.server naming
            self._answer("GET", {})

        def do_POST(self) -> None:  # noqa: N802 - http.server naming
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length).decode("utf-8", "replace")
            form = {key: values[0] for key, values in parse_qs(raw).items()}
            self._answer("POST", form)

        def _answer(self, method: str, form: dict[str, str]) -> None:
            cookies = dict(
                part.strip().split("=", 1)
                for part in (self.headers.get("Cookie") or "").split(";")
                if "=" in part
            )
            status, headers, body = site.handle(method, self.path, cookies, form)
            self.send_response(status)
            headers.setdefault("Content-Type", "text/html; charset=UTF-8")
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    return Handler


def _int(query: dict[str, list[str]], name: str) -> int | None:
    values = query.get(name)
    return int(values[0]) if values and values[0].isdigit() else None


def main() -> None:
    """Serve a generated demo forum until interrupted."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--engine", choices=ENGINES, default="mybb")
    parser.add_argument("--threads", type=int, default=200)
    parser.add_argument("--port", type=int, default=8008)
    parser.add_argument("--language", choices=("en", "fr"), default="en")
    arguments = parser.parse_args()
    forum = generate_forum(threads=arguments.threads)
    modes = ForumModes(language=arguments.language)
    with serve_forum(forum, arguments.engine, modes, port=arguments.port) as site:
        for section in forum.sections:
            sys.stdout.write(f"{section.name}: {site.section_url(section.section_id)}\n")
        sys.stdout.flush()
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            return


if __name__ == "__main__":
    main()
