"""Rule: a medical-biology lab is written "Laboratoire X", "Laboratoires X", "LBM X", "LABM X"
or "Laboratoire de biologie médicale X" alike: FINESS's "LBM Hincker" is the "Laboratoire
Hincker" a leak site lists; a lab named by a qualifier only ("Labm Départemental") names none."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

HINCKER = establishment("670016906", "LBM Hincker", "Benfeld", "67", tags=["category:611"])
DEPARTMENTAL = establishment(
    "130029408", "Labm Départemental", "Marseille", "13", tags=["category:610"]
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((HINCKER, DEPARTMENTAL), {}))


@pytest.mark.parametrize(
    "title",
    [
        "LBM Hincker",
        "Laboratoire Hincker",
        "LABORATOIRES HINCKER",
        "Laboratoire de biologie médicale Hincker",
        "Labo Hincker",
    ],
)
def test_a_lab_is_named_with_any_lab_type_word(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {HINCKER.key}


def test_a_lab_named_by_a_qualifier_only_names_no_lab(matcher: Matcher) -> None:
    title = "Laboratoire Départemental d'Analyses de la Somme"
    assert keys(matcher, title, "Public laboratory: water, food and veterinary analyses.") == set()


def test_a_type_word_left_alone_by_a_name_s_parts_names_nothing() -> None:
    # Real shape: "LBM Exalab - Blaye l'Hôpital" (a lab in Blaye-l'Hôpital): once "LBM" reads
    # as a type word, the part after the town's article is "Hôpital", which names no one.
    lab = establishment(
        "330038068", "LBM Exalab - Blaye l'Hôpital", "Blaye", "33", tags=["category:611"]
    )
    matcher = Matcher(Watchlist((lab,), {}))
    assert (
        keys(matcher, "Urgent", "l'hôpital a été piraté hier soir, hôpital de jour fermé") == set()
    )
    assert matcher.index.automaton.get(" hopital ", 0) >= 0  # vocabulary only, no entity key
