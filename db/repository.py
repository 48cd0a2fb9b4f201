"""Named queries and writes. The CLI, the web UI, pipelines and jobs go through these functions.

Upserts use the dialect's ``INSERT … ON CONFLICT`` (SQLite and PostgreSQL share the construct),
so re-crawling a post updates it in place and concurrent writers never create duplicates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, case, func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from crawler.core.config import SourceConfig
from crawler.core.redaction import redact, redact_json
from db.models import CrawlRun, Hit, OutboxMessage, Post, Source, utcnow

#: Length of ``posts.external_id``: longer ids are stored cut, and compared cut.
EXTERNAL_ID_LENGTH = 255
#: Length of ``posts.author``: longer (redacted) authors are stored cut.
AUTHOR_LENGTH = 255
#: Ids per ``IN (…)`` list: well under SQLite's and PostgreSQL's bound-parameter limits.
_IN_CHUNK = 500


@dataclass(frozen=True)
class PostRow:
    """Values of one post to upsert, as crawled: :func:`upsert_posts` redacts the text."""

    external_id: str
    url: str | None
    title: str
    author: str | None
    posted_at: datetime | None
    activity_at: datetime | None
    content_hash: str
    excerpt: str
    raw_length: int
    tags: list[str]
    extra: dict[str, Any]
    sale_score: float = 0.0
    group_name: str | None = None


@dataclass(frozen=True)
class StoredPost:
    """Outcome of an upsert: the post id, whether it is new, and whether its content changed."""

    id: int
    external_id: str
    is_new: bool
    changed: bool


def dialect_insert(session: Session) -> Any:
    """The ``insert`` construct of the session's dialect (both offer ``on_conflict_do_*``)."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert
    if name == "sqlite":
        return sqlite.insert
    raise NotImplementedError(f"unsupported database dialect: {name}")


def sync_sources(session: Session, sources: Iterable[SourceConfig]) -> dict[str, int]:
    """Create or update one ``Source`` row per configured source; return name → id."""
    insert = dialect_insert(session)
    ids: dict[str, int] = {}
    for source in sources:
        values = {
            "name": source.name,
            "kind": source.kind,
            "engine": source.engine,
            "config": source.model_dump(mode="json", exclude={"options"}),
            "enabled": source.enabled,
        }
        stmt = insert(Source).values(**values, state={}, health="unknown", created_at=utcnow())
        stmt = stmt.on_conflict_do_update(
            index_elements=[Source.name],
            set_={key: stmt.excluded[key] for key in ("kind", "engine", "config", "enabled")},
        ).returning(Source.id)
        ids[source.name] = session.execute(stmt).scalar_one()
    return ids


def source_by_name(session: Session, name: str) -> Source | None:
    """The source row called ``name``."""
    return session.execute(select(Source).where(Source.name == name)).scalar_one_or_none()


def known_hashes(session: Session, source_id: int, external_ids: Iterable[str]) -> dict[str, str]:
    """The stored content hash of each of the source's posts among ``external_ids``."""
    wanted = list(dict.fromkeys(external_ids))
    known: dict[str, str] = {}
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(Post.external_id, Post.content_hash).where(
                Post.source_id == source_id, Post.external_id.in_(chunk)
            )
        )
        known.update((external_id, content_hash) for external_id, content_hash in rows)
    return known


def known_statuses(
    session: Session, source_id: int, external_ids: Iterable[str]
) -> dict[str, str | None]:
    """The stored ``extra["status"]`` (a leak-site victim's status) of each of the source's
    posts among ``external_ids``; None for a stored post without one."""
    wanted = list(dict.fromkeys(external_ids))
    known: dict[str, str | None] = {}
    for chunk in _chunks(wanted):
        rows = session.execute(
            select(Post.external_id, Post.extra).where(
                Post.source_id == source_id, Post.external_id.in_(chunk)
            )
        )
        for external_id, extra in rows:
            status = (extra or {}).get("status")
            known[external_id] = status if isinstance(status, str) else None
    return known


