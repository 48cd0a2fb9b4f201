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


# A multi-site hospital named by its group in FINESS ("GHU Aphp … Site Lariboisere") is known
# by its site's name: "Hôpital Lariboisière", "Hôpital Necker" (the site's generic tail dropped).
LARIBOISIERE = establishment(
    "750100042",
    "GHU Aphp Nord Universite Paris Cite Site Lariboisere",
    "Paris",
    "75",
    aliases=("Hu Saint Louis Site Lariboisiere Aphp",),
    tags=("category:101",),
)
NECKER = establishment(
    "750100208",
    "GHU Aphp Centre-Universite Paris Cite Necker Enfants Malades",
    "Paris",
    "75",
    aliases=("GHU Cup Site Necker Enfants Malades",),
    tags=("category:101",),
)
PITIE = establishment(
    "750100125",
    "GHU Aphp Sorbonne Universite Site Pitie Salpetriere",
    "Paris",
    "75",
    parent_key="group:ap-hp",
    tags=("category:101",),
)
FOIX = establishment(
    "940100035",
    "GHU Aphp Sorbonne Universite Site Charles Foix",
    "Ivry sur Seine",
    "94",
    parent_key="group:ap-hp",
    aliases=("GHU Pitie Salpetriere Site Charles Foix Aphp",),
    tags=("category:101",),
)
# A clinic's site is no hospital: "Site X" gives no "Hôpital X" reading.
CLINIC_SITE = establishment(
    "690000999", "Clinique Medipole Site Lumiere", "Lyon", "69", tags=("category:365",)
)


@pytest.fixture(scope="module")
def sites() -> Matcher:
    return Matcher(Watchlist((LARIBOISIERE, NECKER, PITIE, FOIX, CLINIC_SITE), {}))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Fuite de données à l'hôpital Lariboisière", LARIBOISIERE.key),
        ("Lariboisière Hospital patients", LARIBOISIERE.key),
        ("Hôpital Necker : dossiers d'enfants", NECKER.key),
        ("Hôpital Necker-Enfants malades", NECKER.key),
        # Both sites have "Pitié-Salpêtrière" in a name; the one named "hôpital" so is meant.
        ("Hôpital de la Pitié-Salpêtrière", PITIE.key),
    ],
)
def test_a_hospital_site_is_known_by_its_site_name(sites: Matcher, title: str, key: str) -> None:
    assert keys(sites, title, "cyberattaque") == {key}


def test_a_clinic_site_gives_no_hospital_name(sites: Matcher) -> None:
    assert keys(sites, "Hôpital Lumière", "cyberattaque") == set()


# "<type> <area> <town>": the one distinctive word beside the entity's town names it alone
# ("Centre Hospitalier Intercommunal de Cornouaille Quimper" is the "CH de Cornouaille").
CORNOUAILLE = establishment(
    "290000025", "Centre Hospitalier Intercommunal de Cornouaille Quimper", "Quimper", "29"
)
# A generic or short word is no such name: "Clinique du Parc Lyon" is no "Clinique du Parc".
PARC_LYON = establishment("690000998", "Clinique du Parc Lyon", "Lyon", "69")


@pytest.fixture(scope="module")
def areas() -> Matcher:
    return Matcher(Watchlist((CORNOUAILLE, PARC_LYON), {}))


def test_an_area_word_beside_the_town_names_the_hospital(areas: Matcher) -> None:
    assert keys(areas, "Centre Hospitalier de Cornouaille", "") == {CORNOUAILLE.key}
    assert keys(areas, "ch-cornouaille.fr", "Group: lockbit3") == {CORNOUAILLE.key}
    assert keys(areas, "Clinique du Parc", "fuite") == set()


def test_a_site_named_with_an_initial_is_named_by_its_surname_too() -> None:
    from crawler.matching.names import site_names

    assert site_names("GHU Aphp Centre-Universite Paris Cite Site G Pompidou") == [
        "g pompidou",
        "pompidou",
    ]
    assert site_names("CHU de Martinique Site P.zobda Quitman") == [
        "p zobda quitman",
        "zobda quitman",
    ]


def test_a_site_named_with_an_initial_is_its_hospital() -> None:
    site = establishment(
        "970211215",
        "Chum de Martinique",
        "Fort de France",
        "972",
        aliases=("CHU de Martinique Site P.zobda Quitman",),
        tags=("category:101",),
    )
    matcher = Matcher(Watchlist((site,), {}))
    assert keys(matcher, "Hôpital Pierre Zobda-Quitman", "") == {site.key}
    assert keys(matcher, "Zobda-Quitman Hospital", "Group: lockbit3") == {site.key}


