"""Rule: places written beside a name. A department's name in brackets places it, even one that
is an ordinary word ("(Rhône)", "(Nord)"); a town written longer than the entity's, into a
town of another region ("hôpital de Villefranche-sur-Saône" for a CH of Villefranche de
Rouergue), discredits it."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

ARA = "Auvergne-Rhône-Alpes"
NORD_OUEST = establishment(
    "690000575", "Centre Hospitalier Nord Ouest - Villefranche", "Gleize", "69", region=ARA
)
ROUERGUE = establishment(
    "120780069", "CH Villefranche de Rouergue", "Villefranche de Rouergue", "12", region="Occitanie"
)
# Only a city, for the index to know Villefranche-sur-Saône.
SAONE = establishment("690000001", "Mairie annexe", "Villefranche sur Saone", "69", region=ARA)


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


# A site is where it is: the AP-HP's Saint-Louis is in Paris though its legal entity's family
# has hospitals in other regions; another region's town written right after the name
# outweighs the site's town written further on.
PARIS_SAINT_LOUIS = establishment(
    "750100075",
    "GHU Aphp Nord Universite Paris Cite Site Saint Louis",
    "Paris",
    "75",
    region="Île-de-France",
    parent_key="group:ap-hp",
    aliases=["Hôpital Saint-Louis"],
)
HENDAYE = establishment(
    "640780417",
    "Hôpital Marin de Hendaye Aphp",
    "Hendaye",
    "64",
    region="Nouvelle-Aquitaine",
    parent_key="group:ap-hp",
)
ROCHELLE = establishment(
    "170000087",
    "Hôpital Saint-Louis - la Rochelle",
    "La Rochelle",
    "17",
    region="Nouvelle-Aquitaine",
)


@pytest.fixture(scope="module")
def sites() -> Matcher:
    return Matcher(Watchlist((PARIS_SAINT_LOUIS, HENDAYE, ROCHELLE), {}))


def test_a_site_is_where_it_is_not_where_its_sisters_are(sites: Matcher) -> None:
    text = "L'hôpital Saint-Louis de La Rochelle aurait été victime d'un rançongiciel."
    assert keys(sites, "Cyberattaque", text) == {ROCHELLE.key}


def test_a_town_right_after_the_name_outweighs_the_town_further_on(sites: Matcher) -> None:
    text = (
        "L'hôpital Saint-Louis de La Rochelle aurait été victime d'un rançongiciel. Rien à"
        " voir avec l'hôpital Saint-Louis de Paris."
    )
    assert keys(sites, "Cyberattaque", text) == {ROCHELLE.key}
    assert keys(sites, "Cyberattaque", "L'hôpital Saint-Louis de Paris est touché.") == {
        PARIS_SAINT_LOUIS.key
    }


def test_a_demonym_places_a_name() -> None:
    # Two dialysis associations are named "Aural": "l'association lyonnaise" is Lyon's.
    lyon = establishment("690796552", "Aural", "Lyon", "69", region="Auvergne-Rhône-Alpes")
    strasbourg = establishment("670000652", "Aural", "Strasbourg", "67", region="Grand Est")
    matcher = Matcher(Watchlist((lyon, strasbourg), {}))
    text = "L'association lyonnaise Aural, qui gère des centres de dialyse, a été attaquée."
    assert keys(matcher, "Cyberattaque", text) == {lyon.key}
    text = "L'association strasbourgeoise Aural gère des centres de dialyse."
    assert keys(matcher, "Cyberattaque", text) == {strasbourg.key}
    assert (
        keys(matcher, "Cyberattaque", "L'association Aural gère des centres de dialyse.") == set()
    )


def test_the_entity_s_own_long_town_after_its_name_is_no_other_town() -> None:
    # "St Clement" is a town of another region; the clinic's own town is the longer one.
    lironde = establishment(
        "340780766", "Clinique la Lironde", "St Clement de Riviere", "34", region="Occitanie"
    )
    other = establishment("030000001", "Mairie", "St Clement", "03", region=ARA)
    matcher = Matcher(Watchlist((lironde, other), {}))
    title = "Clinique la Lironde St Clement de Riviere"
    assert keys(matcher, title, "Group: lockbit3") == {lironde.key}
    assert keys(matcher, "Clinique la Lironde St Clement (03)", "Group: lockbit3") == set()


# Real shapes: the hospital of Mayotte known by its initials ("CHM"), and a psychiatric unit
# whose FINESS alias is only its town ("Saint Pierre" for St Pierre, Martinique).
MAYOTTE = establishment(
    "980500011", "Centre Hospitalier de Mayotte", "Mamoudzou", "976", aliases=["Chm"]
)
CMP = establishment(
    "970213468",
    "Centre Médico Psychologique Adultes Saint Pierre",
    "St Pierre",
    "972",
    aliases=["Saint Pierre"],
)


@pytest.fixture(scope="module")
def overseas() -> Matcher:
    departments = {"976": "Mayotte", "972": "Martinique", "59": "Nord"}
    ordinary = frozenset({"mayotte", "martinique", "nord"})  # frequent words, as in the bundle
    return Matcher(Watchlist((MAYOTTE, CMP), departments, ordinary_words=ordinary))


@pytest.mark.parametrize("title", ["chm-mayotte.fr", "CHM Mayotte", "CHM (Mayotte)"])
def test_a_department_known_only_by_its_name_places_a_name(overseas: Matcher, title: str) -> None:
    # Mayotte is a frequent word only as the department's name (PROPER_DEPARTMENT_NAMES).
    assert keys(overseas, title, "Group: noescape") == {MAYOTTE.key}


def test_an_alias_that_is_only_its_town_names_the_town(overseas: Matcher) -> None:
    text = "Public hospital in Martinique (Le Carbet, Saint-Pierre)."
    assert keys(overseas, "Centre Hospitalier Nord Caraibe", text) == set()


def test_a_town_of_several_words_written_by_its_first_word_places_a_name() -> None:
    # "Brive" for Brive-la-Gaillarde places its clinic; "Villeneuve" is many towns' first word.
    brive = establishment(
        "190000999", "Clinique des Cèdres", "Brive la Gaillarde", "19", region="NA"
    )
    lot = establishment("470000001", "Clinique du Parc", "Villeneuve sur Lot", "47", region="NA")
    ascq = establishment("590000009", "Mairie annexe", "Villeneuve d Ascq", "59", region="HdF")
    matcher = Matcher(Watchlist((brive, lot, ascq), {}))
    assert keys(matcher, "Clinique des Cèdres", "Une clinique de Brive touchée.") == {brive.key}
    assert keys(matcher, "Clinique du Parc", "Une clinique de Villeneuve.") == set()
    assert keys(matcher, "Clinique du Parc", "Une clinique de Villeneuve-sur-Lot.") == {lot.key}
