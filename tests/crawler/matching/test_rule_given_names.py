"""Rule: a given name or a title written between a type word and the surname the watchlist
names without it ("Hôpital Armand-Trousseau" for the "… Site Trousseau", "Institut Jean Godinot"
for the "Institut Godinot"); the surname still needs the type word, and a given name alone
names nothing."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

# Real shapes (FINESS 2021 names).
GODINOT = establishment("510000516", "Institut Godinot", "Reims", "51")
TROUSSEAU = establishment(
    "750100109",
    "GHU Aphp Sorbonne Universite Site Trousseau",
    "Paris",
    "75",
    tags=["category:101"],
)
VERDIER = establishment(
    "930100045",
    "GHU Ap-Hp Hu Paris Seine-Saint-Denis Site Jean Verdier",
    "Bondy",
    "93",
    tags=["category:101"],
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((GODINOT, TROUSSEAU, VERDIER), {}))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Institut Jean Godinot", GODINOT.key),
        ("Institut Jean-Godinot (Reims) : données patients en vente", GODINOT.key),
        ("Hôpital Armand-Trousseau", TROUSSEAU.key),
        ("hopital armand trousseau leak", TROUSSEAU.key),
        ("Institut Professeur Godinot", GODINOT.key),
    ],
)
def test_a_given_name_before_the_surname_is_read(
    matcher: Matcher, title: str, expected: str
) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {expected}


def test_a_full_name_of_the_watchlist_still_wins(matcher: Matcher) -> None:
    assert keys(matcher, "Hôpital Jean Verdier", "Group: lockbit3") == {VERDIER.key}


@pytest.mark.parametrize(
    "title",
    [
        "Jean Godinot",  # no type word
        "Armand Trousseau",
        "Institut Jean",  # a given name alone is no name
        "Institut Jean Moulin Godinot",  # a word that is no given name in between
        "Hôpital Armand Dupont Trousseau",
    ],
)
def test_no_type_word_or_another_word_names_nothing(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "Group: lockbit3") == set()
