"""Curated usual names of FINESS establishments (ET) whose FINESS name abbreviates them.

``crawler/matching/curated/establishment_names.csv`` (columns ``finess_et``, ``aliases``,
``domains``, ``source_url``, ``note``; see ``curated/README.md``) gives the names a site is
known by ("Hôpital Bicêtre" for "GHU Ap-Hp Universite Paris Saclay Site Kremlin Bicetre").
The builder adds them as aliases of the ``finess:<ET>`` entity, with the row's domains (tag
``domain:curated:<domain>``); the FINESS name stays the entity's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from crawler.matching import bundle_sources
from crawler.matching.bundle_sources import split_list
from crawler.matching.finess import is_valid_finess


@dataclass(frozen=True)
class UsualNames:
    """An establishment's usual names and the web domains of the site."""

    aliases: tuple[str, ...]
    domains: tuple[str, ...]


def read_establishment_names(path: Path) -> dict[str, UsualNames]:
    """The rows of ``path`` by ET number. Raises :class:`SystemExit` for an invalid or
    repeated ET number or a row without an alias (a curated list must not be silently wrong)."""
    known: dict[str, UsualNames] = {}
    for line, row in enumerate(bundle_sources.csv_rows(path), start=2):
        et = (row.get("finess_et") or "").strip()
        aliases = split_list(row.get("aliases") or "")
        if not is_valid_finess(et) or not aliases:
            raise SystemExit(f"{path}:{line}: no valid FINESS ET number and alias")
        if et in known:
            raise SystemExit(f"{path}:{line}: ET {et} is already listed")
        known[et] = UsualNames(aliases, split_list((row.get("domains") or "").lower()))
    return known
