"""Rule: a hashtag that glues a name's words in camel case or with underscores is read as its
words ("#CHUdeRennes", "#Hôpital_Foch"), its span still pointing into the post as written; a
name read over several hashtags ("#CH #Orne") is no name."""

from __future__ import annotations

from dataclasses import replace

import pytest

from crawler.matching.hashtags import hashtag_words
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys, legal_entity

RENNES = legal_entity("350005179", "CHU de Rennes", "Rennes", "35")
FOCH = establishment("920000650", "Hôpital Foch", "Suresnes", "92")
ORNE = replace(
    legal_entity("610780025", "Centre psychothérapique de l'Orne", "Alencon", "61"),
    tags=["category:156", "ej-name:known", "legal-entity"],
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((RENNES, FOCH, ORNE), {"61": "Orne"}))


@pytest.mark.parametrize(
    ("tag", "words"),
    [
        ("#CHUdeRennes", "CHU de Rennes"),
        ("#HopitalDeDax", "Hopital De Dax"),
        ("#CHSudFrancilien", "CH Sud Francilien"),
        ("#Hôpital_Foch", "Hôpital Foch"),
    ],
)
def test_a_glued_hashtag_is_cut_into_its_words(tag: str, words: str) -> None:
    assert hashtag_words(tag) == [(1, len(tag), words)]


@pytest.mark.parametrize("tag", ["#APHP", "#cyberattaque", "#CH", "#Orne"])
def test_a_one_word_hashtag_is_left_alone(tag: str) -> None:
    assert hashtag_words(tag) == []


def test_a_glued_hashtag_names_its_entity_where_it_is_written(matcher: Matcher) -> None:
    text = "Fuite massive #CHUdeRennes : 40k dossiers"
    [match] = matcher.match("Nouvelle victime", text).matches
    assert match.entity.key == RENNES.key
    assert text[match.start : match.end] == "CHUdeRennes"
    assert keys(matcher, "Victime", "via #LockBit : #Hôpital_Foch") == {FOCH.key}


def test_a_name_read_over_several_hashtags_is_no_name(matcher: Matcher) -> None:
    text = "Boîte mail RH compromise, 4 Go de PJ. #CH #Orne"
    assert keys(matcher, "Fuite", text) == set()
