"""Rule: French hospitals named in English by non-French sellers, threat-intel posts and
English Wikipedia ("Georges Pompidou European Hospital", "Necker Children's Hospital", "Basque
Coast Hospital Center", "American Hospital of Paris") are read as their French names; the type
word stays required and foreign hospitals named alike stay out.

- a name's directions are also read in English ("South Francilien Hospital Center");
- an English qualifier between a name and an English type word written after it passes, as a
  French one does after the type word (`ENGLISH_QUALIFIERS`: "European", "Children's",
  "Cancer"…);
- a qualifier that names a specialty ("Cancer", "Eye", "Cardiology", "Children's") needs it said
  by the names or FINESS categories of the entity's family (`SPECIALTY_QUALIFIERS`): "Caen
  Cancer Institute" is no other institute of Caen, "Lille's Cardiology Hospital" is the CHU
  whose site is the "Hôpital cardiologique";
- a region, in English or French, between a town and an English type word passes too
  (`REGIONS_IN_ENGLISH_NAMES`: "Caen Normandy University Hospital");
- "Hospital Group" is a "Groupe hospitalier", "Military Hospital" an "Hôpital d'instruction des
  armées" (below), "Municipal" passes as the qualifiers above;
- a department's name is a place, not an English phrase ("Réunion University Hospital");
- a town's English possessive ("Lille's Cardiology Hospital"), never a saint's ("St. James's");
- given names before a name in English order ("Georges Pompidou …"), as after a type word;
- an English qualifier before an English type word says its type as a French one after it
  does (`ENGLISH_TYPE_QUALIFIERS`: "Creteil Intercommunal Hospital Center", "Specialized
  Hospital Center of Bassens"); before the name it blocks nothing, after it "X Regional
  Hospital" is foreign as "hôpital régional" is;
- a military hospital ("Hôpital d'instruction des armées Percy", "HIA Bégin") is a type of its
  own, "Military Hospital" / "Army Training Hospital" in English, whose ordinary English words
  ("Percy", "Begin") are still names (`ENGLISH_OWN_TYPES`);
- a hospital named by its medical specialty ("Centre national d'ophtalmologie des Quinze-Vingts")
  is also the "Hôpital des Quinze-Vingts", "Quinze-Vingts National Eye Hospital" in English
  (`MEDICAL_SPECIALTIES`, `specialty_name`);
- a core of French adjectives, alone or after an area noun, is also read in English, adjective
  first (`ENGLISH_ADJECTIVES`, `ENGLISH_NOUNS`: "Côte Basque" → "Basque Coast"); one adjective
  alone is an ordinary English word, a name only with a French town after it ("American
  Hospital of Paris", not "American Hospital Dubai").
"""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.names import (
    core_variants,
    english_variants,
    french_of_english,
    specialty_name,
)
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

