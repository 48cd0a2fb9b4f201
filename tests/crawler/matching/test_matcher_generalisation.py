"""Failure classes found by the blind evaluation set (tests/data/match_eval_blind.jsonl).

Each test stands for a class of posts, on a small watchlist shaped like the FINESS data that
caused it: units sharing their host's name, type words of another kind, foreign places in the
other field, town names as aliases, brands of groups.
"""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

LONG_STAY = "Etablissement de Soins Longue Durée"
IMAGING = "Autre Etablissement Loi Hospitalière"


ENTITIES = (
    establishment("820000057", "Clinique du Pont de Chaume", "Montauban", "82"),
    establishment(
        "820008050",
        "Imagerie des 3 Rivieres Clinique du Pont de Chaume",
        "Montauban",
        "82",
        category=IMAGING,
        aliases=["I3r Cl Pont de Chaume Montauban"],
    ),
    EntityRecord(
        key="finess-ej:340780055",
        kind="establishment",
        name="Centre hospitalier de Beziers",
        finess_ej="340780055",
        city="Beziers",
        department="34",
    ),
    establishment(
        "340000033",
        "Centre Hospitalier de Beziers",
        "Beziers",
        "34",
        parent_key="finess-ej:340780055",
        aliases=["CH Beziers"],
    ),
    establishment(
        "340021211",
        "Hospitalisation a Domicile CH Beziers",
        "Beziers",
        "34",
        category="Hospitalisation à Domicile",
    ),
    establishment("070000013", "Centre Hospitalier de Privas Ardeche", "Privas", "07"),
    establishment("070780317", "Centre Hospitalier Specialise Sainte-Marie Privas", "Privas", "07"),
    establishment("070784517", "Long Séjour CH de Privas", "Privas", "07", category=LONG_STAY),
    establishment("760000158", "Hopital Charles Nicolle CHU Rouen", "Rouen", "76"),
    establishment(
        "970213401",
        "Appartement Therapeutique Adultes Fort de France",
        "Fort de France",
        "9B",
        aliases=["Fort de France"],
    ),
    establishment("670017458", "Clinique Rhena Association", "Strasbourg", "67"),
    establishment("560000127", "Chba Site de Vannes", "Vannes", "56"),
    establishment("750000001", "Groupe hospitalier de Paris", "Paris", "75"),
    establishment(
        "930000328", "Centre Hospitalier de St Denis Hopital Delafontaine", "St Denis", "93"
    ),
    establishment("930006119", "Hopital de Jour Saint Denis", "St Denis", "93", category=LONG_STAY),
    EntityRecord(
        key="group:emeis", kind="group", name="emeis", aliases=["Orpea", "ORPEA", "Emeis"]
    ),
    EntityRecord(key="group:ramsay-sante", kind="group", name="Ramsay Santé"),
    EntityRecord(
        key="insurer:harmonie-mutuelle",
        kind="insurer",
        name="Harmonie Mutuelle",
        aliases=["Harmonie"],
    ),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    departments = {
        "82": "Tarn-et-Garonne",
        "34": "Hérault",
        "07": "Ardèche",
        "76": "Seine-Maritime",
    }
    departments.update({"9B": "Martinique", "67": "Bas-Rhin", "56": "Morbihan", "75": "Paris"})
    return Matcher(Watchlist(ENTITIES, departments | {"93": "Seine-Saint-Denis"}))


def test_a_site_named_after_its_clinic_does_not_take_the_clinic(matcher: Matcher) -> None:
    post = "Fuite de la clinique du Pont de Chaume (Montauban, 82). Base patients."
    assert keys(matcher, post) == {"finess:820000057"}


def test_a_unit_sharing_the_hospital_name_yields_to_the_hospital(matcher: Matcher) -> None:
    found = keys(matcher, "CH Béziers - VPN access", "Domain admin on CH Beziers, 2800 hosts")
    assert found == {"finess-ej:340780055"}  # the legal entity heading the CH's family


def test_the_type_word_written_picks_the_hospital_of_that_type(matcher: Matcher) -> None:
    assert keys(matcher, "Centre Hospitalier de Privas patients 70k") == {"finess:070000013"}


def test_a_foreign_place_in_the_text_discredits_a_name_in_the_title(matcher: Matcher) -> None:
    title, text = "Hopital Charles Nicolle", "Base de l'hôpital de Tunis (Tunisie), 200k patients."
    assert keys(matcher, title, text) == set()
    assert keys(matcher, title, "CHU de Rouen, 200k patients") == {"finess:760000158"}


def test_an_alias_that_is_only_a_town_names_the_town(matcher: Matcher) -> None:
    assert keys(matcher, "Base patients Fort-de-France (Martinique), 350k patients") == set()


def test_a_weak_alias_is_confirmed_by_another_name_of_the_entity(matcher: Matcher) -> None:
    assert keys(matcher, "ORPEA / emeis - fichier résidents 2023") == {"group:emeis"}
    assert keys(matcher, "ORPEA fichier résidents 2023") == set()


def test_association_closing_a_name_is_not_part_of_it(matcher: Matcher) -> None:
    assert keys(matcher, "CLINIQUE RHENA - STRASBOURG - 90K PATIENTS") == {"finess:670017458"}


def test_an_acronym_before_site_names_the_establishment(matcher: Matcher) -> None:
    assert keys(matcher, "Chba Vannes - acces VPN, 3 comptes, 400$") == {"finess:560000127"}


def test_a_group_is_named_by_its_brand_after_groupe(matcher: Matcher) -> None:
    assert keys(matcher, "Base Clinique, 200k patients, groupe Ramsay") == {"group:ramsay-sante"}
    assert keys(matcher, "Gordon Ramsay recipes dump") == set()


def test_a_town_core_needs_the_entity_own_type_word(matcher: Matcher) -> None:
    post = "Base clients d'une agence du boulevard de l'Hôpital (Paris 13e)"
    assert keys(matcher, post) == set()
    assert keys(matcher, "Groupe hospitalier de Paris, 90k patients") == {"finess:750000001"}


def test_the_type_word_read_first_owns_a_shared_core(matcher: Matcher) -> None:
    post = "Dumped the DB of Centre Hospitalier de St Denis (Hopital Delafontaine). 500k rows."
    assert keys(matcher, post) == {"finess:930000328"}


def test_his_is_no_health_word(matcher: Matcher) -> None:
    assert keys(matcher, "Harmonie: his band members list") == set()
    assert keys(matcher, "Harmonie patients list") == {"insurer:harmonie-mutuelle"}
