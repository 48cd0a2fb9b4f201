"""The real web application, on its own seeded database, served by uvicorn on loopback.

``live_server`` starts the app in a thread on 127.0.0.1 (ephemeral port) for one test and stops
it afterwards; ``analyst_client`` / ``journalist_client`` are httpx clients already logged in.
"""

from __future__ import annotations

import re
import shutil
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
import uvicorn

from crawler.core.config import Settings
from crawler.web.app import create_app
from db.accounts import create_user, issue_token
from db.engine import make_engine, make_session_factory
from tests.seed import Seeded, seed

SECRET = "test-secret-key-0123456789abcdef"
CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "correct horse battery staple"


@dataclass(frozen=True)
class LiveServer:
    """A running leakwatch web app: its URL, the seeded ids and an analyst's API token."""

    base_url: str
    seeded: Seeded
    token: str
    database_url: str


def make_settings(database_url: str, **web: Any) -> Settings:
    """Settings for a test app on ``database_url``, with more ``web`` settings if given."""
    return Settings(database_url=database_url, web={"secret_key": SECRET, **web})


def add_accounts(database_url: str) -> str:
    """Create the analyst ``ana`` and the journalist ``jo``; return an API token of ``ana``."""
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            create_user(session, "ana", "analyst", PASSWORD)
            create_user(session, "jo", "journalist", PASSWORD)
            return issue_token(session, "ana", "tests")
    finally:
        engine.dispose()


@contextmanager
def serve_app(settings: Settings) -> Iterator[str]:
    """Run the app with uvicorn in a thread until the block exits; yield its URL.

    uvicorn's proxy headers are off, as in ``leakwatch web``: the app decides whom to believe.
    """
    app = create_app(settings)
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", proxy_headers=False)
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(10)


@pytest.fixture
def live_server(migrated_url: str) -> Iterator[LiveServer]:
    """The seeded app with two accounts, served on loopback, on each database engine."""
    seeded = seed(migrated_url)
    token = add_accounts(migrated_url)
    with serve_app(make_settings(migrated_url)) as base_url:
        yield LiveServer(base_url, seeded, token, migrated_url)


def login(base_url: str, username: str, password: str = PASSWORD) -> httpx.Client:
    """An httpx client logged in through the login form (CSRF token included)."""
    client = httpx.Client(base_url=base_url, follow_redirects=False, timeout=10)
    form = client.get("/login")
    token = csrf_token(form.text)
    response = client.post(
        "/login", data={"username": username, "password": password, "csrf_token": token}
    )
    assert response.status_code == 303, response.text
    return client


def csrf_token(html: str) -> str:
    """The CSRF token of the first form of a page."""
    match = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert match, "no CSRF token in the page"
    return match.group(1)


@pytest.fixture
def analyst_client(live_server: LiveServer) -> Iterator[httpx.Client]:
    """Logged in as the analyst ``ana``."""
    client = login(live_server.base_url, "ana")
    yield client
    client.close()


@pytest.fixture
def journalist_client(live_server: LiveServer) -> Iterator[httpx.Client]:
    """Logged in as the journalist ``jo``."""
    client = login(live_server.base_url, "jo")
    yield client
    client.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One Chromium (Debian's, through Playwright) for every browser test of the session."""
    if shutil.which(CHROMIUM) is None:
        pytest.skip(f"Chromium not installed at {CHROMIUM} (make system-deps)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS)
        yield chromium
        chromium.close()
