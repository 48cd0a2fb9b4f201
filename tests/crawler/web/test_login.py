"""Logins over HTTP: lockouts per username and address, log lines, server-side sessions, the
Secure cookie behind a trusted proxy, and a login flood that leaves the database writable."""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
from sqlalchemy import event, update
from sqlalchemy.exc import OperationalError

import crawler.web.login
from db.accounts import issue_token, set_disabled, set_password
from db.engine import make_engine, make_session_factory
from db.models import ApiToken, utcnow
from db.repository import PostRow, sync_sources, upsert_posts
from tests.conftest import copy_sqlite
from tests.crawler.web.conftest import (
    PASSWORD,
    LiveServer,
    add_accounts,
    csrf_token,
    login,
    make_settings,
    serve_app,
)
from tests.seed import SOURCES

WRONG = "not the password at all"


@pytest.fixture
def sqlite_url(tmp_path: Path, migrated_sqlite_template: Path) -> str:
    """A migrated SQLite database with the accounts ``ana`` (analyst) and ``jo``."""
    url = copy_sqlite(migrated_sqlite_template, tmp_path / "leakwatch.db")
    add_accounts(url)
    return url


@contextmanager
def app_on(url: str, **web: Any) -> Iterator[str]:
    """The app on ``url`` with these ``web`` settings, served on loopback."""
    with serve_app(make_settings(url, **web)) as base_url:
        yield base_url