CHSF = establishment("910000314", "Centre Hospitalier Sud Francilien", "Corbeil Essonnes", "91")
POMPIDOU = establishment(
    "750803447",
    "GHU Aphp Centre-Universite Paris Cite Site G Pompidou",
    "Paris",
    "75",
    tags=("category:101",),
)
NECKER = establishment(
    "750100208",
    "GHU Aphp Centre-Universite Paris Cite Necker Enfants Malades",
    "Paris",
    "75",
    aliases=("GHU Cup Site Necker Enfants Malades",),
    tags=("category:101",),
)
LILLE = establishment("590780193", "CHU de Lille", "Lille", "59", region="Hauts-de-France")
LILLE_HEART = establishment(
    "590787586",
    "Institut Cœur Poumon du CHU Lille",
    "Lille",
    "59",
    parent_key=LILLE.key,
    aliases=("Hôpital Cardiologique du CHR Lille",),
)
CAEN_INSTITUTE = establishment(
    "140025123", "Institut Régional de Caen", "Caen", "14", region="Normandie"
)
ICM = establishment(
    "340000207",
    "Icm",
    "Montpellier",
    "34",
    aliases=("Institut Régional du Cancer de Montpellier",),
)
BASQUE = establishment(
    "640000162",
    "CH Côte Basque",
    "Bayonne",
    "64",
    aliases=("Centre Hospitalier Intercommunal de la Côte Basque",),
)
AMERICAN = establishment(
    "920300787", "Hôpital Americain", "Neuilly sur Seine", "92", region="Île-de-France"
)
PARIS = establishment("750000001", "Hôpital de Paris", "Paris", "75", region="Île-de-France")
SAINT_JAMES = establishment("500000104", "CH de Saint-James", "Saint-James", "50")
CRETEIL = establishment("940110018", "Centre Hospitalier Intercommunal de Creteil", "Creteil", "94")
BASSENS = establishment(
    "730000304",
    "Centre Hospitalier Spécialisé de la Savoie",
    "Bassens",
    "73",
    region="Auvergne-Rhône-Alpes",
    tags=("category:292",),
)
CANNES = establishment("060000528", "Centre hospitalier de Cannes", "Cannes", "06")
PERCY = establishment("920120011", "Hôpital Instruction des Armees Percy", "Clamart", "92")
BEGIN = establishment(
    "940120017", "Hôpital d Instruction des Armees Begin", "St Mande", "94", aliases=("Hia Begin",)
)
MERCY = establishment("570005165", "CHR Metz-Thionville - Hôpital de Mercy", "Ars-Laquenexy", "57")
QUINZE_VINGTS = establishment(
    "750000481",
    "Centre National d Ophtalmologie des Quinze Vingts de Paris",
    "Paris",
    "75",
    tags=("category:355",),
)
SAINT_JOSEPH = establishment(
    "750000523",
    "GH Paris Site Saint Joseph",
    "Paris",
    "75",
    aliases=("Groupe Hospitalier Paris Saint Joseph",),
)
REUNION = establishment("970408589", "CHU de Reunion", "St Pierre", "974")
CAEN = establishment("140000100", "CHU de Caen", "Caen", "14")
FOIX = establishment("090000001", "Centre hospitalier de Foix", "Foix", "09", region="Occitanie")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    entities = (
        *(CHSF, POMPIDOU, NECKER, LILLE, ICM, BASQUE, AMERICAN, PARIS, SAINT_JAMES, FOIX),
        *(CRETEIL, BASSENS, CANNES, PERCY, BEGIN, MERCY, CAEN, QUINZE_VINGTS),
        *(SAINT_JOSEPH, REUNION, LILLE_HEART, CAEN_INSTITUTE),
    )
    return Matcher(
        Watchlist(
            entities,
            {"974": "La Reunion"},
            english_words=frozenset(
                {"american", "coast", "european", "james", "percy", "begin", "mercy", "reunion"}
            ),
        )
    )


def test_a_direction_is_read_in_english(matcher: Matcher) -> None:
    assert keys(matcher, "SOUTH FRANCILIEN HOSPITAL CENTER", "Group: lockbit3") == {CHSF.key}
    assert keys(matcher, "Centre hospitalier Sud Francilien", "") == {CHSF.key}


def test_without_a_type_word_it_names_nothing(matcher: Matcher) -> None:
    assert keys(matcher, "South Francilien", "") == set()
    assert keys(matcher, "Basque Coast", "") == set()


def test_variants() -> None:
    assert core_variants("nord ouest") == ["nord ouest", "nord west", "north ouest", "north west"]
    assert core_variants("saint sud") == ["saint sud", "saint south", "st sud", "st south"]


@pytest.mark.parametrize(
    ("title", "entity"),
    [
        ("Georges Pompidou European Hospital", POMPIDOU),
        ("Necker Children's Hospital", NECKER),
        ("Montpellier Cancer Institute", ICM),
        ("Caen Normandy University Hospital", CAEN),
        ("Caen-Normandie University Hospital", CAEN),
        ("Cannes Municipal Hospital", CANNES),
        ("Hospital Group Paris Saint Joseph", SAINT_JOSEPH),
        ("Paris Saint-Joseph Hospital Group", SAINT_JOSEPH),
        ("Réunion University Hospital", REUNION),
    ],
)
def test_an_english_qualifier_passes(matcher: Matcher, title: str, entity: object) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {entity.key}  # type: ignore[attr-defined]


def test_a_qualifier_needs_an_english_type_word_after_it(matcher: Matcher) -> None:
    assert keys(matcher, "Necker children's centre hospitalier", "") == set()
    assert keys(matcher, "Necker, Children's Hospital", "") == set()
    assert keys(matcher, "Caen Normandy CHU", "") == set()


