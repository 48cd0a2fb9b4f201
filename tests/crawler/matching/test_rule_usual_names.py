"""Rule: organisations known by a usual name rather than their FINESS name: a maternity
("Maternité des Bluets" is the "Hôpital Pierre Rouquès les Bluets"), a long name's ending
after an article; never a town's own article ("Marne-la-Vallée")."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

BLUETS = establishment("750150013", "Hopital Pierre Rouques les Bluets", "Paris", "75")
IMAGING = establishment(
    "770020469", "Centre d Imagerie du GIE IRM Marne la Vallee", "Lagny sur Marne", "77"
)
TOWN = establishment("770000001", "Centre Hospitalier de Marne la Vallee", "Marne la Vallee", "77")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((BLUETS, IMAGING, TOWN), {}))


@pytest.mark.parametrize(
    "title", ["Maternite des Bluets", "Maternité des Bluets (Paris 12e)", "Hôpital les Bluets"]
)
def test_a_usual_name_after_an_article_names_the_establishment(
    matcher: Matcher, title: str
) -> None:
    assert keys(matcher, title, "") == {BLUETS.key}


def test_a_town_article_is_no_usual_name(matcher: Matcher) -> None:
    assert IMAGING.key not in keys(matcher, "Community Health Center | Vallee del Sol", "")
