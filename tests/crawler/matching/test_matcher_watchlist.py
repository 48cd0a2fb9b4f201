"""The matcher on the whole-FINESS watchlist: sectors that need their place, ordinary words,
noise aliases, legal entities, EJ numbers, bare and foreign domains, co-operation bodies."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys, legal_entity

ENTITIES = (
    establishment(
        "140000001", "EHPAD Les Tilleuls", "Vire", "14", tags=["category:500"],
        aliases=["Résidence les Tilleuls"],
    ),
    establishment("610000001", "EHPAD Les Tilleuls", "Flers", "61", tags=["category:500"]),
    establishment("130000001", "Les Jardins de Cybèle", "Marseille", "13", tags=["category:500"]),
    establishment("440000001", "Ship - Pédo-Psychiatrie", "Nantes", "44", tags=["category:292"]),
    establishment("830000001", "Clinique Horizon", "Toulon", "83", tags=["category:365"],
                  aliases=["Horizon", "A Venir", "Annexe"]),
    establishment("660000001", "CH Saint Jean", "Perpignan", "66", tags=["category:696"]),
    establishment("710000001", "Centre Hospitalier de la Guiche", "La Guiche", "71",
                  finess_ej="710780156", parent_key="finess-ej:710780156", tags=["category:106"]),
    establishment("710000002", "EHPAD du CH de la Guiche", "La Guiche", "71",
                  finess_ej="710780156", parent_key="finess-ej:710780156", tags=["category:500"]),
    legal_entity("710780156", "Centre hospitalier de La Guiche", "La Guiche", "71"),
    establishment("350000147", "GHRE - Site Broussais", "St Malo", "35",
                  finess_ej="350000022", parent_key="finess-ej:350000022",
                  aliases=["Centre Hospitalier Saint-Malo"], tags=["category:355"]),
    establishment("350000279", "GHRE - Site Rosais", "St Malo", "35",
                  finess_ej="350000022", parent_key="finess-ej:350000022",
                  aliases=["CH Saint Malo Site du Rosais"], tags=["category:355"]),
    legal_entity("350000022", "GHRE", "St Malo", "35"),
    establishment("010000024", "CH de Fleyriat", "Viriat", "01", finess_ej="010780054",
                  domains=["ch-bourg01.fr"], tags=["category:355"]),
    EntityRecord(key="vendor:harmonie", kind="vendor", name="Harmonie"),
)  # fmt: skip
ORDINARY = frozenset({"horizon", "ship", "harmonie", "jardins", "tilleuls", "residence"})


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    departments = {"14": "Calvados", "61": "Orne", "13": "Bouches-du-Rhône", "59": "Nord"}
    return Matcher(Watchlist(ENTITIES, departments, ordinary_words=ORDINARY))


def test_nursing_home_names_need_their_place(matcher: Matcher) -> None:
    text = "Résidence les Tilleuls : appartement T3 à vendre, quartier calme, proche écoles."
    assert keys(matcher, "", text) == set()
    assert keys(matcher, "", "Fuite de l'EHPAD Les Tilleuls, 200 résidents") == set()
    assert keys(matcher, "", "Fuite de l'EHPAD Les Tilleuls à Vire, résidents") == {
        "finess:140000001"
    }
    assert keys(matcher, "Les Jardins de Cybèle", "fichier des résidents") == set()
    assert keys(matcher, "Les Jardins de Cybèle (Marseille)", "résidents") == {"finess:130000001"}


def test_ordinary_words_name_no_establishment_alone(matcher: Matcher) -> None:
    assert keys(matcher, "", "bundles ship fast, new horizon for the crew, patients db") == set()
    assert keys(matcher, "", "Clinique Horizon patients db") == {"finess:830000001"}
    assert keys(matcher, "", "Horizon (Toulon) patients db") == set()  # one word: never
    assert keys(matcher, "", "Harmonie patient records leaked") == {"vendor:harmonie"}


def test_status_and_category_words_are_no_alias(matcher: Matcher) -> None:
    assert keys(matcher, "", "Résultats à venir, annexe 2 du dossier patients, Toulon") == set()


def test_co_operation_body_is_read_by_its_whole_name_only(matcher: Matcher) -> None:
    assert "finess:660000001" not in keys(matcher, "", "CH Saint Jean de Perpignan dump")


def test_a_name_of_a_legal_entity_and_its_sites(matcher: Matcher) -> None:
    # The name the legal entity shares with its head site and units names the legal entity;
    # sites named alike, the one whose whole name is written.
    assert keys(matcher, "", "Accès VPN au CH de la Guiche (71), EHPAD inclus") == {
        "finess-ej:710780156"
    }
    assert keys(matcher, "", "Hospital Center of Saint-Malo VPN") == {"finess:350000147"}


def test_ej_numbers_are_found_like_et_numbers(matcher: Matcher) -> None:
    assert keys(matcher, "", "FINESS juridique 710780156, 20k dossiers") == {"finess-ej:710780156"}
    assert keys(matcher, "", "EJ 010780054 dump") == {"finess:010000024"}  # one site, no EJ


def test_bare_domains_and_foreign_hosts(matcher: Matcher) -> None:
    assert keys(matcher, "ch-bourg01.fr", "") == {"finess:010000024"}
    assert keys(matcher, "clinique-horizon.fr", "") == {"finess:830000001"}
    assert matcher.match("clinique-horizon.be", "").matches == []
    assert matcher.match("clinique-horizon.ch", "").ambiguous == []


def test_ordinary_department_name_places_nothing(matcher: Matcher) -> None:
    # "Nord" in "CH Nord-Ouest" is no department for a name that needs its place.
    nord = establishment("590000001", "Acces", "Walincourt", "59", tags=["category:460"])
    alone = Matcher(Watchlist((nord,), {"59": "Nord"}, ordinary_words=frozenset({"nord"})))
    assert keys(alone, "", "Accès au CH Nord-Ouest de Villefranche") == set()
