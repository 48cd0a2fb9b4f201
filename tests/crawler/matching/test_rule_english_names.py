"""Rule: a foreign hospital's English or Spanish name is not a French establishment's.

Found on the Wikidata list of hospitals outside France served as leak-site titles
(``tests/data/wikidata/foreign_hospitals.jsonl.gz``, tune part):

- a name in English order goes on to the left: "Scripps Mercy Hospital" is not "Mercy";
- ordinary English words with a type word make an English phrase ("Mercy Hospital", "Clinical
  Centre"), unless the watchlist names an entity so ("American Memorial Hospital") or they are
  a town or a saint's name;
- "Hospital de …" is Spanish or Portuguese (French writes "hôpital", English "hospital of");
- an English word next to an English type word is never "corrected" into a French name
  ("Belford Hospital" is no "Belfort");
- a name followed by "County" or "City" is an American place ("Hospital of Orange County");
- a town with a plain English type word after it ("Royan Hospital") needs France, the town's
  place or health words in the post; a translated French type ("Hospital Center") does not.
"""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

MERCY = establishment("570005165", "CHR Metz-Thionville - Hôpital de Mercy", "Ars-Laquenexy", "57")
CLINICAL = establishment("160000451", "Centre Clinical", "Soyaux", "16")
MEMORIAL = establishment(
    "510002470", "American Memorial Hospital CHU Reims", "Reims", "51", region="Grand Est"
)
CONCEPTION = establishment("130783236", "APHM Hôpital de la Conception", "Marseille", "13")
BELFORT = establishment("900000365", "Hôpital de Belfort", "Belfort", "90")
ORANGE = establishment("840000095", "Centre hospitalier d'Orange", "Orange", "84")
JOSEPH = establishment("130785652", "Hôpital Saint-Joseph", "Marseille", "13")
CANNES = establishment("060000528", "Centre hospitalier de Cannes", "Cannes", "06")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    entities = (MERCY, CLINICAL, MEMORIAL, CONCEPTION, BELFORT, ORANGE, JOSEPH, CANNES)
    return Matcher(
        Watchlist(
            entities,
            {"13": "Bouches du Rhone"},
            english_words=frozenset({"mercy", "clinical", "american", "memorial", "orange"}),
            english_near_names=frozenset({"belford"}),
        )
    )


@pytest.mark.parametrize(
    "title",
    [
        "Mercy Hospital",
        "Scripps Mercy Hospital",
        "Werribee Mercy Hospital",
        "Clinical Centre of Kragujevac",
        "National Institutes of Health Clinical Center",
        "Hospital de la Concepción",
        "Belford Hospital",
        "Children's Hospital of Orange County",
    ],
)
def test_foreign_hospital_names_name_no_french_establishment(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "Group: lockbit3") == set()


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Hôpital de Mercy", MERCY.key),  # French order: the place's name
        ("Centre Clinical Soyaux", CLINICAL.key),
        ("American Memorial Hospital", MEMORIAL.key),  # the watchlist names it so
        ("Reims American Memorial Hospital", MEMORIAL.key),  # a French town before it
        ("Hôpital de la Conception", CONCEPTION.key),
        ("Hôspital de la Conception, Marseille", CONCEPTION.key),  # a French typo, not Spanish
        ("Belfort Hospital", BELFORT.key),
        ("Saint Joseph Hospital (Marseille)", JOSEPH.key),  # a saint's name is a name
        ("Ransomware Gang Hits Cannes Hospital", CANNES.key),  # headline words are no name
        ("Cannes Hospital", CANNES.key),
    ],
)
def test_french_names_written_in_english_still_match(
    matcher: Matcher, title: str, key: str
) -> None:
    assert key in keys(matcher, title, "Group: lockbit3")


def test_another_country_s_name_beside_a_name_discredits_it() -> None:
    schweitzer = establishment("680001195", "Hôpital Albert Schweitzer", "Colmar", "68")
    matcher = Matcher(Watchlist((schweitzer,), {"68": "Haut Rhin"}))
    assert keys(matcher, "Hospital Albert Schweitzer Haiti", "Group: lockbit3") == set()
    assert keys(matcher, "Hôpital Albert Schweitzer Nigeria", "") == set()
    assert keys(matcher, "Hôpital Albert Schweitzer (Colmar)", "") == {schweitzer.key}


ROYAN = establishment(
    "170780191", "Centre Hospitalier de Royan", "Royan", "17", region="Nouvelle-Aquitaine"
)
ARLES = establishment(
    "130789274", "Centre hospitalier d'Arles", "Arles", "13", region="Provence-Alpes-Côte d'Azur"
)


@pytest.fixture(scope="module")
def towns() -> Matcher:
    return Matcher(Watchlist((ROYAN, ARLES), {"17": "Charente Maritime"}))


def test_a_town_and_a_plain_english_type_word_alone_name_no_french_hospital(
    towns: Matcher,
) -> None:
    # "Royan Hospital" is in Nigeria too: a town with "Hospital" after it is how English names
    # a hospital of any country's town of that name.
    assert keys(towns, "Royan Hospital", "Group: lockbit3") == set()
    assert keys(towns, "Arles Clinic", "") == set()


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Royan Hospital", "Royan Hospital, France. 120 GB of patient records."),
        ("Royan Hospital", "17200 Royan"),  # its place
        ("Royan Hospital", "patient records and medical imaging"),  # health words
        ("Royan Hospital Center", "Group: lockbit3"),  # a translated French type word
    ],
)
def test_with_france_its_place_health_words_or_a_translated_type_it_is_read(
    towns: Matcher, title: str, text: str
) -> None:
    assert keys(towns, title, text) == {ROYAN.key}


def test_a_town_written_without_its_article_or_its_tail_is_a_town_too() -> None:
    # English writes "Trinité Hospital" (La Trinité) and "Beaufort Hospital" (Beaufort-en-Anjou).
    trinite = establishment(
        "970211223", "Hôpital de la Trinité", "La Trinité", "972", region="Martinique"
    )
    beaufort = establishment(
        "490000254", "Hôpital de Beaufort", "Beaufort en Anjou", "49", region="Pays de la Loire"
    )
    matcher = Matcher(Watchlist((trinite, beaufort), {}))
    assert keys(matcher, "Trinité Hospital", "Group: lockbit3") == set()
    assert keys(matcher, "Beaufort Hospital", "Group: lockbit3") == set()
    assert keys(matcher, "Beaufort Hospital", "Beaufort Hospital, France.") == {beaufort.key}