def test_the_name_before_a_town_is_the_name() -> None:
    gouin = establishment("920150018", "Hôpital Gouin a Clichy", "Clichy", "92")
    other = establishment("920000001", "EHPAD les Jardins", "Clichy", "92")
    matcher = Matcher(Watchlist((gouin, other), {}))
    assert keys(matcher, "Hôpital Goüin", "Group: lockbit3") == {gouin.key}
    assert keys(matcher, "hopital-gouin.fr", "Group: lockbit3") == {gouin.key}
    assert keys(matcher, "Clinique Gouin", "Group: lockbit3") == set()


def test_a_lab_named_after_the_hospital_it_sits_in_is_not_that_hospital() -> None:
    lab = establishment(
        "130045123",
        "LBM Labio Site CH du Pays d Aix",
        "Aix en Provence",
        "13",
        tags=["category:611"],
    )
    matcher = Matcher(Watchlist((lab,), {}))
    assert keys(matcher, "Centre Hospitalier du Pays d'Aix", "Group: lockbit3") == set()
    assert keys(matcher, "LBM Labio Site CH du Pays d'Aix", "Group: lockbit3") == {lab.key}


def test_a_dialysis_unit_named_after_the_hospital_it_sits_in_is_not_that_hospital() -> None:
    # Real shapes: Calydial's unit at the CH of Vienne (another legal entity) is named
    # "Calydial - CH de Vienne"; the CH is "Centre Hospitalier Lucien Hussel de Vienne".
    unit = establishment(
        "380000828",
        "Calydial - CH de Vienne",
        "Vienne",
        "38",
        aliases=["Calydial"],
        finess_ej="690002225",
        parent_key="finess-ej:690002225",
        tags=["category:141"],
    )
    hospital = establishment(
        "380000174",
        "Centre Hospitalier Lucien Hussel de Vienne",
        "Vienne",
        "38",
        finess_ej="380781435",
        tags=["category:355"],
    )
    matcher = Matcher(Watchlist((unit, hospital), {}))
    assert keys(matcher, "Centre hospitalier de Vienne", "Group: lockbit3") == {hospital.key}
    assert keys(matcher, "Calydial", "Group: lockbit3") == {unit.key}
    alone = Matcher(Watchlist((unit,), {}))
    assert keys(alone, "CH de Vienne", "Group: lockbit3") == set()


def test_a_prison_health_unit_named_after_its_hospital_is_a_unit() -> None:
    # The USMP of the CH of Arles at the prison carries the hospital's name as an alias: a
    # mention of that name is the hospital, not its unit at the prison.
    usmp = establishment(
        "130796972",
        "Usmp Maison Centrale CH Joseph Imbert",
        "Arles",
        "13",
        aliases=["Usmp Maison Centrale", "CH Joseph Imbert"],
        finess_ej="130789274",
        parent_key="finess-ej:130789274",
        tags=["category:355"],
    )
    hospital = establishment(
        "130002827",
        "Centre Hospitalier Joseph Imbert d'Arles",
        "Arles",
        "13",
        aliases=["CH Joseph Imbert d'Arles"],
        finess_ej="130789274",
        parent_key="finess-ej:130789274",
        tags=["category:355"],
    )
    matcher = Matcher(Watchlist((usmp, hospital), {}))
    assert keys(matcher, "CH Joseph Imbert", "Group: vicesociety") == {hospital.key}
    assert keys(matcher, "Usmp Maison Centrale CH Joseph Imbert", "") == {usmp.key}


def test_a_home_hospital_service_named_after_its_host_is_not_that_hospital() -> None:
    had = establishment(
        "310031091",
        "HAD Santé Relais Domicile Site CH Comminges",
        "St Gaudens",
        "31",
        aliases=["HAD Santé Relais Domicile CH Comminges"],
        tags=["category:127"],
    )
    matcher = Matcher(Watchlist((had,), {}))
    result = matcher.match("Saint-Gaudens : l'hôpital du Comminges victime d'une cyberattaque", "")
    assert (result.matches, result.ambiguous) == ([], [])
    assert keys(matcher, "HAD Santé Relais Domicile", "Group: lockbit3") == {had.key}


