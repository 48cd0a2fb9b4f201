"""Rule: a leak site's title with masked words ("G****e Hospitalier du Havre", "Centre
Hospitalier Yves Le F**l") has each masked word filled in when the watchlist's names and the
type words read it one way only, over the longest run of words around it that any of them
fits, or, right after a type word, among the names read with that type ("Centre Hospitalier
d'Arc*****" is Arcachon's, not the "Archipel" nursing home's); a mask that fits several names,
or too little shown, is left as written."""

from __future__ import annotations

import pytest

from crawler.matching.masked import unmasked
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys, legal_entity

HAVRE = legal_entity("760780726", "Groupe hospitalier du Havre", "Le Havre", "76")
FOLL = establishment("220000012", "Centre Hospitalier Yves le Foll", "St Brieuc", "22")
TOURAINE = establishment("380000042", "CH Yves Touraine", "Pont de Beauvoisin", "38")
FONTAINE = establishment("590000001", "Clinique de la Fontaine", "Lille", "59")
FONTENOY = establishment("590000002", "Clinique de la Fontenoy", "Lille", "59")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((HAVRE, FOLL, TOURAINE, FONTAINE, FONTENOY), {}))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("G****e Hospitalier du Havre", {HAVRE.key}),  # a masked type word
        ("Centre Hospitalier Yves Le F**l", {FOLL.key}),  # a masked name: Foll, not Touraine
        ("CENTRE HOSPITALIER YVES LE F**L", {FOLL.key}),
        ("C****e H*********r Yves le Foll", {FOLL.key}),  # several masked words
    ],
)
def test_a_masked_title_with_one_reading_is_read(
    matcher: Matcher, title: str, expected: set[str]
) -> None:
    assert keys(matcher, title, "Group: hunters") == expected


@pytest.mark.parametrize(
    "title",
    [
        "Clinique de la Font***",  # Fontaine or Fontenoy: no guess
        "K???o???",  # one masked word alone fits too much
        "Centre Hospitalier Yves ****",  # nothing shown
    ],
)
def test_a_mask_with_several_readings_or_too_little_shown_is_left_alone(
    matcher: Matcher, title: str
) -> None:
    assert keys(matcher, title, "Group: hunters") == set()


def test_the_match_points_into_the_title_as_written(matcher: Matcher) -> None:
    (match,) = matcher.match("G****e Hospitalier du Havre", "").matches
    assert match.matched == "G****e Hospitalier du Havre" and match.field == "title"


def test_the_fill_keeps_the_masked_word_case_and_punctuation(matcher: Matcher) -> None:
    names = matcher.index.automaton
    assert unmasked("Centre Hospitalier Yves Le F**L", names) == [(27, 31, "FOLL")]
    assert unmasked("Clinique de la Font***", names) == []
    assert unmasked("No mask here", names) == []


ARCACHON = legal_entity("330781204", "Centre Hospitalier d'Arcachon", "Arcachon", "33")
ARCHIPEL = establishment("330000001", "Résidence Archipel", "Bordeaux", "33")


def test_a_masked_name_after_a_type_word_is_read_among_that_type_s_names() -> None:
    matcher = Matcher(Watchlist((ARCACHON, ARCHIPEL), {}))
    assert keys(matcher, "Centre Hospitalier d'Arc*****", "Group: everest") == {ARCACHON.key}
    assert keys(matcher, "CH d'Arc*****", "Group: everest") == {ARCACHON.key}
    assert keys(matcher, "Clinique d'Arc*****", "Group: everest") == set()  # no such clinic


def test_a_masked_type_word_alone_is_the_one_type_it_fits() -> None:
    # Real shape: every word masked ("Cl***que Fr***ois Ch***eux"); the name's words fit one
    # key together, the type word fits one type word alone.
    chenieux = establishment("870000288", "Clinique François Chenieux", "Limoges", "87")
    matcher = Matcher(Watchlist((chenieux,), {}))
    assert keys(matcher, "Cl***que Fr***ois Ch***eux", "Group: incransom") == {chenieux.key}


def test_a_masked_ending_not_as_long_as_the_word_is_any_ending() -> None:
    # Real shapes: "Clinique Tivoli-Du****" (Tivoli-Ducos, Bordeaux: six masks for three
    # letters) must not read as the "Clinique Tivoli" of Metz; "Centre Hospitalier de Cann***".
    ducos = establishment("330780115", "Clinique Tivoli-Ducos", "Bordeaux", "33")
    metz = establishment("570004176", "Clinique Tivoli de Metz", "Metz", "57")
    cannes = legal_entity("060780988", "Centre hospitalier de Cannes", "Cannes", "06")
    matcher = Matcher(Watchlist((ducos, metz, cannes), {}))
    assert keys(matcher, "Clinique Tivoli-Du****", "Group: hunters") == {ducos.key}
    assert keys(matcher, "Clinique Tivoli D***", "Group: hunters") == {ducos.key}
    assert keys(matcher, "Centre Hospitalier de Cann***", "Group: hunters") == {cannes.key}
    # two letters shown are too few
    assert keys(matcher, "Centre Hospitalier de Ca*", "Group: hunters") == set()


def test_a_word_with_most_letters_shown_is_the_one_key_it_fits_alone() -> None:
    # Real shape: "Clin**ue Ambr***e Pare Thi***ille": the town is read alone (seven letters
    # shown), the name with its neighbour; a word with fewer letters shown is left as written.
    pare = establishment("570000356", "Clinique Ambroise Pare de Thionville", "Thionville", "57")
    other = establishment("310780382", "Clinique Ambroise Pare", "Toulouse", "31")
    matcher = Matcher(Watchlist((pare, other), {}))
    assert keys(matcher, "Clin**ue Ambr***e Pare Thi***ille", "Group: lockbit3") == {pare.key}
    assert unmasked("Th*****lle", matcher.index.automaton) == []  # five letters shown
