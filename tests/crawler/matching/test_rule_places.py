"""Rule: places written beside a name. A department's name in brackets places it, even one that
is an ordinary word ("(Rhône)", "(Nord)"); a town written longer than the entity's, into a
town of another region ("hôpital de Villefranche-sur-Saône" for a CH of Villefranche de
Rouergue), discredits it."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import keys

NORD_OUEST = EntityRecord(
    key="finess:690000575",
    kind="establishment",
    name="Centre Hospitalier Nord Ouest - Villefranche",
    finess_et="690000575",
    city="Gleize",
    department="69",
    region="Auvergne-Rhône-Alpes",
)
ROUERGUE = EntityRecord(
    key="finess:120780069",
    kind="establishment",
    name="CH Villefranche de Rouergue",
    finess_et="120780069",
    city="Villefranche de Rouergue",
    department="12",
    region="Occitanie",
)
SAONE = EntityRecord(
    key="finess:690000001",
    kind="establishment",
    name="Mairie annexe",  # only a city for the index to know Villefranche-sur-Saône
    city="Villefranche sur Saone",
    department="69",
    region="Auvergne-Rhône-Alpes",
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    departments = {"69": "Rhone", "12": "Aveyron"}
    # "Rhône" is an ordinary word (the river): alone it places nothing.
    ordinary = frozenset({"rhone"})
    return Matcher(Watchlist((NORD_OUEST, ROUERGUE, SAONE), departments, ordinary_words=ordinary))


def test_a_bracketed_department_name_places_a_generic_name(matcher: Matcher) -> None:
    assert keys(matcher, "Hôpital Nord-Ouest (Rhône)", "cyberattaque") == {NORD_OUEST.key}
    assert keys(matcher, "Hôpital Nord-Ouest", "cyberattaque") == set()  # generic, no place
    assert keys(matcher, "Hôpital Nord-Ouest", "le Rhône en crue") == set()


def test_a_town_that_goes_on_into_another_region_s_town_discredits(matcher: Matcher) -> None:
    title = "L'hôpital de Villefranche-sur-Saône victime d'une cyberattaque"
    assert ROUERGUE.key not in keys(matcher, title, "dossiers patients")
    assert ROUERGUE.key in keys(matcher, "hôpital de Villefranche-de-Rouergue", "patients")
