"""Engine and session factory for SQLite and PostgreSQL, with the same code path for both.

SQLite files get WAL journaling, foreign keys and a busy timeout so a crawl, the deliverer and
the web UI can share one file. PostgreSQL URLs must use the psycopg 3 driver.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

SQLITE_BUSY_TIMEOUT_MS = 30_000


def normalise_url(url: str) -> str:
    """Return ``url`` with the driver leakwatch uses (``postgresql://`` → ``+psycopg``)."""
    parsed = make_url(url)
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    return parsed.render_as_string(hide_password=False)


def make_engine(url: str, *, lock_on_begin: bool = True, **kwargs: Any) -> Engine:
    """Create an engine; for SQLite, create the file's folder and switch WAL and FKs on.

    On SQLite every transaction takes the write lock at BEGIN unless ``lock_on_begin`` is
    False: readers that never write (web pages, the query CLI) then run concurrently with a
    crawl instead of queueing behind it.
    """
    url = normalise_url(url)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
        kwargs.setdefault("connect_args", {"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_on_begin if lock_on_begin else _sqlite_on_begin_read)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    return create_engine(url, **kwargs)


def make_session_factory(engine: Engine) -> sessionmaker[Session]:
    """A session factory; use ``with factory.begin() as session:`` for one unit of work."""
    return sessionmaker(engine, expire_on_commit=False)


def _sqlite_on_connect(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    # pysqlite's own transaction handling would defer BEGIN; let SQLAlchemy emit it (see
    # _sqlite_on_begin) so writers take the lock up front instead of failing on upgrade.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def _sqlite_on_begin(connection: Any) -> None:
    # IMMEDIATE: a transaction that will write takes the write lock at BEGIN, waiting up to the
    # busy timeout, rather than deadlocking two readers that both try to upgrade later.
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def _sqlite_on_begin_read(connection: Any) -> None:
    # A deferred BEGIN: a read snapshot, no write lock (WAL lets it run beside one writer).
    connection.exec_driver_sql("BEGIN")
