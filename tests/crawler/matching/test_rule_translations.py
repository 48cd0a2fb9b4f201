"""Rule: a name's directions are also read in English ("South Francilien Hospital Center" is the
Centre hospitalier Sud Francilien); the type word stays required."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.names import core_variants
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

CHSF = establishment("910000314", "Centre Hospitalier Sud Francilien", "Corbeil Essonnes", "91")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((CHSF,), {}))


def test_a_direction_is_read_in_english(matcher: Matcher) -> None:
    assert keys(matcher, "SOUTH FRANCILIEN HOSPITAL CENTER", "Group: lockbit3") == {CHSF.key}
    assert keys(matcher, "Centre hospitalier Sud Francilien", "") == {CHSF.key}


def test_without_a_type_word_it_names_nothing(matcher: Matcher) -> None:
    assert keys(matcher, "South Francilien", "") == set()


def test_variants() -> None:
    assert core_variants("nord ouest") == ["nord ouest", "nord west", "north ouest", "north west"]
    assert core_variants("saint sud") == ["saint sud", "saint south", "st sud", "st south"]
