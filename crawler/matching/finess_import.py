"""Import the official FINESS geolocated extract (``etalab-cs1100507-stock-*.csv``) as entities.

The file (format: ``shared/data/finess/format_etalabcs1100507.csv`` and the official PDF) is
``;``-separated, Latin-1 or UTF-8: a first line ``finess;etalab;…``, then ``structureet`` lines
(30 fields: FINESS ET and EJ, names, address, department, category, SIRET, dates…) and
``geolocalisation`` lines (Lambert 93 coordinates, not used here). :func:`read_etalab` streams
it; :func:`db.watchlist_import.store_entities` upserts the entities by key.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path

from crawler.core.errors import WatchlistError
from crawler.core.records import EntityRecord
from crawler.matching.display_names import REGION_OF, city_of, display_name
from crawler.matching.finess import is_valid_finess

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