@pytest.mark.parametrize("title", ["Lille's Cardiology Hospital", "Lille’s hospital"])
def test_a_towns_possessive(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {LILLE.key}


def test_a_specialty_is_the_familys(matcher: Matcher) -> None:
    assert keys(matcher, "Caen Institute", "Group: lockbit3") == {CAEN_INSTITUTE.key}
    assert keys(matcher, "Caen Cancer Institute", "Group: lockbit3") == set()
    assert keys(matcher, "Lille Cardiology Hospital", "Group: lockbit3") == {LILLE.key}
    assert keys(matcher, "Lille Cancer Hospital", "Group: lockbit3") == set()


def test_no_saints_possessive(matcher: Matcher) -> None:
    assert keys(matcher, "St. James's Hospital", "Group: lockbit3") == set()
    assert keys(matcher, "Necker's Hospital", "") == set()  # a possessive is a town's


def test_given_names_before_a_name_in_english_order(matcher: Matcher) -> None:
    assert keys(matcher, "Georges Pompidou Hospital", "") == {POMPIDOU.key}
    assert keys(matcher, "Scripps Pompidou Hospital", "") == set()  # no given name
    assert keys(matcher, "Foix Hospital", "France") == {FOIX.key}  # a town needs France
    assert keys(matcher, "Gabriel Foix Hospital", "") == set()  # no hospital of Foix


@pytest.mark.parametrize(
    ("title", "entity"),
    [
        ("Creteil Intercommunal Hospital Center", CRETEIL),
        ("Intercommunal Hospital Center of Creteil", CRETEIL),
        ("Bassens Specialized Hospital Center", BASSENS),
        ("Specialized Hospital Center of Bassens", BASSENS),
        ("Psychiatric Hospital Center of Bassens", BASSENS),
        ("Bassens Psychiatric Hospital", BASSENS),
        ("Lille Regional University Hospital", LILLE),
        ("Lille University Hospital", LILLE),
        ("Regional Hospital Center of Cannes", CANNES),
    ],
)
def test_an_english_type_qualifier(matcher: Matcher, title: str, entity: object) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {entity.key}  # type: ignore[attr-defined]


def test_a_regional_hospital_after_the_name_is_foreign(matcher: Matcher) -> None:
    assert keys(matcher, "Cannes Regional Hospital", "Group: lockbit3") == set()
    assert keys(matcher, "Cannes Hospital", "Group: lockbit3") == {CANNES.key}


@pytest.mark.parametrize(
    ("title", "entity"),
    [
        ("Percy Military Hospital", PERCY),
        ("Percy Army Training Hospital", PERCY),
        ("Hôpital Percy", PERCY),
        ("Begin Military Hospital", BEGIN),
        ("HIA Bégin", BEGIN),
        ("Hôpital d'instruction des armées Bégin", BEGIN),
    ],
)
def test_a_military_hospital(matcher: Matcher, title: str, entity: object) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {entity.key}  # type: ignore[attr-defined]


def test_english_words_with_another_type_stay_a_phrase(matcher: Matcher) -> None:
    assert keys(matcher, "Percy Hospital", "Group: lockbit3") == set()
    assert keys(matcher, "Mercy Military Hospital", "Group: lockbit3") == set()
    assert keys(matcher, "Mercy Hospital", "Group: lockbit3") == set()


@pytest.mark.parametrize(
    "title",
    ["Basque Coast Hospital Center", "Hospital Center of the Basque Coast"],
)
def test_adjectives_after_a_noun_in_english(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {BASQUE.key}


def test_one_adjective_needs_a_french_town(matcher: Matcher) -> None:
    assert keys(matcher, "American Hospital of Paris", "Group: lockbit3") == {AMERICAN.key}
    assert keys(matcher, "American Hospital, Paris", "Group: lockbit3") == {AMERICAN.key}
    assert keys(matcher, "American Hospital Dubai", "Group: lockbit3") == set()
    assert keys(matcher, "American Hospital", "Group: lockbit3") == set()
    assert keys(matcher, "American Hospital of Istanbul", "") == set()


def test_english_variants() -> None:
    assert english_variants("cote basque") == ["basque coast"]
    assert english_variants("americain") == ["american"]
    assert english_variants("basque") == []  # the same in English
    assert english_variants("cote d argent") == []
    assert french_of_english("basque coast") == "cote basque"
    assert french_of_english("american") == "americain"
    assert french_of_english("mercy") is None


@pytest.mark.parametrize(
    "title",
    ["Quinze-Vingts National Eye Hospital", "Hôpital des Quinze-Vingts", "Quinze-Vingts Hospital"],
)
def test_a_hospital_named_by_its_specialty(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {QUINZE_VINGTS.key}


def test_specialty_name() -> None:
    name = "Centre National d Ophtalmologie des Quinze Vingts de Paris"
    assert specialty_name(name, ("paris",)) == "quinze vingts"
    assert specialty_name("Centre de Psychiatrie de St Saulve") is None  # "de": a town
    assert specialty_name("Centre Hospitalier de Moyen Séjour de la Souterraine") is None
    assert specialty_name("Centre de Cardiologie du Pays Basque") is None  # generic words