@pytest.fixture
def verifications(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every password hash the login route verifies (the real argon2 verification runs)."""
    seen: list[str] = []
    real = crawler.web.login.verify_password

    def counted(password_hash: str, password: str) -> bool:
        seen.append(password_hash)
        return real(password_hash, password)

    monkeypatch.setattr(crawler.web.login, "verify_password", counted)
    return seen


def attempt(
    base_url: str, username: str, password: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    """One login through the form, from a new client (its own CSRF token)."""
    with httpx.Client(base_url=base_url, headers=headers or {}, timeout=60) as client:
        token = csrf_token(client.get("/login").text)
        return client.post(
            "/login", data={"username": username, "password": password, "csrf_token": token}
        )


def test_failures_lock_out_the_username_and_the_address(
    sqlite_url: str, verifications: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="crawler.web.login")
    proxy = {"trusted_proxies": ["127.0.0.1"], "login_max_failures": 3}
    with app_on(sqlite_url, **proxy) as base_url:

        def via(address: str) -> dict[str, str]:
            return {"X-Forwarded-For": address}

        # The username: three failures from three addresses lock "jo" out everywhere...
        for address in ("192.0.2.1", "192.0.2.2", "192.0.2.3"):
            assert attempt(base_url, "jo", WRONG, via(address)).status_code == 401
        refused = attempt(base_url, "JO", PASSWORD, via("192.0.2.4"))
        assert refused.status_code == 429 and "Too many failed logins" in refused.text
        assert 0 < int(refused.headers["retry-after"]) <= 900
        assert len(verifications) == 3  # the refused attempt cost no argon2 work
        # ...but not "ana", whose own failures start from a success again.
        assert attempt(base_url, "ana", WRONG, via("192.0.2.5")).status_code == 401
        assert attempt(base_url, "ana", PASSWORD, via("192.0.2.6")).status_code == 303
        # The address: three failures on three usernames lock 198.51.100.7 out for everyone.
        for username in ("ana", "nobody", "someone"):
            assert attempt(base_url, username, WRONG, via("198.51.100.7")).status_code == 401
        assert attempt(base_url, "ana", PASSWORD, via("198.51.100.7")).status_code == 429
        assert attempt(base_url, "ana", PASSWORD, via("198.51.100.8")).status_code == 303
    messages = [record.getMessage() for record in caplog.records]
    assert "failed login for user 'jo' from 192.0.2.1" in messages
    assert "failed login for user 'jo' from 192.0.2.3: locked out" in messages
    assert any(
        message.startswith("login refused for user 'JO' from 192.0.2.4: locked out for")
        for message in messages
    )
    assert "failed login for user 'nobody' from 198.51.100.7" in messages
    assert not any(PASSWORD in message or WRONG in message for message in messages)


def test_forwarded_addresses_from_anyone_else_are_ignored(
    sqlite_url: str, verifications: list[str], caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="crawler.web.login")
    with app_on(sqlite_url, login_max_failures=3) as base_url:
        # A client rotating X-Forwarded-For is still one address, 127.0.0.1.
        for index, username in enumerate(("a1", "a2", "a3")):
            spoofed = {"X-Forwarded-For": f"203.0.113.{index}"}
            assert attempt(base_url, username, WRONG, spoofed).status_code == 401
        spoofed = {"X-Forwarded-For": "203.0.113.99"}
        assert attempt(base_url, "ana", PASSWORD, spoofed).status_code == 429
        assert len(verifications) == 3
        # A hostile username cannot forge a log line.
        hostile = "evil\nINFO login ok for admin\x1b[2J"
    with app_on(sqlite_url) as base_url:
        assert attempt(base_url, hostile, WRONG).status_code == 401
    messages = [record.getMessage() for record in caplog.records]
    assert "failed login for user 'a1' from 127.0.0.1" in messages
    logged = [message for message in messages if "evil" in message]
    assert logged == [
        "failed login for user 'evil\\nINFO login ok for admin\\x1b[2J' from 127.0.0.1"
    ]


def test_logout_ends_the_session_server_side(live_server: LiveServer) -> None:
    client = login(live_server.base_url, "ana")
    copied = httpx.Client(base_url=live_server.base_url, cookies=dict(client.cookies))
    assert copied.get("/hits").status_code == 200
    assert copied.get("/api/hits").status_code == 200
    token = csrf_token(client.get("/hits").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    # The copied cookie is still validly signed and unexpired, but its session is gone.
    assert copied.get("/hits").status_code == 303
    assert copied.get("/api/hits").status_code == 401
    client.close()
    copied.close()


@pytest.mark.parametrize("change", ["disable", "password"])
def test_disabling_or_a_new_password_ends_sessions(live_server: LiveServer, change: str) -> None:
    client = login(live_server.base_url, "jo")
    assert client.get("/hits").status_code == 200
    engine = make_engine(live_server.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            if change == "disable":
                set_disabled(session, "jo", True)
            else:
                set_password(session, "jo", "a brand new password")
    finally:
        engine.dispose()
    assert client.get("/hits").status_code == 303
    client.close()


def set_cookie(response: httpx.Response) -> str:
    """The session cookie the response sets."""
    [cookie] = [
        value
        for value in response.headers.get_list("set-cookie")
        if value.startswith("leakwatch_session=")
    ]
    return cookie


def test_secure_cookie_only_when_a_trusted_proxy_says_https(sqlite_url: str) -> None:
    https = {"X-Forwarded-Proto": "https"}
    with app_on(sqlite_url, trusted_proxies=["127.0.0.0/8"]) as base_url:
        with httpx.Client(base_url=base_url, headers=https) as client:
            form = client.get("/login")
            assert "secure" in set_cookie(form).lower()
            # The browser spoke HTTPS to the proxy, so it sends the Secure cookie back; httpx,
            # speaking plain HTTP to the app, would not: send it by hand.
            cookie = set_cookie(form).split(";")[0]
            behind = client.post(
                "/login",
                data={"username": "ana", "password": PASSWORD, "csrf_token": csrf_token(form.text)},
                headers={"Cookie": cookie},
            )
        assert behind.status_code == 303 and "secure" in set_cookie(behind).lower()
        plain = attempt(base_url, "ana", PASSWORD)
        assert "secure" not in set_cookie(plain).lower()
        assert "httponly" in set_cookie(plain).lower()
    for trusted in ([], ["10.0.0.0/8"]):
        with app_on(sqlite_url, trusted_proxies=trusted) as base_url:
            claimed = attempt(base_url, "ana", PASSWORD, https)
            assert claimed.status_code == 303
            assert "secure" not in set_cookie(claimed).lower(), trusted


def store_post(sessions: Any, source_id: int, number: int) -> None:
    """Store one post through the crawl's storage code."""
    row = PostRow(
        external_id=f"flood-{number}",
        url=None,
        title=f"post {number}",
        author=None,
        posted_at=None,
        activity_at=None,
        content_hash=f"h{number}",
        excerpt="text",
        raw_length=4,
        tags=[],
        extra={},
    )
    with sessions.begin() as session:
        upsert_posts(session, source_id, [row])


def impatient_writer(url: str) -> Any:
    """A session factory whose writes fail at once when another connection holds SQLite's
    write lock (busy timeout 0) instead of waiting for it."""
    engine = make_engine(url)

    def no_wait(dbapi_connection: Any, _record: object) -> None:
        dbapi_connection.execute("PRAGMA busy_timeout=0")

    event.listen(engine, "connect", no_wait)  # after make_engine's own, which sets 30 s
    return engine, make_session_factory(engine)


def test_a_login_flood_holds_no_write_lock(
    sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    clients, attempts = 16, 1
    engine, writers = impatient_writer(sqlite_url)
    with writers.begin() as session:
        source_id = sync_sources(session, SOURCES[:1])[SOURCES[0].name]
    serial = threading.Lock()  # the test's own writes never contend with each other
    blocked: list[str] = []
    stored = [0]
    real = crawler.web.login.verify_password

    def write(tag: str) -> None:
        with serial:
            try:
                store_post(writers, source_id, stored[0])
                stored[0] += 1
            except OperationalError as exc:
                blocked.append(f"{tag}: {exc.orig}")

    def verify_while_writing(password_hash: str, password: str) -> bool:
        # A crawl storing a post while this password is verified: it must not find the write
        # lock taken (today the login verified inside a write transaction).
        write("during verification")
        return real(password_hash, password)

    monkeypatch.setattr(crawler.web.login, "verify_password", verify_while_writing)
    done = threading.Event()
    try:
        with app_on(sqlite_url, login_max_failures=1000) as base_url:

            def crawl() -> None:
                while not done.is_set():
                    write("beside the flood")

            def flood(index: int) -> list[int]:
                return [
                    attempt(base_url, f"user{index}", WRONG).status_code for _ in range(attempts)
                ]

            crawler_thread = threading.Thread(target=crawl)
            crawler_thread.start()
            with ThreadPoolExecutor(clients) as pool:
                statuses = [status for batch in pool.map(flood, range(clients)) for status in batch]
            done.set()
            crawler_thread.join(30)
    finally:
        done.set()
        engine.dispose()
    assert blocked == []
    assert statuses == [401] * clients * attempts
    assert stored[0] > clients * attempts  # one per verification, and the crawl's own


def test_an_expired_token_is_refused_by_the_api(live_server: LiveServer) -> None:
    engine = make_engine(live_server.database_url)
    try:
        with make_session_factory(engine).begin() as session:
            expiring = issue_token(session, "ana", "expiring", timedelta(hours=1))
        bearer = {"Authorization": f"Bearer {expiring}"}
        assert httpx.get(f"{live_server.base_url}/api/hits", headers=bearer).status_code == 200
        with make_session_factory(engine).begin() as session:
            session.execute(
                update(ApiToken)
                .where(ApiToken.label == "expiring")
                .values(expires_at=utcnow() - timedelta(seconds=1))
            )
    finally:
        engine.dispose()
    assert httpx.get(f"{live_server.base_url}/api/hits", headers=bearer).status_code == 401
