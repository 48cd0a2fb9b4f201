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
- a name followed by "County" or "City" is an American place ("Hospital of Orange County").
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
