"""FINESS establishment categories: which ones the bundled watchlist holds, and their sector.

The table is data, ``finess_categories.csv`` beside this module: one row per FINESS category
code (``CAT_ETAB``) with its sector (``hospital``, ``clinic``, ``lab``, ``elderly``…), whether
the watchlist holds it (pharmacies, schools and purely social or housing services are left out:
docs/matching.md says why) and its official label. The builder uses it to choose establishments;
the matcher uses the sector to decide how much context a name needs (a nursing home's name needs
its place, a hospital's does not).
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

#: Sectors whose establishments are known by names that are ordinary phrases ("Résidence les
#: Tilleuls", "Foyer Arc-en-Ciel", "Centre de santé municipal"): a name needs its place.
PLACED_SECTORS = frozenset(
    {
        "addiction",
        "child-welfare",
        "disability",
        "elderly",
        "health-centre",
        "home-health",
        "psychiatry-unit",
    }
)
#: Co-operation bodies (GCS de moyens, holders of an authorisation, inter-hospital syndicates)
#: named after their members ("CH Saint Jean", "IMVOC Clinique Charcot"): a type word in their
#: name names the member, so they are read by their whole name alone.
MEMBER_NAMED_SECTORS = frozenset({"cooperation"})
#: Sectors of units that share their host's names (long-stay wards, home care, imaging sites).
UNIT_SECTORS = (
    frozenset({"long-stay", "home-hospital", "hospital-other"})
    | PLACED_SECTORS
    | MEMBER_NAMED_SECTORS
)
TABLE_NAME = "finess_categories.csv"


@dataclass(frozen=True)
class Category:
    """One FINESS category: its code, sector, whether it is watched and its label."""

    code: str
    sector: str
    watched: bool
    label: str


@lru_cache(maxsize=1)
def categories() -> dict[str, Category]:
    """Every known category by code (read once from the package's table)."""
    text = resources.files("crawler.matching").joinpath(TABLE_NAME).read_text(encoding="utf-8")
    rows = csv.DictReader(text.splitlines())
    return {
        row["code"]: Category(row["code"], row["sector"], row["watched"] == "yes", row["label"])
        for row in rows
    }


@lru_cache(maxsize=1)
def _by_label() -> dict[str, Category]:
    return {category.label: category for category in categories().values()}


def category_tag(code: str) -> str:
    """The tag that records an entity's FINESS category code (``category:500``)."""
    return f"category:{code}"


def category_of(entity: Any) -> Category | None:
    """The FINESS category of an entity: from its ``category:<code>`` tag, else its label."""
    table = categories()
    for tag in entity.tags:
        if tag.startswith("category:") and tag[9:] in table:
            return table[tag[9:]]
    return _by_label().get(entity.category or "")


def sector_of(entity: Any) -> str | None:
    """The sector of an entity's FINESS category (None for groups, vendors, unknown ones)."""
    category = category_of(entity)
    return category.sector if category is not None else None
