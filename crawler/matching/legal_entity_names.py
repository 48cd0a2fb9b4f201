"""Curated names of FINESS legal entities (EJ) that FINESS 2021 names only by their sites.

``crawler/matching/curated/legal_entity_names.csv`` (columns ``finess_ej``, ``name``,
``aliases``, ``domains``, ``source_url``, ``note``; see ``curated/README.md``) gives the
operator's own name ("APF France handicap", "Fondation Vincent de Paul") for an EJ that
:func:`crawler.matching.legal_entities.name_legal_entity` could only name after its head or
first site. The builder gives that name to the ``finess-ej:<EJ>`` entity (tag
``ej-name:known``), with the row's aliases and domains; the index reads that name as a
curated organisation's (:func:`has_known_name`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from crawler.matching import bundle_sources
from crawler.matching.bundle_sources import split_list
from crawler.matching.finess import is_valid_finess

#: The tag of a legal entity named by this list.
KNOWN_NAME_TAG = "ej-name:known"


def has_known_name(entity: Any) -> bool:
    """Whether ``entity`` (an :class:`~crawler.core.records.EntityRecord`) is a legal entity
    known by its operator's own name: that name is an organisation's ("APF France handicap"),
    not one of its sites' (a nursing home's "Résidence les Tilleuls", which needs its place)."""
    return KNOWN_NAME_TAG in entity.tags


@dataclass(frozen=True)
class KnownName:
    """An EJ's own name, with the aliases and web domains of its operator."""

    name: str
    aliases: tuple[str, ...]
    domains: tuple[str, ...]


def read_legal_entity_names(path: Path) -> dict[str, KnownName]:
    """The rows of ``path`` by EJ number. Raises :class:`SystemExit` for an invalid or
    repeated EJ number or a row without a name (a curated list must not be silently wrong)."""
    known: dict[str, KnownName] = {}
    for line, row in enumerate(bundle_sources.csv_rows(path), start=2):
        ej, name = row["finess_ej"].strip(), row["name"].strip()
        if not is_valid_finess(ej) or not name:
            raise SystemExit(f"{path}:{line}: no valid FINESS EJ number and name")
        if ej in known:
            raise SystemExit(f"{path}:{line}: EJ {ej} is already named")
        aliases, domains = row["aliases"], row["domains"].lower()
        known[ej] = KnownName(name, split_list(aliases), split_list(domains))
    return known
