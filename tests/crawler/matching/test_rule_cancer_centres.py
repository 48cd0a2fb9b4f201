"""Rule: cancer centres (CLCC). FINESS writes their type as an abbreviation (`Crlcc`, `Clcc`,
`C.r.l.c.c.`, "Centre Régional Lutte Contre Cancer"); people write "Centre <memorial name>"
("Centre François Baclesse"), and that memorial name, read beside the centre's town, names it
alone when no other family has it."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

BACLESSE = establishment(
    "140000555", "Crlcc François Baclesse - Caen", "Caen", "14", tags=["category:131"]
)
LAMBRET = establishment(
    "590000188", "Clcc Oscar Lambret Lille", "Lille", "59", tags=["category:131"]
)
MARQUIS = establishment(
    "350002812", "C.r.l.c.c. Eugene Marquis", "Rennes", "35", tags=["category:131"]
)
PERRIN = establishment(
    "630000479",
    "Centre Lutte Contre le Cancer J.perrin",
    "Clermont Ferrand",
    "63",
    aliases=["Centre Lutte Contre le Cancer Jean Perrin"],
    tags=["category:131"],
)
# The same memorial name in another family's nursing home: the name is no longer one family's.
BECQUEREL = establishment(
    "760000166", "Crlcc Henri Becquerel Rouen", "Rouen", "76", tags=["category:131"]
)
BECQUEREL_EHPAD = establishment(
    "130000001", "EHPAD Henri Becquerel Marseille", "Marseille", "13", tags=["category:500"]
)
# A nursing home's memorial name beside its town is no cancer centre's rule.
EHPAD = establishment(
    "590000999", "EHPAD Albert Calmette Lille", "Lille", "59", tags=["category:500"]
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    entities = (BACLESSE, LAMBRET, MARQUIS, PERRIN, BECQUEREL, BECQUEREL_EHPAD, EHPAD)
    return Matcher(Watchlist(entities, {}))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Centre François Baclesse", BACLESSE.key),
        ("Centre François-Baclesse", BACLESSE.key),
        ("CLCC François Baclesse", BACLESSE.key),
        ("Centre de lutte contre le cancer François Baclesse", BACLESSE.key),
        ("Centre régional de lutte contre le cancer François Baclesse", BACLESSE.key),
        ("Centre Oscar Lambret", LAMBRET.key),
        ("Institut Oscar Lambret", LAMBRET.key),
        ("Centre Eugène Marquis", MARQUIS.key),
        ("CRLCC Eugène Marquis", MARQUIS.key),
        ("Centre Jean Perrin", PERRIN.key),
    ],
)
def test_a_cancer_centre_is_named_by_its_memorial_name(
    matcher: Matcher, title: str, key: str
) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {key}


def test_a_shared_memorial_name_still_needs_the_town(matcher: Matcher) -> None:
    assert keys(matcher, "Centre Henri Becquerel", "Group: lockbit3") == set()
    assert keys(matcher, "Centre Henri Becquerel Rouen", "Group: lockbit3") == {BECQUEREL.key}


def test_a_nursing_home_memorial_name_is_not_read_alone(matcher: Matcher) -> None:
    assert keys(matcher, "Albert Calmette", "Group: lockbit3") == set()
    assert keys(matcher, "Résidence Albert Calmette", "Group: lockbit3") == set()
    # (Its whole name after "EHPAD" is that nursing home: see test_rule_victim_titles.)
    assert keys(matcher, "EHPAD Albert Calmette", "Group: lockbit3") == {EHPAD.key}


def test_the_memorial_name_needs_a_type_word(matcher: Matcher) -> None:
    assert keys(matcher, "François Baclesse", "Group: lockbit3") == set()
    assert keys(matcher, "Lycée Oscar Lambret", "Group: lockbit3") == set()
