"""Rule: a title that is only a domain (LockBit lists victims so) is read word by word, also
when its words are glued together ("cliniquedelaloire.fr", "chcannes.fr"); a foreign
country-code domain's glued words are not read."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.spelling import Speller
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys, legal_entity

LOIRE = establishment("420011413", "Clinique de la Loire", "Saint-Etienne", "42")
CANNES = legal_entity("060780988", "Centre hospitalier de Cannes", "Cannes", "06")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((LOIRE, CANNES), {}))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("cliniquedelaloire.fr", LOIRE.key),
        ("clinique-de-la-loire.fr", LOIRE.key),
        ("www.chcannes.fr", CANNES.key),
        ("centrehospitalierdecannes.com", CANNES.key),
        ("ch-cannes.fr", CANNES.key),
    ],
)
def test_a_bare_domain_title_is_read_word_by_word(matcher: Matcher, title: str, key: str) -> None:
    assert keys(matcher, title, "") == {key}


def test_span_of_a_glued_domain_points_into_the_title(matcher: Matcher) -> None:
    [match] = matcher.match("www.chcannes.fr", "").matches
    assert match.matched == "chcannes"


@pytest.mark.parametrize("title", ["chcannes.it", "cliniquedelaloire.be", "lecharme.fr"])
def test_foreign_or_unrelated_domains_name_nobody(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "") == set()


def test_segmentation_prefers_type_words_to_glued_name_words() -> None:
    speller = Speller(["Centrehospitalier Sud", "Cannes"])
    assert speller.segment("centrehospitalierdecannes") == ["centre", "hospitalier", "de", "cannes"]
    assert speller.segment("cannes") is None  # one word: nothing to cut
