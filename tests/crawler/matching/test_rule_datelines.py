"""Rule: a headline's dateline, and a name that says France. A headline that starts with a
foreign place and a colon or a comma ("Belgique : …", "Italia, …") tells a story from abroad: a
group it names anywhere in the post is its foreign branch ("la filiale belge du groupe
Clariane"). A French town as dateline, or a foreign place further in the headline, changes
nothing beyond its own reach. A name that says France ("Synlab France … not Italy") is the
French branch whatever foreign place is near, unless the story is told from abroad."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

CLARIANE = EntityRecord(key="group:clariane", kind="group", name="Clariane", aliases=["Korian"])
LILLE = establishment("590780193", "CHU de Lille", "Lille", "59")
FAR = " Le secteur est sous pression depuis des mois, selon plusieurs observateurs du marché." * 2


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((CLARIANE, LILLE), {}))


@pytest.mark.parametrize(
    "title",
    [
        "Belgique : les maisons de repos visées par une attaque informatique",
        "Italia, attacco hacker alle RSA del gruppo",
        "Suisse: un groupe de cliniques victime d'un rançongiciel",
    ],
)
def test_a_foreign_dateline_makes_the_group_its_foreign_branch(
    matcher: Matcher, title: str
) -> None:
    text = f"Maisons de retraite.{FAR} La filiale du groupe Clariane a porté plainte."
    assert keys(matcher, title, text) == set()


def test_a_french_dateline_changes_nothing(matcher: Matcher) -> None:
    text = f"Maisons de retraite.{FAR} La filiale du groupe Clariane a porté plainte."
    title = "Lille : les maisons de retraite visées par une attaque"
    assert keys(matcher, title, text) == {CLARIANE.key}


def test_a_foreign_place_later_in_the_headline_is_no_dateline(matcher: Matcher) -> None:
    title = "Hôpitaux : une vague d'attaques touche aussi la Belgique"
    text = f"Plusieurs établissements sont visés.{FAR} Le CHU de Lille a porté plainte."
    assert keys(matcher, title, text) == {LILLE.key}


SYNLAB = EntityRecord(key="lab:synlab-france", kind="lab", name="Synlab France")


def test_a_name_that_says_france_is_the_french_branch_unless_told_from_abroad() -> None:
    matcher = Matcher(Watchlist((SYNLAB,), {}))
    text = "Synlab France patient results (not Italy, FR branch). 600k."
    assert keys(matcher, "Synlab France", text) == {SYNLAB.key}
    abroad = "La filiale italienne a suspendu ses prélèvements. Synlab France fonctionne."
    assert keys(matcher, "Italie : Synlab Italia paralysé", abroad) == set()


def test_a_gang_named_after_a_country_is_no_foreign_place() -> None:
    lambret = establishment(
        "590000188", "Clcc Oscar Lambret Lille", "Lille", "59", tags=["category:131"]
    )
    matcher = Matcher(Watchlist((lambret,), {}))
    assert keys(matcher, "Clcc Oscar Lambret", "Group: cuba") == {lambret.key}
    assert keys(matcher, "Clcc Oscar Lambret", "Cuba") == set()


# A French town as dateline: once the post names an entity of that town, the text's entities of
# other regions, not placed, are the story's background.
APHM = EntityRecord(
    key="group:ap-hm",
    kind="group",
    name="AP-HM",
    city="Marseille",
    department="13",
    region="Provence-Alpes-Côte d'Azur",
)
APHP = EntityRecord(
    key="group:ap-hp",
    kind="group",
    name="AP-HP",
    city="Paris",
    department="75",
    region="Île-de-France",
)
CONCEPTION = establishment(
    "130783236",
    "APHM Hôpital de la Conception",
    "Marseille",
    "13",
    region="Provence-Alpes-Côte d'Azur",
)


@pytest.fixture(scope="module")
def local() -> Matcher:
    return Matcher(Watchlist((APHM, APHP, CONCEPTION), {}))


def test_a_french_dateline_makes_other_regions_background(local: Matcher) -> None:
    title = "Marseille : l'AP-HM visée par une attaque"
    text = "Des résultats d'examens ont fuité. L'AP-HP avait connu une fuite similaire en 2021."
    assert keys(local, title, text) == {APHM.key}


def test_without_a_local_entity_or_with_paris_nothing_changes(local: Matcher) -> None:
    text = "Des résultats d'examens ont fuité. L'AP-HP avait connu une fuite similaire en 2021."
    assert keys(local, "Marseille : une clinique visée par une attaque", text) == {APHP.key}
    paris = "Paris : la CNIL enquête sur l'hôpital de la Conception"
    assert APHP.key in keys(local, paris, "L'AP-HP a porté plainte. L'AP-HM aussi.")


def test_a_nationality_is_a_foreign_place() -> None:
    # "sa filiale suédoise Capio": the Swedish branch, not the French group's clinics.
    ramsay = EntityRecord(key="group:ramsay-sante", kind="group", name="Ramsay Santé")
    matcher = Matcher(Watchlist((ramsay,), {}))
    title = "Ramsay Santé : sa filiale suédoise touchée par une attaque"
    assert keys(matcher, title, "") == set()
    assert keys(matcher, "Ramsay Santé touché par une attaque", "") == {ramsay.key}


@pytest.mark.parametrize("title", ["Capio S:t Görans sjukhus", "Capio Rx UK", "Capio Klinikum"])
def test_a_hospital_word_of_another_language_or_uk_is_a_foreign_place(title: str) -> None:
    ramsay = EntityRecord(
        key="group:ramsay-sante", kind="group", name="Ramsay Santé", aliases=["Capio"]
    )
    matcher = Matcher(Watchlist((ramsay,), {}))
    assert keys(matcher, title, "Group: akira") == set()
    assert keys(matcher, "Capio", "Group: akira") == {ramsay.key}


@pytest.mark.parametrize(
    "title",
    ["Hôpital Saint-Jean-de-Dieu de Thiès", "Clinique Saint-Jean-de-Dieu, Ouagadougou"],
)
def test_a_town_of_a_french_speaking_country_is_a_foreign_place(title: str) -> None:
    dinan = EntityRecord(
        key="finess:220000616",
        kind="establishment",
        name="Hôpital Saint-Jean-de-Dieu",
        city="Léhon",
        department="22",
    )
    matcher = Matcher(Watchlist((dinan,), {}))
    assert keys(matcher, title, "Group: killsec") == set()
    assert keys(matcher, "Hôpital Saint-Jean-de-Dieu", "Léhon, Côtes-d'Armor") == {dinan.key}


@pytest.mark.parametrize(
    "title", ["Ramsay Santé's Italian unit hit by ransomware", "Ramsay Santé clinic in Tuscany"]
)
def test_an_english_nationality_or_a_foreign_region_is_a_foreign_place(title: str) -> None:
    ramsay = EntityRecord(key="group:ramsay-sante", kind="group", name="Ramsay Santé")
    matcher = Matcher(Watchlist((ramsay,), {}))
    assert keys(matcher, title, "") == set()
