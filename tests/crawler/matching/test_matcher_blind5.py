"""Failure classes found by the fifth blind set (tests/data/match_eval_blind5.jsonl).

Each test stands for a class of posts, on a small watchlist shaped like the FINESS data that
caused it: a female saint written the English way ("Saint Anne Hospital", "St Anne clinic"),
and a French town inside the name of a foreign city ("New Orleans hospital").
"""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

SAINTE_ANNE = "finess:750000499"
SAINT_LOUIS = "finess:170000087"
ORLEANS = "finess:450000096"

ENTITIES = (
    establishment("750000499", "Centre Hospitalier Sainte-Anne Paris", "Paris", "75"),
    establishment("750000523", "Groupe Hospitalier Paris Saint-Joseph", "Paris", "75"),
    establishment("750100018", "Hopital Bichat Claude Bernard", "Paris", "75"),
    establishment("330780511", "Clinique Sainte Anne", "Langon", "33"),
    establishment("670780212", "Clinique Sainte-Anne", "Strasbourg", "67"),
    establishment("170000087", "Hopital Saint-Louis - la Rochelle", "La Rochelle", "17"),
    establishment(
        "450000096",
        "Centre Hospitalier Regional d'Orleans",
        "Orleans",
        "45",
        category="Centre Hospitalier Régional (C.H.R.)",
        tags=["etablissement-public-de-sante"],
    ),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist(list(ENTITIES)))


@pytest.mark.parametrize(
    "post",
    [
        "Got access to Saint Anne Hospital Paris (psychiatry), patient files.",
        "St Anne hospital Paris psychiatric records for sale",
        "Centre hospitalier Sainte-Anne (Paris) dump",
        "Leak CH Ste Anne Paris, dossiers patients",
    ],
)
def test_a_female_saint_written_the_english_way(matcher: Matcher, post: str) -> None:
    assert keys(matcher, post) == {SAINTE_ANNE}


def test_an_english_female_saint_still_needs_its_town(matcher: Matcher) -> None:
    assert keys(matcher, "Saint Anne clinic dump, 30k patients") == set()
    assert keys(matcher, "Saint Anne clinic Strasbourg dump") == {"finess:670780212"}


def test_a_male_saint_is_not_read_as_a_female_one(matcher: Matcher) -> None:
    assert keys(matcher, "Hopital Sainte-Louise La Rochelle dump") == set()
    assert keys(matcher, "Hopital Saint-Louis La Rochelle dump") == {SAINT_LOUIS}


def test_a_french_town_inside_a_foreign_city_name(matcher: Matcher) -> None:
    assert keys(matcher, "Orleans hospital patient DB, France") == {ORLEANS}
    assert keys(matcher, "New Orleans hospital patient lookup tool for sale") == set()
