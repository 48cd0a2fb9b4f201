"""Rule: a leak site's title cut short ("Centre Hospitalier Sud Franci...") has its last word
completed when the watchlist's names allow one completion only; never otherwise."""

from __future__ import annotations

import re

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crawler.matching.matcher import Matcher, _cut_word
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

CHSF = establishment("910000314", "Centre Hospitalier Sud Francilien", "Corbeil Essonnes", "91")
FRANCISCAINES = establishment("750000001", "Clinique des Franciscaines", "Versailles", "78")
CANNES = establishment("060000544", "Centre Hospitalier de Cannes", "Cannes", "06")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((CHSF, FRANCISCAINES, CANNES), {}))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Centre Hospitalier Sud Franci...", {CHSF.key}),  # LockBit's cut titles
        ("CENTRE HOSPITALIER SUD FRANCI…", {CHSF.key}),
        ("Centre Hospitalier de Canne...", {CANNES.key}),
    ],
)
def test_a_cut_title_is_completed(matcher: Matcher, title: str, expected: set[str]) -> None:
    assert keys(matcher, title, "Group: lockbit3") == expected


def test_a_cut_word_with_several_endings_is_left_alone(matcher: Matcher) -> None:
    # "Franci" alone goes on as "Francilien" and "Franciscaines": no guess.
    assert keys(matcher, "Hospital Franci...", "Group: lockbit3") == set()


def test_the_match_points_into_the_title_as_written(matcher: Matcher) -> None:
    (match,) = matcher.match("Centre Hospitalier Sud Franci...", "").matches
    assert match.matched == "Centre Hospitalier Sud Franci" and match.field == "title"


#: The reading of a cut title as a regular expression (what _cut_word reads from the end, in
#: linear time: searched from the start, this one is quadratic on a long word not cut).
_CUT_TITLE = re.compile(r"^(.*?)([^\W\d_]{2,})\s*(?:\.{3}|…)\s*$", re.DOTALL)
_TITLE_CHARACTERS = st.sampled_from(list("ab Zé_1²½٣.…\n\t\u00a0\u2003-'"))


@given(
    st.text(_TITLE_CHARACTERS, max_size=16),
    st.sampled_from(["", "...", "…", " ...", "... ", "…\n", "....", ". ..", "…\u2003"]),
)
@example("Centre Hospitalier Sud Franci", "...")
@example("ab", "…")
def test_the_cut_word_is_the_run_of_letters_before_the_dots(title: str, end: str) -> None:
    found = _CUT_TITLE.search(title + end)
    expected = None if found is None else (found.start(2), found.end(2))
    assert _cut_word(title + end) == expected


# After a type word, the cut word is completed to the one town it starts, whatever other keys
# start so ("Cholesterol Clinic" is a key too).
CHOLET = establishment(
    "490000676", "Centre hospitalier de Cholet", "Cholet", "49", region="Pays de la Loire"
)
NAZAIRE = establishment(
    "440000057", "Centre hospitalier de St Nazaire", "St Nazaire", "44", region="Pays de la Loire"
)
CHOLESTEROL = establishment(
    "750000002", "Cholesterol Clinic", "Paris", "75", region="Île-de-France"
)


@pytest.fixture(scope="module")
def towns() -> Matcher:
    return Matcher(Watchlist((CHOLET, NAZAIRE, CHOLESTEROL), {}))


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("Centre Hospitalier de Chol...", {CHOLET.key}),
        ("CH de Saint-Nazai...", {NAZAIRE.key}),
        ("Chol...", set()),  # no type word before it
    ],
)
def test_a_cut_town_after_a_type_word_is_completed(
    towns: Matcher, title: str, expected: set[str]
) -> None:
    assert keys(towns, title, "Group: lockbit3") == expected


def test_two_letters_are_completed_after_two_words_of_the_name(bundled_matcher: Matcher) -> None:
    title = "Centre Hospitalier de Sainte Foy la Gr..."
    assert keys(bundled_matcher, title, "Group: ransomhub") == {"finess-ej:330781261"}


def test_two_letters_right_after_the_type_word_are_left_alone(bundled_matcher: Matcher) -> None:
    assert keys(bundled_matcher, "Centre Hospitalier de Sa...", "Group: ransomhub") == set()


def test_two_letters_after_a_type_word_and_one_name_word_are_completed_by_that_type() -> None:
    # "Polyclinique Santa Ma...": the type word counts as the name's first word, and only the
    # names read with that type say how the cut word goes on (the Maria, not the Marta home).
    maria = establishment("060780756", "Polyclinique Santa Maria", "Nice", "06")
    marta = establishment("060000002", "EHPAD Santa Marta", "Menton", "06")
    matcher = Matcher(Watchlist((maria, marta), {}))
    for title in ("polyclinique-santa-ma...", "Polyclinique Santa Ma…"):
        assert keys(matcher, title, "Group: lockbit3") == {maria.key}
    assert keys(matcher, "Santa Ma...", "Group: lockbit3") == set()  # no type word: no guess
