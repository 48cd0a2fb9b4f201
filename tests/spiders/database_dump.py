"""Everything a test database holds, as text: to prove what was never stored (test helper)."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from db.engine import make_engine


def database_text(url: str) -> str:
    """Every value of every table (SQLite: also the database file's raw bytes), as one string."""
    engine = make_engine(url)
    parts: list[str] = []
    try:
        with engine.connect() as connection:
            if engine.dialect.name == "sqlite":
                query = "SELECT name FROM sqlite_master WHERE type = 'table'"
            else:
                query = (
                    "SELECT table_name FROM information_schema.tables "
                    "WHERE table_schema = 'public' AND table_type = 'BASE TABLE'"
                )
            tables = [name for (name,) in connection.execute(text(query))]
            for table in tables:
                for row in connection.execute(text(f'SELECT * FROM "{table}"')):
                    parts.append(repr(tuple(row)))
    finally:
        engine.dispose()
    if url.startswith("sqlite:///"):
        path = Path(url.removeprefix("sqlite:///"))
        for candidate in (path, path.with_name(path.name + "-wal")):
            if candidate.exists():
                parts.append(candidate.read_bytes().decode("utf-8", errors="replace"))
    return "\n".join(parts)
