"""Shared fixtures: databases on both engines, loopback servers.

``database_url`` is parametrised over SQLite (a file in tmp_path) and PostgreSQL (a fresh
database per test on 127.0.0.1:5432, dropped afterwards). The PostgreSQL leg is skipped, with
the reason, when the server does not answer.

``migrated_url`` runs the Alembic migrations once per worker and engine, into a template, and
gives each test its own copy of it: the SQLite file copied with SQLite's backup API, the
PostgreSQL database created with ``CREATE DATABASE ... TEMPLATE``. The copy is the schema the
migrations build from empty (``tests/db/test_migrations.py`` runs them on an empty database).
"""

from __future__ import annotations

import itertools
import os
import queue
import sqlite3
import tempfile
import threading
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import closing, contextmanager, suppress
from pathlib import Path

import psycopg
import pytest

import crawler.matching.watchlist
import db.entity_lookup
from crawler.core.records import EntityRecord
from crawler.matching.lookup import NameIndex
from crawler.matching.watchlist import Watchlist
from db.migrate import upgrade

# Every test, crawl child and daemon of a run shares one matcher index cache: the bundled
# watchlist's index is built once (~12 s) instead of once per temporary data_dir. Its files are
# named by the watchlist's content and the code, so a stale one is never read.
os.environ.setdefault(
    "LEAKWATCH_CACHE_DIR", str(Path(tempfile.gettempdir()) / f"leakwatch-test-cache-{os.getuid()}")
)


@pytest.fixture(scope="session", autouse=True)
def _bundled_watchlist_read_once() -> Iterator[None]:
    """Read the bundled watchlist, and fold its lookup index, once per worker.

    Every CLI command and every app a test starts reads the bundled watchlist (~1 s) and folds
    its 69k entities for ``entity`` / ``/entities?q=`` lookups (~1 s more) when it first needs
    them: dozens of times a run, always the same frozen records. Here the first read and the
    first index over exactly those records are kept for the session (any other file or list of
    entities is read or indexed as usual). ``Watchlist`` and ``EntityRecord`` are frozen, and
    ``NameIndex`` is only read after it is built.
    """
    read = crawler.matching.watchlist.load_bundled
    bundled: dict[Path | None, Watchlist] = {}
    indexes: dict[tuple[int, ...], tuple[tuple[EntityRecord, ...], NameIndex]] = {}

    def load_bundled(path: Path | None = None) -> Watchlist:
        if path is not None:
            return read(path)
        if None not in bundled:
            bundled[None] = read()
        return bundled[None]

    def name_index(entities: Iterable[EntityRecord]) -> NameIndex:
        records = tuple(entities)
        if len(records) < 10_000:  # stored entities: read anew from each database
            return NameIndex(records)
        key = tuple(map(id, records))  # the same objects (kept alive in the value)
        if key not in indexes:
            indexes.clear()
            indexes[key] = (records, NameIndex(records))
        return indexes[key][1]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(crawler.matching.watchlist, "load_bundled", load_bundled)
        patch.setattr(db.entity_lookup, "NameIndex", name_index)
        yield


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


class _Dropper:
    """Drops the test databases in a background thread: a test's teardown does not wait for
    PostgreSQL to remove its files. The session's end waits for every drop (``finish``)."""

    def __init__(self) -> None:
        self._names: queue.Queue[str | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self.errors: list[str] = []

    def drop(self, name: str) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="drop-databases", daemon=True)
            self._thread.start()
        self._names.put(name)

    def _run(self) -> None:
        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
            while (name := self._names.get()) is not None:
                try:
                    admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                except psycopg.Error as exc:
                    self.errors.append(f"{name}: {exc}")

    def finish(self) -> None:
        if self._thread is not None:
            self._names.put(None)
            self._thread.join()
            self._thread = None


_DROPPER = _Dropper()