def test_polyclinique_written_is_the_polyclinic_of_that_name() -> None:
    # The index reads a polyclinic's type word as a clinic's: between two families, the one
    # whose name is a polyclinic's ("Polycl Kennedy", also known as "Clinique Kennedy").
    nimes = establishment(
        "300781465", "Polycl Kennedy", "Nimes", "30", aliases=["Clinique Kennedy"]
    )
    montelimar = establishment("260003017", "Clinique Kennedy", "Montelimar", "26")
    matcher = Matcher(Watchlist((nimes, montelimar), {}))
    assert keys(matcher, "Polyclinique Kennedy", "Group: qilin") == {nimes.key}
    assert keys(matcher, "Clinique Kennedy", "Group: qilin") == {montelimar.key}


def test_a_hospital_s_type_word_names_a_hospital_not_an_institute() -> None:
    # "Hôpital Robert Debré" spells every word of the SSR "Institut Robert Debre" but its
    # type; a hospital of that name is meant.
    institute = establishment(
        "970404109", "Institut Robert Debre", "St Paul", "974", tags=["category:109"]
    )
    hospital = establishment(
        "510002447", "Hôpital Robert Debre CHU Reims", "Reims", "51", tags=["category:101"]
    )
    matcher = Matcher(Watchlist((institute, hospital), {}))
    assert keys(matcher, "Hôpital Robert Debré", "Group: lockbit3") == {hospital.key}
    assert keys(matcher, "Institut Robert Debré", "Group: lockbit3") == {institute.key}


def test_a_person_s_name_without_docteur_or_professeur() -> None:
    # Real shape: FINESS's "Cl du Dr Jean Causse" is listed "Clinique Jean Causse SAS".
    causse = establishment("340780139", "Cl du Dr Jean Causse", "Colombiers", "34")
    matcher = Matcher(Watchlist((causse,), {}))
    for title in ("Clinique Jean Causse SAS", "Clinique du Docteur Jean Causse"):
        assert keys(matcher, title, "Group: bianlian") == {causse.key}
    assert keys(matcher, "Jean Causse", "Group: bianlian") == set()  # a person, typeless


# Real shapes: nursing homes FINESS names "EHPAD <name>", listed without the type word.
VALRIC = establishment(
    "230782898", "EHPAD le Logis de Valric", "St Vaury", "23", tags=["category:500"]
)
BERTHOMIERE = establishment(
    "850022385", "EHPAD la Berthomiere", "Longeville sur Mer", "85", tags=["category:500"]
)
PARE = establishment(
    "530002336", "EHPAD Ambroise Pare", "Cosse le Vivien", "53", tags=["category:500"]
)
HOSTED = establishment(
    "290033661", "EHPAD CH Morlaix Site de Plougonven", "Plougonven", "29", tags=["category:500"]
)


@pytest.fixture(scope="module")
def homes() -> Matcher:
    departments = {"23": "Creuse", "53": "Mayenne", "29": "Finistere", "85": "Vendee"}
    return Matcher(Watchlist((VALRIC, BERTHOMIERE, PARE, HOSTED), departments))


@pytest.mark.parametrize(
    ("title", "text", "key"),
    [
        (
            "Logis de Valric - Saint-Vaury",
            "Le Logis de Valric is a nursing home for elderly people in Saint-Vaury, Creuse.",
            VALRIC.key,
        ),
        ("La Berthomiere Longeville-sur-Mer", "Group: akira", BERTHOMIERE.key),
    ],
)
def test_a_nursing_home_s_own_name_with_its_place(
    homes: Matcher, title: str, text: str, key: str
) -> None:
    assert keys(homes, title, text) == {key}


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("Logis de Valric", "Group: akira"),  # no place
        ("Lycee Ambroise Pare", "A public high school in Laval, Mayenne."),  # a person's name
        ("Nouvelle victime", "Communauté de communes du Pays de Morlaix (29)"),  # the host's town
    ],
)
def test_without_its_place_or_with_a_name_others_bear_it_is_none(
    homes: Matcher, title: str, text: str
) -> None:
    assert keys(homes, title, text) == set()


def test_a_nursing_home_s_name_without_its_town_written_by_its_old_commune() -> None:
    # Real shape: "EHPAD Cantou des Saphirs Septmoncel" in Septmoncel-les-Molunes (the
    # communes merged in 2017), listed "Cantou des Saphirs … located in Septmoncel, Jura".
    saphirs = establishment(
        "390004471",
        "EHPAD Cantou des Saphirs Septmoncel",
        "Septmoncel les Molunes",
        "39",
        tags=["category:500"],
        region="Bourgogne-Franche-Comté",
    )
    matcher = Matcher(Watchlist((saphirs,), {}))
    text = "Retirement home located in Septmoncel, Jura (France)."
    assert keys(matcher, "Cantou des Saphirs", text) == {saphirs.key}
    assert keys(matcher, "Cantou des Saphirs", "Group: akira") == set()
