"""Alembic environment: runs migrations on the engine leakwatch builds (SQLite or PostgreSQL)."""

from __future__ import annotations

from alembic import context

from db.engine import make_engine
from db.models import Base
from db.search import is_search_object

config = context.config
target_metadata = Base.metadata


def run_migrations() -> None:
    """Run migrations online, on ``sqlalchemy.url`` or a connection passed in attributes."""
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.connect() as connection:
        _run(connection)
    engine.dispose()


def _run(connection: object) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=True,
        compare_type=True,
        include_name=_include_name,
    )
    with context.begin_transaction():
        context.run_migrations()


def _include_name(name: str | None, type_: str, parent_names: object) -> bool:
    # The full-text search objects are engine-specific DDL written by hand (0004_web), not
    # models: autogenerate must neither drop them nor report them as drift.
    return not is_search_object(name)


run_migrations()
