"""Names that hospitals abroad have too: written alone, they need France to name a French one.

"Albert Schweitzer Hospital" is the Colmar hospital's English name and a hospital's of Hatvan,
Lambaréné and Haiti; "Rothschild Hospital", "Henry Dunant Hospital Center", "Bellevue Hospital
Center", "Hôpital civil Marie Curie" (Charleroi) are as many other countries' hospitals. The
builder reads the names of the Wikidata hospitals of other countries and keeps, folded, the
distinctive parts (cores) that a watched establishment's name has too; the matcher then reads a
name of such a core as it reads "Royan Hospital": it needs France, the entity's place or health
words near it.

Only the ``tune`` half of the Wikidata list is read (the half of the items whose id's sha1 ends
in 0–7, as ``tests/data/wikidata`` splits them): the other half stays a measure of the false
alarms on hospitals abroad that the matcher has never been shown.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from crawler.matching.bundle_sources import csv_rows
from crawler.matching.names import core_variants, forms_of_name

#: The last hex digits of the sha1 of a Wikidata id that put the item in the half read here.
_LEARNED_DIGITS = "01234567"


def learned(item: str) -> bool:
    """True for a Wikidata id (``Q90``) of the half the builder learns from."""
    return hashlib.sha1(item.encode()).hexdigest()[-1] in _LEARNED_DIGITS


def foreign_cores(path: Path) -> set[str]:
    """The folded cores of the names of the hospitals of other countries than France."""
    cores: set[str] = set()
    for row in csv_rows(path, delimiter="\t"):
        item = row["item"].rsplit("/", 1)[-1]
        if row["countryLabel"].strip() in ("France", "") or not learned(item):
            continue
        for form in forms_of_name(row["itemLabel"]):
            if form.type is not None and not form.secondary:
                cores.update(core_variants(form.core))
    return cores


def shared_abroad(path: Path, watched: Iterable[str]) -> list[str]:
    """The cores among ``watched`` (folded cores of watched names) that hospitals abroad have
    too, sorted."""
    abroad = foreign_cores(path)
    return sorted(core for core in set(watched) if core in abroad)
