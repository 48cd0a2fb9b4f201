"""Rule: "<type> <memorial name> à / de / in <town>", and a hospital named by its memorial
name alone when its town is written anywhere in the post."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

CANNES = establishment("060000544", "Centre Hospitalier de Cannes Simone Veil", "Cannes", "06")
BLOIS = establishment("410000020", "Centre Hospitalier Simone Veil de Blois", "Blois", "41")
BOURGES = establishment("180000010", "CH Bourges - Jacques Coeur", "Bourges", "18")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((CANNES, BLOIS, BOURGES), {}))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Centre hospitalier Simone Veil de Cannes", CANNES.key),
        ("Centre hospitalier Simone Veil à Cannes", CANNES.key),
        ("Hôpital Simone Veil in Cannes", CANNES.key),
        ("Centre hospitalier Jacques Coeur à Bourges", BOURGES.key),
        ("CH Simone Veil à Blois", BLOIS.key),
    ],
)
def test_type_memorial_name_connector_town(matcher: Matcher, title: str, key: str) -> None:
    assert keys(matcher, title, "base patients en vente") == {key}


@pytest.mark.parametrize(
    ("title", "text", "key"),
    [
        ("CH Simone Veil", "Cannes : base patients 12k", CANNES.key),
        ("Simone Veil hospital", "Blois, France. Patients leak", BLOIS.key),
        ("Centre hospitalier Jacques Coeur", "Bourges - fuite patients", BOURGES.key),
    ],
)
def test_the_town_written_anywhere_in_a_short_post_tells_which(
    matcher: Matcher, title: str, text: str, key: str
) -> None:
    assert keys(matcher, title, text) == {key}


def test_a_shared_memorial_name_without_its_town_names_nobody(matcher: Matcher) -> None:
    result = matcher.match("CH Simone Veil", "base patients 12k")
    assert result.matches == []
    assert result.ambiguous  # left to a human, with its candidates


def test_a_memorial_name_of_a_school_is_no_hospital(matcher: Matcher) -> None:
    assert keys(matcher, "Lycée Simone Veil de Cannes", "fichier des élèves") == set()


# A name read beside its town that no other family has names the hospital alone; one read
# across a memorial name to the town yields to the hospital that memorial name names.
SABRAN = establishment(
    "830100558", "Hopital Renee Sabran Hyeres", "Hyeres", "83", tags=["category:101"]
)
HYERES = establishment(
    "830000295",
    "Centre Hospitalier de Hyeres Marie Josee Treffot",
    "Hyeres",
    "83",
    tags=["category:355"],
)


@pytest.fixture(scope="module")
def sabran() -> Matcher:
    return Matcher(Watchlist((CANNES, BLOIS, BOURGES, SABRAN, HYERES), {}))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Hôpital Renée Sabran", SABRAN.key),
        ("Hôpital Renée-Sabran à Hyères", SABRAN.key),
        ("Centre hospitalier de Hyères", HYERES.key),
        ("Centre hospitalier Marie-Josée Treffot", HYERES.key),
    ],
)
def test_a_name_no_other_family_has_names_the_hospital(
    sabran: Matcher, title: str, key: str
) -> None:
    assert keys(sabran, title, "Group: lockbit3") == {key}


def test_a_shared_memorial_name_still_needs_its_town(sabran: Matcher) -> None:
    assert keys(sabran, "CH Simone Veil", "Group: lockbit3") == set()


def test_a_famous_person_s_name_with_its_type_names_the_one_cancer_centre() -> None:
    # Real shapes: "Curie" names many bodies, but "Institut Curie" is one cancer centre
    # (CLCC, FINESS category 131); a person's name two hospitals share stays ambiguous.
    curie = establishment("750160012", "Clcc Institut Curie", "Paris", "75", tags=["category:131"])
    dole = establishment("390000123", "CH Pasteur", "Dole", "39", tags=["category:355"])
    bollene = establishment("840000376", "CH Pasteur", "Bollene", "84", tags=["category:355"])
    matcher = Matcher(Watchlist((curie, dole, bollene), {}))
    assert keys(matcher, "Institut Curie", "Group: lockbit3") == {curie.key}
    # only with its own type word: "Hôpital civil Marie Curie" is Charleroi's
    assert keys(matcher, "Hôpital civil Marie Curie", "Group: lockbit3") == set()
    assert keys(matcher, "", "L'Institut Curie a été victime d'une cyberattaque.") == {curie.key}
    assert keys(matcher, "Hôpital Pasteur", "Group: lockbit3") == set()
    assert keys(matcher, "Hôpital Pasteur, Dole", "Group: lockbit3") == {dole.key}
