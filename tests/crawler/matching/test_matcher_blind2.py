"""Failure classes found by the second blind set (tests/data/match_eval_blind2.jsonl).

Each test stands for a class of posts, on a small watchlist shaped like the FINESS data that
caused it: a unit named "CH de <town> <service>" next to the town's CH, a site whose town is
read out of a longer name, a town written short, a name shared by several entities, a town
written again next to a foreign place, and specialty words used as names.
"""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

CANNES_EJ = "finess-ej:060780988"
ENTITIES = (
    EntityRecord(
        key=CANNES_EJ,
        kind="establishment",
        name="Centre hospitalier de Cannes",
        finess_ej="060780988",
        city="Cannes",
        department="06",
    ),
    establishment(
        "060000544",
        "Centre Hospitalier de Cannes Simone Veil",
        "Cannes",
        "06",
        parent_key=CANNES_EJ,
    ),
    establishment(
        "060793932",
        "Centre Planif Gyn Obs CH Cannes",
        "Cannes",
        "06",
        parent_key=CANNES_EJ,
        aliases=["Simone Veil"],
    ),
    establishment(
        "060794021", "CH de Cannes Centre de Moyen Sejour", "Cannes", "06", aliases=["Simone Veil"]
    ),
    establishment(
        "350000147",
        "Ghre - Site Saint Malo Broussais",
        "St Malo",
        "35",
        aliases=["Centre Hospitalier de Saint Malo - Hopital Broussais"],
    ),
    establishment(
        "350000279",
        "Ghre - Site Rosais",
        "St Malo",
        "35",
        aliases=["CH St Malo Site Centre Psychiatrie du Rosais"],
    ),
    establishment("190000018", 'Centre Hospitalier "dubois" Brive', "Brive la Gaillarde", "19"),
    establishment("190013482", "CH Brive - Saint Germain", "Brive la Gaillarde", "19"),
    establishment("620000323", "Centre Hospitalier de Calais", "Calais", "62"),
    establishment("330060385", "Radiotherapie - Site Bordeaux Nord", "Bordeaux", "33"),
    EntityRecord(key="group:emeis", kind="group", name="emeis", aliases=["Orpea", "ORPEA"]),
    EntityRecord(
        key="vendor:dedalus-invitro",
        kind="vendor",
        name="Dedalus InVitro",
        aliases=["Invitro"],
    ),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    departments = {"06": "Alpes-Maritimes", "35": "Ille-et-Vilaine", "19": "Corrèze"}
    departments |= {"62": "Pas-de-Calais", "33": "Gironde"}
    return Matcher(Watchlist(ENTITIES, departments))


def test_the_whole_name_written_beats_a_name_that_only_starts_so(matcher: Matcher) -> None:
    assert keys(matcher, "CH de Cannes - accès VPN") == {CANNES_EJ}
    creds = "m.bernard@ch-cannes.fr:***\nadmin.pacs@ch-cannes.fr:***"
    assert keys(matcher, "combo", creds) == {CANNES_EJ}


def test_a_name_shared_by_several_entities_confirms_none(matcher: Matcher) -> None:
    found = keys(matcher, "Cannes hospital data (Simone Veil) published")
    assert "finess:060794021" not in found
    assert found <= {CANNES_EJ, "finess:060000544", "finess:060793932"}
    assert found


def test_an_alias_as_written_beats_a_town_read_out_of_a_name(matcher: Matcher) -> None:
    post = "Selling VPN creds for the Hospital Center of Saint-Malo, two accounts"
    assert keys(matcher, post) == {"finess:350000147"}


def test_a_town_written_short_names_the_hospital_of_that_town(matcher: Matcher) -> None:
    post = "Le Centre Hospitalier de Brive est en mode dégradé depuis hier, rançongiciel"
    assert keys(matcher, post) == {"finess:190000018"}


def test_the_town_written_again_does_not_confirm_a_name_abroad(matcher: Matcher) -> None:
    post = "Calais Community Hospital (Calais, Maine, USA). 24 GB of PHI."
    assert keys(matcher, post) == set()
    assert keys(matcher, "Centre Hospitalier de Calais - 24 GB of patients") == {"finess:620000323"}


def test_another_name_of_a_group_does_not_make_it_french(matcher: Matcher) -> None:
    post = "Orpea Brasil / emeis Brazil - care homes in Sao Paulo, 40 GB"
    assert keys(matcher, post) == set()
    assert keys(matcher, "ORPEA / emeis - fichier résidents 2023") == {"group:emeis"}


def test_more_foreign_places_discredit_a_name(matcher: Matcher) -> None:
    post = "Invitro, the biggest private medical lab chain in Russia, leaked patients (Moscow)"
    assert keys(matcher, post) == set()
    assert keys(matcher, "Invitro LIS: dump of lab patients results") == {"vendor:dedalus-invitro"}


def test_a_specialty_word_is_not_a_name(matcher: Matcher) -> None:
    post = "RPPS;Nom;Specialite\n10003456789;***;Radiotherapie\n10003456790;***;Oncologie"
    assert keys(matcher, "annuaire medecins patients", post) == set()