@pytest.hookimpl(trylast=True)  # after the session's fixtures are torn down
def pytest_sessionfinish(session: pytest.Session) -> None:
    """Wait for the databases being dropped; a drop that failed fails the run."""
    for template in list(_SPARES):
        _drop_spare(template)
    _DROPPER.finish()
    if _DROPPER.errors:
        reporter = session.config.pluginmanager.get_plugin("terminalreporter")
        if reporter is not None:
            reporter.write_line(f"test databases not dropped: {_DROPPER.errors}", red=True)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def _pg_url(name: str) -> str:
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    return f"postgresql+psycopg://{base.split('://', 1)[1]}/{name}"


def _create_pg_database(template: str | None) -> str:
    """Create a new PostgreSQL database (a copy of ``template`` if given); return its name."""
    name = f"leakwatch_test_{os.getpid()}_{next(_counter)}"
    copy = f' TEMPLATE "{template}"' if template else ""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{name}"{copy}')
    return name


#: The next database of each template (None: empty), created in the background while a test
#: runs (``CREATE DATABASE`` takes a few tenths of a second, more on a busy machine): the next
#: test that needs one takes it instead of waiting for its creation. Never opened before.
_SPARES: dict[str | None, Future[str]] = {}
_CREATOR = ThreadPoolExecutor(max_workers=1, thread_name_prefix="create-databases")


def _drop_spare(template: str | None) -> None:
    """Drop the spare copy of ``template`` made ahead, if any (waiting for its creation)."""
    spare = _SPARES.pop(template, None)
    if spare is None:
        return
    try:
        name = spare.result()
    except psycopg.Error:
        return  # never created
    _DROPPER.drop(name)


@contextmanager
def _pg_database(template: str | None = None) -> Iterator[str]:
    """A new PostgreSQL database (a copy of ``template`` if given), dropped afterwards (in the
    background: see ``_Dropper``). The copy is made ahead (``_SPARES``) when possible."""
    spare = _SPARES.pop(template, None)
    name = None
    if spare is not None:
        with suppress(psycopg.Error):
            name = spare.result()
    if name is None:
        name = _create_pg_database(template)
    _SPARES[template] = _CREATOR.submit(_create_pg_database, template)
    try:
        yield _pg_url(name)
    finally:
        _drop_spare(name)  # a copy made ahead of this one goes first (it may be a template)
        _DROPPER.drop(name)


@pytest.fixture
def postgres_url(pg_unavailable: str | None) -> Iterator[str]:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    if pg_unavailable:
        pytest.skip(pg_unavailable)
    with _pg_database() as url:
        yield url


@pytest.fixture(scope="session")
def _postgres_template(pg_unavailable: str | None) -> Iterator[str]:
    """The name of a PostgreSQL database migrated to the newest schema, for this worker."""
    if pg_unavailable:
        pytest.skip(pg_unavailable)
    with _pg_database() as url:
        upgrade(url)
        yield url.rsplit("/", 1)[1]


@pytest.fixture
def _migrated_postgres_url(_postgres_template: str) -> Iterator[str]:
    """A fresh PostgreSQL database at the newest schema (a copy of the template)."""
    with _pg_database(_postgres_template) as url:
        yield url


@pytest.fixture(scope="session")
def migrated_sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file migrated to the newest schema, once per worker; copy it, never open it."""
    path = tmp_path_factory.mktemp("migrated-template") / "leakwatch.db"
    upgrade(f"sqlite:///{path}")
    return path


def copy_sqlite(template: Path, target: Path) -> str:
    """Copy the SQLite database ``template`` to ``target``; return the copy's URL."""
    target.parent.mkdir(parents=True, exist_ok=True)
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty database URL on each engine (already migrated when the test asks for
    ``migrated_url``: PostgreSQL then copies the template instead of creating an empty one)."""
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'leakwatch.db'}"
    if "migrated_url" in request.fixturenames:
        return str(request.getfixturevalue("_migrated_postgres_url"))
    return str(request.getfixturevalue("postgres_url"))


@pytest.fixture
def migrated_url(database_url: str, request: pytest.FixtureRequest) -> str:
    """A database URL already at the newest schema (a copy of a migrated template)."""
    if database_url.startswith("sqlite:///"):
        template = request.getfixturevalue("migrated_sqlite_template")
        return copy_sqlite(template, Path(database_url.removeprefix("sqlite:///")))
    return database_url
