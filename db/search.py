"""Full-text search on posts (title, redacted excerpt, author), the same on both engines.

SQLite uses an FTS5 external-content table, ``posts_fts`` (tokenizer ``unicode61
remove_diacritics 2``), kept in sync with ``posts`` by triggers. PostgreSQL uses a GIN index on
the stored generated column ``posts.search_vector`` = :data:`VECTOR_FUNCTION` ``(title, excerpt,
author)``, an immutable SQL function building a ``tsvector`` with the ``leakwatch_fr``
configuration: a copy of ``french`` whose words go through ``unaccent`` and then ``simple``.
Both are created by the Alembic revision ``0004_web``; neither is in the models.

Both engines therefore index the same tokens: runs of letters and digits, lower-cased, without
diacritics. A query is split the same way and matches the posts containing every one of its
words, whole words only. PostgreSQL's French stemmer and stop words are deliberately left out:
with them, "données" would find "donnée" on PostgreSQL only, and the engines would disagree.
"""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import ColumnElement, Select, column, func, literal_column, select, table
from sqlalchemy.dialects.postgresql import REGCONFIG, TSVECTOR
from sqlalchemy.orm import Session

from db.models import Post

#: Names of the engine-specific search objects; Alembic's autogenerate ignores them.
FTS_TABLE = "posts_fts"
VECTOR_FUNCTION = "leakwatch_search_vector"
VECTOR_COLUMN = "search_vector"
VECTOR_INDEX = "ix_posts_search"
TEXT_SEARCH_CONFIG = "leakwatch_fr"

_WORD = re.compile(r"[^\W_]+")
#: Longest query, in words, that reaches the database (longer ones are cut).
MAX_QUERY_WORDS = 16


def search_words(query: str) -> list[str]:
    """The words of a user's query as both engines tokenise them: letter/digit runs, in order.

    Punctuation and search operators are dropped, so nothing the user types is interpreted as
    FTS5 or tsquery syntax.
    """
    return _WORD.findall(query)[:MAX_QUERY_WORDS]


def is_search_object(name: str | None) -> bool:
    """True for the FTS5 table (and its shadow tables), the PostgreSQL search column and index."""
    if not name:
        return False
    return name in (VECTOR_COLUMN, VECTOR_INDEX, FTS_TABLE) or name.startswith(f"{FTS_TABLE}_")


def post_matches(session: Session, query: str, drive: bool = True) -> ColumnElement[bool] | None:
    """A condition on ``Post``: the post contains every word of ``query``.

    Returns None when the query has no word (no filter). Use it where ``posts`` is in the FROM
    list (joined or selected). On SQLite, ``drive=False`` keeps the planner from starting with
    the search results (``posts.id + 0`` cannot use the primary key).
    """
    words = search_words(query)
    if not words:
        return None
    if session.get_bind().dialect.name == "sqlite":
        fts = table(FTS_TABLE, column("rowid"))
        expression = " ".join(f'"{word}"' for word in words)
        matching = select(fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(expression))
        return (Post.id if drive else Post.id + 0).in_(matching)
    vector = column(VECTOR_COLUMN, TSVECTOR, _selectable=Post.__table__)
    config = literal_column(f"'public.{TEXT_SEARCH_CONFIG}'", type_=REGCONFIG)
    return vector.bool_op("@@")(func.plainto_tsquery(config, " ".join(words)))


def estimated_rows(session: Session, statement: Select[Any]) -> float:
    """PostgreSQL's estimate of the rows ``statement`` returns (EXPLAIN, nothing executed).

    The planner's statistics on ``posts.search_vector`` (kept by autovacuum) know the common
    words; this costs a plan, not a scan.
    """
    compiled = statement.compile(dialect=session.get_bind().dialect)
    connection = session.connection()
    plan = connection.exec_driver_sql(
        "EXPLAIN (FORMAT JSON) " + compiled.string, compiled.params
    ).scalar_one()
    document = json.loads(plan) if isinstance(plan, str) else plan
    return float(document[0]["Plan"]["Plan Rows"])
