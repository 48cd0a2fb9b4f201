"""Failure classes found by the third blind set (tests/data/match_eval_blind3.jsonl).

Each test stands for a class of posts, on a small watchlist shaped like the FINESS data that
caused it: an overseas CHU named by its island, a hospital named only by its glued domain, a
site written without the word "site", names made of "site" or "annexe", a unit's first name
part that names its host, "établissement de santé" as an alias, a type word after a name across
punctuation, the "hôpital de proximité", and a GHT with no place to confirm it.
"""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, legal_entity

GUADELOUPE = "finess-ej:970100228"
LILLE = "finess-ej:590780193"
REUNION = "finess-ej:970408589"
ENTITIES = (
    legal_entity("970100228", "CHU de Pointe a Pitre", "Les Abymes", "9A"),
    legal_entity("590780193", "CHU de Lille", "Lille", "59"),
    legal_entity("970408589", "CHU de Psy", "St Pierre", "9D"),
    establishment(
        "970400024",
        "CHU Site Felix Guyon (saint Denis)",
        "St Denis",
        "9D",
        parent_key=REUNION,
        category="Centre Hospitalier Régional (C.H.R.)",
    ),
    establishment(
        "970463436",
        "CHU la Reunion Site Sud (tampon)",
        "Le Tampon",
        "974",
        category="Etablissement de Soins Longue Durée",
    ),
    establishment("980500011", "Centre Hospitalier de Mayotte", "Mamoudzou", "9F"),
    establishment("130002827", "Centre Hospitalier d'Arles", "Arles", "13"),
    establishment("160013256", "IRM de la Charente - Site CH Angouleme", "St Michel", "16"),
    establishment("2A0000022", "Centre Hospitalier N d Misericorde Ajaccio", "Ajaccio", "2A"),
    establishment(
        "2A0022778",
        "Annexe du Centre Hospitalier d'Ajaccio",
        "Ajaccio",
        "2A",
        aliases=["Annexe CHG Ajaccio V240"],
    ),
    establishment(
        "970211413",
        "CHU de Martinique - USLD Trinite",
        "Fort de France",
        "972",
        aliases=["Chum - USLD Trinite"],
        category="Etablissement de Soins Longue Durée",
    ),
    establishment(
        "370000184", "A. N. A. S. le Courbat", "Le Liege", "37", aliases=["Etablissement de Sante"]
    ),
    establishment("320000094", "Centre Hospitalier du Gers", "Auch", "32", aliases=["CHS du Gers"]),
    establishment("320000151", "Centre Hospitalier de Mauvezin", "Mauvezin", "32"),
    establishment("340000215", "Centre Hospitalier de Lodeve", "Lodeve", "34"),
    EntityRecord(key="group:ght-atlantique-17", kind="group", name="GHT Atlantique 17"),
)
DEPARTMENTS = {
    "9A": "Guadeloupe",
    "9D": "La Reunion",
    "9F": "Mayotte",
    "59": "Nord",
    "13": "Bouches du Rhone",
    "16": "Charente",
    "2A": "Corse du Sud",
    "32": "Gers",
    "34": "Herault",
    "37": "Indre et Loire",
}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist(ENTITIES, DEPARTMENTS))


def _keys(matcher: Matcher, title: str, text: str = "") -> set[str]:
    return {match.entity.key for match in matcher.match(title, text).matches}


@pytest.mark.parametrize(
    "text",
    [
        "CHU de la Guadeloupe : 340 Go publiés, dossiers patients",
        "liste emails prenom.nom@chu-guadeloupe.fr (4 800 adresses)",
    ],
)
def test_an_overseas_chu_is_named_by_its_island(matcher: Matcher, text: str) -> None:
    assert _keys(matcher, text) == {GUADELOUPE}


def test_an_overseas_chu_named_by_its_island_beats_a_long_stay_unit(matcher: Matcher) -> None:
    assert _keys(matcher, "Fuite au CHU de La Réunion, dossiers patients") == {REUNION}


@pytest.mark.parametrize(
    "text",
    [
        "Fuite au CHU du Nord : dossiers patients",  # mainland CHUs are named by their town
        "l'hôpital de Guadeloupe le plus proche",  # only "CHU" itself names it
    ],
)
def test_a_department_names_no_other_hospital(matcher: Matcher, text: str) -> None:
    assert _keys(matcher, text) == set()


def test_a_domain_with_the_type_glued_to_the_town(matcher: Matcher) -> None:
    text = "La vraie page c'est https://intranet.chmayotte.fr/owa — kit de phishing"
    assert _keys(matcher, text) == {"finess:980500011"}


def test_a_glued_domain_needs_its_top_level_domain(matcher: Matcher) -> None:
    assert _keys(matcher, "Charles a vendu la base de l'hôpital, patients") == set()


def test_a_site_is_written_without_the_word_site(matcher: Matcher) -> None:
    text = "Accès VPN au CHU Félix-Guyon (Saint-Denis), dossiers patients"
    assert _keys(matcher, text) == {"finess:970400024"}


def test_site_alone_is_no_name(matcher: Matcher) -> None:
    text = "Nouvelle entrée sur le leak site : Centre Hospitalier de Cognac (Charente), 80 Go"
    assert _keys(matcher, text) == set()


def test_an_annex_is_a_unit_of_its_host(matcher: Matcher) -> None:
    text = "Centre hospitalier d'Ajaccio : 97 Go publiés, dossiers patients"
    assert _keys(matcher, text) == {"finess:2A0000022"}


def test_a_units_first_name_part_names_its_host_not_the_unit(matcher: Matcher) -> None:
    text = "Nouvelle victime : le CHUM, dossiers patients et bulletins de salaire"
    assert "finess:970211413" not in _keys(matcher, text)


def test_etablissement_de_sante_is_no_name(matcher: Matcher) -> None:
    text = "Dossiers sensibles, mais ce n'est pas un établissement de santé. Patients : 0"
    assert _keys(matcher, text) == set()


def test_a_type_word_across_punctuation_is_not_the_names(matcher: Matcher) -> None:
    text = "Nouvelle victime : Centre Hospitalier de Mauvezin (Gers), hôpital de proximité."
    assert _keys(matcher, text) == {"finess:320000151"}


def test_a_type_word_right_after_a_name_still_types_it(matcher: Matcher) -> None:
    assert _keys(matcher, "Patient records from the Gers hospital for sale") == {"finess:320000094"}


def test_hopital_de_proximite_is_a_town_hospital(matcher: Matcher) -> None:
    text = "l'hôpital de proximité de Lodève (Hérault) a été chiffré"
    assert _keys(matcher, text) == {"finess:340000215"}


def test_a_placeless_ght_is_named_whole_with_its_type(matcher: Matcher) -> None:
    text = "Le GHT Atlantique 17 est revendiqué, 600 Go exfiltrés"
    assert _keys(matcher, text) == {"group:ght-atlantique-17"}
