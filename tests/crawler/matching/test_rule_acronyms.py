"""Rule: an acronym written in capitals that spells the initials of another name of the post,
as written there, is that name's: "Centre hospitalier Albertville-Moûtiers … le CHAM" is not
the Montargis hospital whose alias is "CHAM"."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

ALBERTVILLE = establishment(
    "730000262", "Centre Hospitalier d'Albertville", "Albertville", "73", tags=["category:355"]
)
MONTARGIS = establishment(
    "450000088", "CH de l'Agglomération Montargoise", "Amilly", "45", aliases=["CHAM"]
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((ALBERTVILLE, MONTARGIS), {}))


def test_an_acronym_of_a_name_written_in_the_post_is_that_name(matcher: Matcher) -> None:
    text = (
        "Centre hospitalier Albertville-Moûtiers. Des pirates revendiquent le vol de données"
        " de patients du CHAM et en ont publié un échantillon."
    )
    assert keys(matcher, "Fuite de données hospitalières", text) == {ALBERTVILLE.key}


@pytest.mark.parametrize(
    "text",
    [
        "Des pirates revendiquent le vol de données de patients du CHAM (hôpital).",
        "Centre hospitalier d'Albertville : rien. Le CHAM de Montargis est touché par une fuite.",
    ],
)
def test_an_acronym_no_other_name_spells_is_read(matcher: Matcher, text: str) -> None:
    assert MONTARGIS.key in keys(matcher, "Fuite de données hospitalières", text)


def test_an_insurer_s_initials_with_what_it_is_written_close_by_are_read() -> None:
    # "MNH" alone needs another name or a place; "mutuelle" written next to it says which
    # body the initials are, in French ("health insurance" is any country's).
    mnh = EntityRecord(
        key="insurer:mnh",
        kind="insurer",
        name="Mutuelle nationale des hospitaliers",
        aliases=["MNH"],
    )
    matcher = Matcher(Watchlist((mnh,), {}))
    assert keys(matcher, "", "Dump MNH (mutuelle des hospitaliers) dispo") == {mnh.key}
    assert keys(matcher, "", "Harmonie + MGEN + MNH bundle, 3 mutuelles") == {mnh.key}
    assert keys(matcher, "", "Dump MNH dispo, 20k lignes") == set()
    assert keys(matcher, "", "MNH health insurance data breach notice") == set()
    assert keys(matcher, "", "mnh et sa mutuelle") == set()  # not written as initials


def test_a_dotted_acronym_before_its_town_is_the_operator_s() -> None:
    # Real shapes: a dialysis association whose FINESS sites are "A.r.a.u.c.o. <town>",
    # listed "A.R.A.U.C.O."; written as one word it is also a Chilean town's ("Hospital San
    # Vicente de Arauco") and needs its place.
    vierzon = establishment("180005662", "A.r.a.u.c.o. Vierzon", "Vierzon", "18")
    matcher = Matcher(Watchlist((vierzon,), {}))
    assert keys(matcher, "A.R.A.U.C.O.", "Group: play") == {vierzon.key}
    assert keys(matcher, "Hospital San Vicente de Arauco", "Group: lockbit3") == set()
    assert keys(matcher, "ARAUCO Vierzon", "Group: play") == {vierzon.key}
