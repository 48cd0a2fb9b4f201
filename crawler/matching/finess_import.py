"""Import the official FINESS geolocated extract (``etalab-cs1100507-stock-*.csv``) as entities.

The file (format: ``shared/data/finess/format_etalabcs1100507.csv`` and the official PDF) is
``;``-separated, Latin-1 or UTF-8: a first line ``finess;etalab;…``, then ``structureet`` lines
(30 fields: FINESS ET and EJ, names, address, department, category, SIRET, dates…) and
``geolocalisation`` lines (Lambert 93 coordinates, not used here). :func:`read_etalab` streams
it; :func:`store_entities` upserts by key and reports what was added, changed and closed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from crawler.errors import WatchlistError
from crawler.findings import EntityRecord
from crawler.matching.display_names import REGION_OF, city_of, display_name
from crawler.matching.finess import is_valid_finess
from db.models import Entity, utcnow

STRUCTURE_FIELDS = [
    "nofinesset",
    "nofinessej",
    "rs",
    "rslongue",
    "complrs",
    "compldistrib",
    "numvoie",
    "typvoie",
    "voie",
    "compvoie",
    "lieuditbp",
    "commune",
    "departement",
    "libdepartement",
    "ligneacheminement",
    "telephone",
    "telecopie",
    "categetab",
    "libcategetab",
    "categagretab",
    "libcategagretab",
    "siret",
    "codeape",
    "codemft",
    "libmft",
    "codesph",
    "libsph",
    "dateouv",
    "dateautor",
    "datemaj",
]
ORIGIN = "finess"


@dataclass(frozen=True)
class ImportReport:
    """What an import did: entity counts, and lines skipped as malformed."""

    added: int
    changed: int
    closed: int
    unchanged: int
    skipped: int


def _lines(path: Path) -> Iterator[str]:
    with path.open("rb") as raw:
        head = raw.read(1 << 16)
        raw.seek(0)
        try:
            head.decode("utf-8")
            encoding = "utf-8"
        except UnicodeDecodeError as exc:
            # A cut multi-byte character at the end of the sample is still UTF-8.
            encoding = "utf-8" if exc.start >= len(head) - 3 else "latin-1"
        yield from io.TextIOWrapper(raw, encoding=encoding, errors="replace", newline="")


def read_etalab(path: Path, skipped: list[int] | None = None) -> Iterator[EntityRecord]:
    """Stream the establishments of an etalab cs1100507 extract as watchlist entities.

    Raises WatchlistError when the first line is not ``finess;etalab;…``. Malformed
    ``structureet`` lines are skipped; their line numbers are appended to ``skipped``.
    """
    lines = _lines(path)
    first = next(lines, "")
    if not first.lower().startswith("finess;etalab"):
        raise WatchlistError(f"{path}: not an etalab FINESS extract (first line {first[:40]!r})")
    for number, row in enumerate(csv.reader(lines, delimiter=";"), 2):
        if not row or row[0] != "structureet":
            continue
        values = dict(zip(STRUCTURE_FIELDS, (v.strip() for v in row[1:]), strict=False))
        et, ej = values.get("nofinesset", ""), values.get("nofinessej", "")
        if len(row) < len(STRUCTURE_FIELDS) + 1 or not is_valid_finess(et):
            if skipped is not None:
                skipped.append(number)
            continue
        department = values["departement"].upper()
        name = display_name(values["rslongue"] or values["rs"])
        short = display_name(values["rs"]) if values["rs"] else ""
        yield EntityRecord(
            key=f"finess:{et}",
            kind="establishment",
            name=name,
            finess_et=et,
            finess_ej=ej if is_valid_finess(ej) else None,
            parent_key=f"finess-ej:{ej}" if is_valid_finess(ej) else None,
            category=values["libcategetab"] or None,
            department=department,
            region=REGION_OF.get(department),
            city=city_of(values["ligneacheminement"]),
            aliases=[short] if short and short != name else [],
            tags=[f"category:{values['categetab']}"] if values["categetab"] else [],
        )


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
