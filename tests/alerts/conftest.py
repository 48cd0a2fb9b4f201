"""Fixtures of the alert tests: a migrated database's session factory on both engines."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from db.engine import make_engine, make_session_factory


@pytest.fixture
def sessions(migrated_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on an empty, migrated database (SQLite and PostgreSQL)."""
    engine = make_engine(migrated_url)
    try:
        yield make_session_factory(engine)
    finally:
        engine.dispose()
