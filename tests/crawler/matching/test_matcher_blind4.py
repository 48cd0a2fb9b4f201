"""Failure classes found by the fourth blind set (tests/data/match_eval_blind4.jsonl).

Each test stands for a class of posts, on a small watchlist shaped like the FINESS data that
caused it: a memorial name written between the type word and the town, a psychiatric hospital
named "CH …" but written "CHS …", the "Polyclin." abbreviation, and a unit's alias or a part of
a unit's name that names its host.
"""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys, legal_entity

CANNES_EJ = "finess-ej:060780988"
ARLES_EJ = "finess-ej:130789274"
TOULOUSE_EJ = "finess-ej:310781406"
PSYCHIATRY = "Centre Hospitalier Spécialisé lutte Maladies Mentales"


ENTITIES = (
    establishment("180000010", "CH Bourges - Jacques Coeur", "Bourges", "18"),
    establishment(
        "180003287",
        "Centre Hospitalier de Bourges Site Taillegrain",
        "Bourges",
        "18",
        aliases=["CH de Bourges Site Taillegrain"],
    ),
    establishment(
        "410000020", "Centre Hospitalier", "Blois", "41", aliases=["CH Blois Simone Veil"]
    ),
    legal_entity("060780988", "Centre hospitalier de Cannes", "Cannes", "06"),
    establishment(
        "060000544",
        "Centre Hospitalier de Cannes Simone Veil",
        "Cannes",
        "06",
        parent_key=CANNES_EJ,
    ),
    establishment(
        "060794021", "CH de Cannes Centre de Moyen Sejour", "Cannes", "06", aliases=["Simone Veil"]
    ),
    establishment(
        "860000017",
        "Centre Hospitalier Specialise en Psychiatrie",
        "Poitiers",
        "86",
        aliases=["CH Henri Laborit"],
        category=PSYCHIATRY,
    ),
    establishment("490002037", "Polyclinique du Parc", "Cholet", "49"),
    legal_entity("130789274", "Centre hospitalier d'Arles", "Arles", "13"),
    establishment(
        "130002827",
        "Centre Hospitalier Joseph Imbert d'Arles",
        "Arles",
        "13",
        parent_key=ARLES_EJ,
    ),
    establishment(
        "130796972",
        "Usmp Maison Centrale CH Joseph Imbert",
        "Arles",
        "13",
        parent_key=ARLES_EJ,
        aliases=["Usmp Maison Centrale"],
    ),
    legal_entity("310781406", "CHU de Toulouse", "Toulouse", "31"),
    establishment(
        "310783048", "Hopital Purpan CHU Toulouse", "Toulouse", "31", parent_key=TOULOUSE_EJ
    ),
    establishment(
        "310019625",
        "HJ Pij Adolescents Apja Purpan CHU Toulouse",
        "Toulouse",
        "31",
        parent_key=TOULOUSE_EJ,
        aliases=["Purpan"],
    ),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist(list(ENTITIES)))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Dump complet du Centre hospitalier Jacques Cœur de Bourges, 45 Go.", "finess:180000010"),
        ("JE VENDS LA BDD DE L'HÔPITAL SIMONE VEIL DE BLOIS, 120K PATIENTS", "finess:410000020"),
    ],
)
def test_a_memorial_name_between_the_type_word_and_the_town(
    matcher: Matcher, text: str, expected: str
) -> None:
    assert keys(matcher, "", text) == {expected}


@pytest.mark.parametrize(
    "text",
    [
        "Fuite de l'ENT du lycée Jacques Cœur de Bourges : notes et adresses des parents.",
        "Fuite du centre hospitalier de jour de Bourges? non, du centre aéré de Bourges.",
        "Centre commercial Jacques Cœur de Bourges : fichier clients fidélité.",
    ],
)
def test_no_memorial_name_without_a_hospital_type_word_or_a_capitalised_name(
    matcher: Matcher, text: str
) -> None:
    assert "finess:180000010" not in keys(matcher, "", text)


def test_the_full_establishment_whose_name_has_all_the_written_words(matcher: Matcher) -> None:
    # The long-stay ward has "Simone Veil" as an alias; the CH has "Cannes" and "Simone Veil".
    found = keys(matcher, "", "🏥 Hôpital Simone Veil de Cannes\n📁 61 Go — dossiers patients")
    assert found & {"finess:060000544", CANNES_EJ}
    assert "finess:060794021" not in found


def test_a_psychiatric_hospital_named_ch_is_written_chs(matcher: Matcher) -> None:
    assert keys(matcher, "CHS Henri Laborit 🧠", "dossiers psy du CHS Henri Laborit, 12 Go") == {
        "finess:860000017"
    }
    # "CH" still names it; another type word does not.
    assert keys(matcher, "", "Accès VPN au CH Henri Laborit, Poitiers") == {"finess:860000017"}
    assert keys(matcher, "", "Clinique Henri Laborit, fichier patients") == set()


def test_polyclin_abbreviation(matcher: Matcher) -> None:
    assert keys(matcher, "Polyclin. du Parc Cholet", "accès extranet médecins") == {
        "finess:490002037"
    }


def test_a_units_name_part_that_names_its_host_is_the_host(matcher: Matcher) -> None:
    found = keys(
        matcher, "CH Joseph Imbert Arles", "Centre Hospitalier Joseph Imbert d'Arles : 25 Go"
    )
    assert found & {"finess:130002827", ARLES_EJ}
    assert "finess:130796972" not in found
    # Alone, the part still names the unit's family.
    assert keys(matcher, "", "Accès au CH Joseph Imbert (Arles), 25 Go de dossiers")


def test_a_units_alias_that_names_its_host_is_the_host(matcher: Matcher) -> None:
    found = keys(matcher, "Purpan dossiers patients", "Nouvelle fuite : Purpan (CHU Toulouse)")
    assert "finess:310019625" not in found
    assert found & {"finess:310783048", TOULOUSE_EJ}
