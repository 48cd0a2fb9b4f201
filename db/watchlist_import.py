"""Store an imported FINESS extract as entities: upsert by key, report what was added, changed
and closed (the reading is :func:`crawler.matching.finess_import.read_etalab`)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.core.records import EntityRecord
from db.models import Entity, utcnow

ORIGIN = "finess"


@dataclass(frozen=True)
class ImportReport:
    """What an import did: entity counts, and lines skipped as malformed."""

    added: int
    changed: int
    closed: int
    unchanged: int
    skipped: int


_COMPARED = ("kind", "name", "finess_et", "finess_ej", "category", "department", "region", "city")


def store_entities(
    sessions: sessionmaker[Session], records: Iterable[EntityRecord], batch: int = 2000
) -> ImportReport:
    """Upsert ``records`` by key (origin ``finess``); close imported entities not in them.

    Works in batches of ``batch`` entities, one transaction each, then one for closing.
    """
    added = changed = unchanged = 0
    seen: set[str] = set()
    chunk: list[EntityRecord] = []

    def flush() -> None:
        nonlocal added, changed, unchanged
        with sessions.begin() as session:
            keys = [record.key for record in chunk]
            existing = {
                row.key: row
                for row in session.execute(select(Entity).where(Entity.key.in_(keys))).scalars()
            }
            for record in chunk:
                row = existing.get(record.key)
                if row is None:
                    session.add(_new_entity(record))
                    added += 1
                    continue
                before = [getattr(row, name) for name in _COMPARED] + [row.aliases, row.closed_at]
                for name in _COMPARED:
                    setattr(row, name, getattr(record, name))
                row.aliases = list(record.aliases)
                row.closed_at = None
                after = [getattr(row, name) for name in _COMPARED] + [row.aliases, None]
                if before != after:
                    changed += 1
                else:
                    unchanged += 1
        chunk.clear()

    for record in records:
        if record.key in seen:
            continue
        seen.add(record.key)
        chunk.append(record)
        if len(chunk) >= batch:
            flush()
    if chunk:
        flush()
    closed = 0
    with sessions.begin() as session:
        rows = session.execute(
            select(Entity).where(Entity.origin == ORIGIN, Entity.closed_at.is_(None))
        ).scalars()
        now = utcnow()
        for row in rows:
            if row.key not in seen:
                row.closed_at = now
                closed += 1
    return ImportReport(added, changed, closed, unchanged, 0)


def _new_entity(record: EntityRecord) -> Entity:
    return Entity(
        key=record.key,
        kind=record.kind,
        name=record.name,
        finess_et=record.finess_et,
        finess_ej=record.finess_ej,
        category=record.category,
        department=record.department,
        region=record.region,
        city=record.city,
        aliases=list(record.aliases),
        domains=list(record.domains),
        tags=list(record.tags),
        origin=ORIGIN,
        excluded=False,
    )
