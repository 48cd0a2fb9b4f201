"""Matcher fixtures: a small hand-made watchlist, and the bundled one built once per session."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist, load_bundled

SMALL = (
    EntityRecord(
        key="finess:800002503",
        kind="establishment",
        name="Clinique Sainte Isabelle",
        finess_et="800002503",
        department="80",
        city="Abbeville",
    ),
    EntityRecord(
        key="finess:940300445",
        kind="establishment",
        name="Clinique du Sud",
        finess_et="940300445",
        department="94",
        city="Thiais",
        aliases=["Hopital Prive de Thiais"],
    ),
    EntityRecord(
        key="finess:130002827",
        kind="establishment",
        name="Centre Hospitalier Joseph Imbert d'Arles",
        finess_et="130002827",
        department="13",
        city="Arles",
        aliases=["CH d'Arles"],
        domains=["ch-arles.fr"],
    ),
    EntityRecord(
        key="finess:490000262",
        kind="establishment",
        name="Clinique Saint Joseph",
        finess_et="490000262",
        department="49",
        city="Trelaze",
    ),
    EntityRecord(
        key="finess:130785652",
        kind="establishment",
        name="Clinique Saint-Joseph",
        finess_et="130785652",
        department="13",
        city="Marseille",
    ),
    EntityRecord(
        key="vendor:mediboard",
        kind="vendor",
        name="Mediboard",
        domains=["openxtrem.com"],
    ),
    EntityRecord(
        key="vendor:openxtrem",
        kind="vendor",
        name="OpenXtrem",
        aliases=["OX", "Mediboard"],
        domains=["openxtrem.com"],
    ),
    EntityRecord(
        key="insurer:harmonie-mutuelle",
        kind="insurer",
        name="Harmonie Mutuelle",
        aliases=["Harmonie"],
    ),
    EntityRecord(
        key="group:hospices-civils-de-lyon",
        kind="group",
        name="Hospices Civils de Lyon",
        aliases=["HCL"],
        city="Lyon",
        department="69",
    ),
)


@pytest.fixture(scope="session")
def small_watchlist() -> Watchlist:
    """Nine entities covering typed names, generic names, vendors, weak and short aliases."""
    return Watchlist(SMALL, {"80": "Somme", "94": "Val-de-Marne", "13": "Bouches-du-Rhône"})


@pytest.fixture(scope="session")
def small_matcher(small_watchlist: Watchlist) -> Matcher:
    """A matcher over the small watchlist (no disk cache)."""
    return Matcher(small_watchlist)


@pytest.fixture(scope="session")
def bundled_matcher() -> Matcher:
    """The bundled default watchlist's matcher, loaded once for the session from the run's
    shared index cache (``LEAKWATCH_CACHE_DIR``, set in tests/conftest.py): the index is built
    once per run, not once per worker, and the crawl children read the same file."""
    return Matcher(load_bundled(), Path(os.environ["LEAKWATCH_CACHE_DIR"]))
