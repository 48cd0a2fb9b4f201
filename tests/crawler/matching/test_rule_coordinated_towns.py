"""Rule: towns coordinated after one plural type word ("les hôpitaux de Guingamp et Lannion")
are each read with that type word, as the first one is (module coordination)."""

from __future__ import annotations

import pytest

from crawler.matching.coordination import coordinated_towns
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

BZH = {"region": "Bretagne"}  # the towns the index knows are those of a known region
GUINGAMP = establishment("220000343", "Centre Hospitalier de Guingamp", "Guingamp", "22", **BZH)
LANNION = establishment("220000368", "Centre Hospitalier de Lannion", "Lannion", "22", **BZH)
PAIMPOL = establishment("220000020", "Centre Hospitalier de Paimpol", "Paimpol", "22", **BZH)
BRIEUC = establishment(
    "220000459", "Centre Hospitalier Yves le Foll", "St Brieuc", "22", tags=["category:355"], **BZH
)
ALL = {GUINGAMP.key, LANNION.key, PAIMPOL.key}


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((GUINGAMP, LANNION, PAIMPOL, BRIEUC), {}))


@pytest.mark.parametrize(
    "text",
    [
        "Les hôpitaux de Guingamp, Lannion et Paimpol touchés par une cyberattaque",
        "Les centres hospitaliers de Guingamp, de Lannion et de Paimpol sont paralysés.",
        "Rançongiciel : les CH de Guingamp, Lannion et Paimpol en mode dégradé",
    ],
)
def test_each_coordinated_town_names_its_hospital(matcher: Matcher, text: str) -> None:
    assert keys(matcher, "", text) == ALL


def test_the_run_stops_at_a_word_that_is_no_town(matcher: Matcher) -> None:
    text = "Les hôpitaux de Guingamp et Lannion Trégor Communauté ont été visés."
    assert keys(matcher, "", text) == {GUINGAMP.key, LANNION.key}
    text = "Les cliniques de Guingamp et Ouest-France ont été visées."
    assert keys(matcher, "", text) == set()  # no clinic of Guingamp, and the press is no town


def test_a_singular_type_word_coordinates_nothing(matcher: Matcher) -> None:
    # "le CH de Guingamp et Lannion Trégor" is one hospital and a place, not two hospitals.
    assert keys(matcher, "", "Le CH de Guingamp et Lannion partagent un réseau.") == {GUINGAMP.key}


def test_spans_point_into_the_text_as_written(matcher: Matcher) -> None:
    text = "Les hôpitaux de Guingamp et Saint-Brieuc touchés"
    result = matcher.match("", text)
    spans = {m.entity.key: text[m.start : m.end] for m in result.matches}
    assert spans[BRIEUC.key].endswith("Saint-Brieuc")


def test_edits_insert_the_singular_before_each_later_town() -> None:
    towns = {"guingamp", "lannion", "paimpol"}
    text = "les hôpitaux de Guingamp, Lannion et de Paimpol"
    edits = coordinated_towns(text, towns.__contains__)
    assert [(text[s:], fix) for s, _, fix in edits] == [
        ("Lannion et de Paimpol", "hôpital de "),
        ("Paimpol", "hôpital de "),
    ]
