"""Shared fixtures: databases on both engines, loopback servers.

``database_url`` is parametrised over SQLite (a file in tmp_path) and PostgreSQL (a fresh
database per test on 127.0.0.1:5432, dropped afterwards). The PostgreSQL leg is skipped, with
the reason, when the server does not answer.
"""

from __future__ import annotations

import itertools
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest

from db.migrate import upgrade

# Every test, crawl child and daemon of a run shares one matcher index cache: the bundled
# watchlist's index is built once (~12 s) instead of once per temporary data_dir. Its files are
# named by the watchlist's content and the code, so a stale one is never read.
os.environ.setdefault(
    "LEAKWATCH_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"leakwatch-test-cache-{os.getuid()}")
)

PG_ADMIN_URL = os.environ.get("LEAKWATCH_TEST_PG", "postgresql://postgres@127.0.0.1:5432/test")
_counter = itertools.count()


def _pg_unavailable_reason() -> str | None:
    try:
        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3):
            return None
    except psycopg.Error as exc:
        return f"PostgreSQL not reachable at 127.0.0.1:5432: {str(exc).strip()[:120]}"


@pytest.fixture(scope="session")
def pg_unavailable() -> str | None:
    """None when PostgreSQL answers, else the reason to skip."""
    return _pg_unavailable_reason()


@pytest.fixture
def postgres_url(pg_unavailable: str | None) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if pg_unavailable:
        pytest.skip(pg_unavailable)
    name = f"leakwatch_test_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    try:
        yield f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"
    finally:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL on each engine."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'leakwatch.db'}"
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def migrated_url(database_url: str) -> str:
    """A database URL already upgraded to the newest schema."""
    upgrade(database_url)
    return database_url
