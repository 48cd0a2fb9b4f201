"""Rule: the victim's country a post gives on a field of its own ("Country: IT", "Pays :
France") places the victim: any other country than France or a French overseas territory
makes every name of the post the foreign one; France counts as a French marker. A flag on the
name's line does the same for that line ("🇮🇹 Clariane", "🇫🇷 Clariane"). A town written with a US
state's or a Canadian province's code after it ("Versailles, KY", "Montréal, QC") places the
victim in that country."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.countries import state_country, victim_country
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

CLARIANE = EntityRecord(
    key="group:clariane", kind="group", name="Clariane", aliases=["Korian"], tags=["country:FR"]
)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Nursing homes in Lombardy. Country: IT", "IT"),
        ("Nursing homes.\nCountry: FR", "FR"),
        ("Pays : Belgique", "BE"),
        ("country: United States", "US"),
        ("Country: Réunion", "RE"),
        ("Country: XX", None),  # no country
        ("Our country: France is great", None),  # a sentence, not a field
        ("No field here", None),
    ],
)
def test_the_country_field_is_read(text: str, code: str | None) -> None:
    assert victim_country(text) == code


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((CLARIANE,), {}))


def test_a_foreign_country_field_makes_the_name_the_foreign_branch(matcher: Matcher) -> None:
    assert keys(matcher, "Segesta", "Nursing home operator of Clariane. Country: IT") == set()


@pytest.mark.parametrize("country", ["FR", "France", "GP"])
def test_a_french_country_field_keeps_the_name(matcher: Matcher, country: str) -> None:
    assert keys(matcher, "Clariane", f"Nursing homes operator.\nCountry: {country}") == {
        CLARIANE.key
    }


def test_a_french_country_field_outweighs_other_countries_named(matcher: Matcher) -> None:
    text = "Nursing-home operator in France, Italy and Germany. 100 GB.\nCountry: FR"
    assert keys(matcher, "Clariane", text) == {CLARIANE.key}
    assert keys(matcher, "Clariane", "Nursing-home operator in Italy and Germany.") == set()


@pytest.mark.parametrize("title", ["🇮🇹 Clariane", "Clariane 🇮🇹", "🇧🇪🇮🇹 Clariane"])
def test_a_foreign_flag_on_the_name_s_line_makes_it_the_foreign_branch(
    matcher: Matcher, title: str
) -> None:
    assert keys(matcher, title, "NEW VICTIMS") == set()


@pytest.mark.parametrize("title", ["🇫🇷 Clariane", "🇬🇵 Clariane", "🇮🇹🇫🇷 Clariane", "Clariane"])
def test_a_french_flag_or_none_keeps_the_name(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "NEW VICTIMS") == {CLARIANE.key}


def test_a_flag_counts_for_its_own_line_only(matcher: Matcher) -> None:
    text = "🇮🇹 Ospedale San Raffaele\n🇫🇷 Clariane\n🇺🇸 Mercy Health"
    assert keys(matcher, "VICTIMS LIST", text) == {CLARIANE.key}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("Bluegrass Community Hospital (Versailles, KY)", "US"),
        ("Calais Community Hospital - Calais, ME", "US"),
        ("Paris Regional Medical Center, Paris, TX 75460", "US"),
        ("Hôpital de Verdun, Montréal, QC H4G 3E4", "CA"),
        ("Centre Hospitalier de Calais, 62100", None),  # a French postcode
        ("CLINIQUE DU PARC, LA ROCHELLE", None),  # capitals, then a town: no state code
        ("Fait à Nantes, le 3 mai", None),
    ],
)
def test_a_state_or_province_code_after_a_town_is_read(text: str, code: str | None) -> None:
    assert state_country(text) == code


CALAIS = establishment("620000323", "Centre Hospitalier de Calais", "Calais", "62")
VERSAILLES = establishment("780110078", "Centre hospitalier de Versailles", "Versailles", "78")


@pytest.fixture(scope="module")
def towns() -> Matcher:
    return Matcher(Watchlist((CALAIS, VERSAILLES), {}))


@pytest.mark.parametrize(
    "title",
    [
        "Calais Community Hospital - Calais, ME",
        "Bluegrass Community Hospital (Versailles, KY)",
        "Versailles Hospital, Versailles, KY 40383",
    ],
)
def test_a_town_with_a_state_code_is_the_american_town(towns: Matcher, title: str) -> None:
    assert keys(towns, title, "Group: noname") == set()


def test_the_french_town_s_hospital_is_still_read(towns: Matcher) -> None:
    assert keys(towns, "Centre Hospitalier de Calais", "Group: noname") == {CALAIS.key}
    assert keys(towns, "Centre hospitalier de Versailles, 78", "Group: x") == {VERSAILLES.key}


def test_a_country_named_as_a_border_is_no_place_of_the_victim() -> None:
    # Real shape: "Public hospital in Gex, near the Swiss border" (the Pays de Gex hospital).
    from tests.crawler.matching.support import establishment, keys

    gex = establishment("010000081", "Centre Hospitalier du Pays de Gex", "Gex", "01")
    matcher = Matcher(Watchlist((gex,), {}))
    near = "Public hospital in Gex, near the Swiss border. Patients data"
    assert keys(matcher, "Hospital Center of Pays de Gex", near) == {gex.key}
    assert keys(matcher, "CH du Pays de Gex", "Hôpital proche de la frontière suisse") == {gex.key}
    assert (
        keys(matcher, "CH du Pays de Gex", "Un hôpital situé en Suisse, canton de Genève") == set()
    )
