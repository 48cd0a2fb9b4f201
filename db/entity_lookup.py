"""Entity lookup for people: the one function behind ``leakwatch entity``, ``hits --entity``
(and ``--group``, ``--vendor``), ``incidents --entity``, ``/entities?q=``, ``/api/entities`` and
the ``entity`` filter of every list.

Text is folded as the matcher folds it (:mod:`crawler.matching.lookup`): "hopital foch",
"HÔPITAL FOCH" and "Hôpital-Foch" are the same query, and it is looked up in the names and
aliases (the watchlist's and the analysts'), FINESS ET and EJ numbers, keys and domains.

Two sets of entities are searched:

- the stored ones (``entities`` with the analysts' ``entity_aliases``): they are the ones with
  hits, so list filters only need them. They are read and folded once per unit of work (the
  session's ``info`` keeps the index), which costs milliseconds for the few thousand entities a
  deployment stores;
- the watchlist (69k entities in the bundled one), for "who is this?" lookups: its index is built
  once per process by :class:`EntityLookup` on first use, never per request.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import ColumnElement, false, select
from sqlalchemy.orm import Session

from crawler.core.errors import InvalidFilter
from crawler.core.records import EntityRecord
from crawler.matching.accents import with_accents
from crawler.matching.lookup import NameIndex
from crawler.matching.watchlist import Watchlist
from db.models import Entity, EntityAlias

#: Most stored entities one filter may stand for (a longer ``IN`` list is refused by SQLite).
MAX_FILTER_ENTITIES = 10_000
_INFO_KEY = "leakwatch.stored_entity_index"


@dataclass(frozen=True)
class FoundEntity:
    """An entity a lookup found: its stored row id (None when only the watchlist has it, i.e.
    no post named it yet) and what identifies it."""

    key: str
    id: int | None
    kind: str
    name: str
    finess_et: str | None
    finess_ej: str | None
    city: str | None
    department: str | None
    region: str | None
    aliases: tuple[str, ...]
    excluded: bool = False

    def as_dict(self) -> dict[str, object]:
        """The entity as a dict (aliases as a list)."""
        return {**self.__dict__, "aliases": list(self.aliases)}


@dataclass(frozen=True)
class _StoredIndex:
    index: NameIndex
    ids: dict[str, int]
    excluded: frozenset[str]


def stored_index(session: Session) -> tuple[NameIndex, dict[str, int]]:
    """The folded index of the stored entities (with analysts' aliases) and key → row id,
    built once per session."""
    built = _stored(session)
    return built.index, built.ids


def _stored(session: Session) -> _StoredIndex:
    cached = session.info.get(_INFO_KEY)
    if isinstance(cached, _StoredIndex):
        return cached
    extra: dict[int, list[str]] = {}
    for entity_id, alias in session.execute(select(EntityAlias.entity_id, EntityAlias.alias)):
        extra.setdefault(entity_id, []).append(alias)
    records: list[EntityRecord] = []
    ids: dict[str, int] = {}
    excluded: set[str] = set()
    rows = session.execute(
        select(
            Entity.id,
            Entity.key,
            Entity.kind,
            Entity.name,
            Entity.finess_et,
            Entity.finess_ej,
            Entity.city,
            Entity.department,
            Entity.region,
            Entity.aliases,
            Entity.domains,
            Entity.excluded,
        )  # fmt: skip
    )
    for row in rows:
        ids[row.key] = row.id
        if row.excluded:
            excluded.add(row.key)
        records.append(
            EntityRecord(
                key=row.key,
                kind=row.kind,
                name=row.name,
                finess_et=row.finess_et,
                finess_ej=row.finess_ej,
                city=row.city,
                department=row.department,
                region=row.region,
                aliases=[*(row.aliases or []), *extra.get(row.id, [])],
                domains=list(row.domains or []),
            )
        )
    built = _StoredIndex(NameIndex(records), ids, frozenset(excluded))
    session.info[_INFO_KEY] = built
    return built


def stored_entity_ids(session: Session, text: str, kind: str | None = None) -> list[int]:
    """Row ids of the stored entities ``text`` designates (of ``kind`` when given), best first."""
    index, ids = stored_index(session)
    return [ids[e.key] for e in index.find(text) if kind is None or e.kind == kind]


def entity_condition(session: Session, text: str, kind: str | None = None) -> ColumnElement[bool]:
    """A condition on ``Entity``: one of the stored entities ``text`` designates.

    Raises InvalidFilter when it stands for more than MAX_FILTER_ENTITIES.
    """
    found = stored_entity_ids(session, text, kind)
    if not found:
        return false()
    if len(found) > MAX_FILTER_ENTITIES:
        raise InvalidFilter(
            f"entity: {text!r} names {len(found)} entities "
            f"(at most {MAX_FILTER_ENTITIES}): be more precise"
        )
    return Entity.id.in_(found)


class EntityLookup:
    """Entity lookups over the stored entities and a watchlist whose folded index is built once,
    on first use (thread-safe: the web app shares one instance between requests)."""

    def __init__(self, watchlist: Callable[[], Watchlist] | None = None) -> None:
        self._load = watchlist
        self._index: NameIndex | None = None
        self._lock = threading.Lock()

    def watchlist_index(self) -> NameIndex | None:
        """The watchlist's folded index (None without a watchlist)."""
        if self._load is None:
            return None
        with self._lock:
            if self._index is None:
                self._index = NameIndex(self._load().entities)
        return self._index

    def find(self, session: Session, text: str, limit: int = 20) -> list[FoundEntity]:
        """The entities ``text`` designates, stored ones (with history) first, each rank best
        first; at most ``limit``."""
        stored = _stored(session)
        found: dict[str, FoundEntity] = {}
        for entity in stored.index.find(text, limit):
            found[entity.key] = _found(
                entity, stored.ids[entity.key], entity.key in stored.excluded
            )
        watched = self.watchlist_index()
        if watched is not None and len(found) < limit:
            for entity in watched.find(text):
                if len(found) >= limit:
                    break
                if entity.key not in found:
                    found[entity.key] = _found(entity, stored.ids.get(entity.key), False)
        return list(found.values())


def _found(entity: EntityRecord, entity_id: int | None, excluded: bool) -> FoundEntity:
    return FoundEntity(
        key=entity.key,
        id=entity_id,
        kind=entity.kind,
        name=with_accents(entity.name),
        finess_et=entity.finess_et,
        finess_ej=entity.finess_ej,
        city=entity.city,
        department=entity.department,
        region=entity.region,
        aliases=tuple(entity.aliases),
        excluded=excluded,
    )