def upsert_posts(
    session: Session,
    source_id: int,
    rows: Sequence[PostRow],
    now: datetime | None = None,
    previous: dict[str, str] | None = None,
) -> list[StoredPost]:
    """Insert new posts and refresh known ones (``last_seen``, content); return their outcome.

    Rows repeating an ``external_id`` within the batch collapse to the last one. A post that
    had been marked removed and is seen again gets ``removed_at`` cleared. A post whose content
    hash is unchanged keeps its stored excerpt and sale score (both derive from the content, so
    a caller may skip matching it). ``previous`` is :func:`known_hashes` of the rows when the
    caller already read it in this transaction. The batch is one ``INSERT … ON CONFLICT``
    statement executed over all rows (executemany).

    Personal data is masked here, at the storage boundary (crawler.core.redaction): title,
    author, group, excerpt, tags and every string of ``extra``, so neither the database nor its
    full-text index ever holds it. ``url`` and ``external_id`` are stored as given.
    """
    if not rows:
        return []
    now = now or utcnow()
    unique = {row.external_id: row for row in rows}
    if previous is None:
        previous = known_hashes(session, source_id, unique)
    table = Post.__table__
    stmt = dialect_insert(session)(table)
    excluded = stmt.excluded
    same_content = table.c.content_hash == excluded.content_hash
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.source_id, table.c.external_id],
        set_={
            "url": excluded.url,
            "title": excluded.title,
            "author": func.coalesce(excluded.author, table.c.author),
            "group_name": func.coalesce(excluded.group_name, table.c.group_name),
            "posted_at": func.coalesce(table.c.posted_at, excluded.posted_at),
            "activity_at": func.coalesce(excluded.activity_at, table.c.activity_at),
            "last_seen": excluded.last_seen,
            "removed_at": None,
            "content_hash": excluded.content_hash,
            "excerpt": case((same_content, table.c.excerpt), else_=excluded.excerpt),
            "raw_length": excluded.raw_length,
            "sale_score": case((same_content, table.c.sale_score), else_=excluded.sale_score),
            "tags": excluded.tags,
            "extra": excluded.extra,
        },
    ).returning(table.c.id, table.c.external_id)
    values = [
        {
            "source_id": source_id,
            "external_id": row.external_id,
            "url": row.url,
            "title": redact(row.title),
            "author": redact(row.author)[:AUTHOR_LENGTH] if row.author else row.author,
            "group_name": redact(row.group_name)[:AUTHOR_LENGTH] if row.group_name else None,
            "posted_at": row.posted_at,
            "activity_at": row.activity_at,
            "first_seen": now,
            "last_seen": now,
            "content_hash": row.content_hash,
            "excerpt": redact(row.excerpt),
            "raw_length": row.raw_length,
            "sale_score": row.sale_score,
            "tags": [redact(tag) for tag in row.tags],
            "extra": redact_json(row.extra),
        }
        for row in unique.values()
    ]
    stored = []
    for post_id, external_id in session.execute(stmt, values):
        old_hash = previous.get(external_id)
        stored.append(
            StoredPost(
                id=post_id,
                external_id=external_id,
                is_new=external_id not in previous,
                changed=old_hash is not None and old_hash != unique[external_id].content_hash,
            )
        )
    return stored


def mark_removed(
    session: Session, source_id: int, seen_external_ids: Iterable[str], now: datetime | None = None
) -> int:
    """Set ``removed_at`` on the source's posts absent from a complete listing; return count.

    ``seen_external_ids`` are the ids the listing showed (any number: they are compared in
    Python, the updates go in chunks); posts already marked removed keep their date.
    """
    seen = {external_id[:EXTERNAL_ID_LENGTH] for external_id in seen_external_ids}
    rows = session.execute(
        select(Post.id, Post.external_id).where(
            Post.source_id == source_id, Post.removed_at.is_(None)
        )
    )
    gone = [post_id for post_id, external_id in rows if external_id not in seen]
    when = now or utcnow()
    for chunk in _chunks(gone):
        session.execute(update(Post).where(Post.id.in_(chunk)).values(removed_at=when))
    return len(gone)


def mark_listed(
    session: Session, source_id: int, seen_external_ids: Iterable[str], now: datetime | None = None
) -> int:
    """Refresh ``last_seen`` of the source's posts shown by a complete listing and clear
    ``removed_at`` of those that had been marked removed; return how many came back.

    A spider yields only new or changed posts; this keeps ``last_seen`` true for the others.
    """
    seen = sorted({external_id[:EXTERNAL_ID_LENGTH] for external_id in seen_external_ids})
    when = now or utcnow()
    restored = 0
    for chunk in _chunks(seen):
        mine = (Post.source_id == source_id, Post.external_id.in_(chunk))
        result = session.execute(
            update(Post).where(*mine, Post.removed_at.is_not(None)).values(removed_at=None)
        )
        restored += result.rowcount or 0  # type: ignore[attr-defined]
        session.execute(update(Post).where(*mine).values(last_seen=when))
    return restored


def _chunks(values: Sequence[Any]) -> Iterable[Sequence[Any]]:
    return (values[start : start + _IN_CHUNK] for start in range(0, len(values), _IN_CHUNK))


def start_run(session: Session, source_id: int) -> CrawlRun:
    """Record the start of a crawl of ``source_id``."""
    run = CrawlRun(source_id=source_id, started_at=utcnow(), status="running")
    session.add(run)
    session.flush()
    return run


def latest_runs(session: Session) -> dict[int, CrawlRun]:
    """The most recent run of every source, by source id."""
    newest = (
        select(CrawlRun.source_id, func.max(CrawlRun.id).label("run_id"))
        .group_by(CrawlRun.source_id)
        .subquery()
    )
    runs = session.execute(select(CrawlRun).join(newest, CrawlRun.id == newest.c.run_id))
    return {run.source_id: run for run in runs.scalars()}


def sources_query() -> Select[Source]:
    """All sources, by name."""
    return select(Source).order_by(Source.name)


def count_posts(session: Session, source_id: int | None = None) -> int:
    """Number of stored posts, for one source or all."""
    stmt = select(func.count(Post.id))
    if source_id is not None:
        stmt = stmt.where(Post.source_id == source_id)
    return session.execute(stmt).scalar_one()


def hits_since_by_source(session: Session, since: datetime) -> dict[int, int]:
    """Number of hits created since ``since``, per source id."""
    rows = session.execute(
        select(Post.source_id, func.count(Hit.id))
        .join(Hit, Hit.post_id == Post.id)
        .where(Hit.created_at >= since)
        .group_by(Post.source_id)
    )
    return {source_id: count for source_id, count in rows}


def outbox_depth(session: Session) -> dict[str, int]:
    """Number of outbox messages per status."""
    rows = session.execute(
        select(OutboxMessage.status, func.count(OutboxMessage.id)).group_by(OutboxMessage.status)
    )
    return {status: count for status, count in rows}
