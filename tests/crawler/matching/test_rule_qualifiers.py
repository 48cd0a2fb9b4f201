"""Rule: qualifiers people drop or add between a hospital's type word and its name
(départemental, intercommunal, régional, spécialisé, universitaire) do not change which
hospital is named; a qualifier that does not fit the written type blocks the name."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.names import forms_of_name
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

CHD = establishment(
    "670000306", "Centre Hospitalier Départemental de Bischwiller", "Bischwiller", "67"
)
CHS = establishment("710781329", "Centre hospitalier spécialisé de Sevrey", "Sevrey", "71")
CHI = establishment("940000573", "Centre Hospitalier Intercommunal de Creteil", "Creteil", "94")
CHU = establishment("450000088", "CHU d'Orleans", "Orleans", "45")
NEVERS = establishment("580780039", "Centre hospitalier de Nevers", "Nevers", "58")
MONTARGIS = establishment(
    "450000062", "Centre Hospitalier de l'Agglomeration Montargoise", "Amilly", "45"
)
CHP = establishment("350000121", "Chp Saint Gregoire", "St Gregoire", "35")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((CHD, CHS, CHI, CHU, NEVERS, MONTARGIS, CHP), {}))


@pytest.mark.parametrize(
    ("written", "key"),
    [
        ("CHD Bischwiller", CHD.key),
        ("CHD de Bischwiller", CHD.key),
        ("CH Bischwiller", CHD.key),
        ("Centre hospitalier départemental de Bischwiller", CHD.key),
        ("CH spécialisé de Sevrey", CHS.key),
        ("CHS de Sevrey", CHS.key),
        ("Hôpital intercommunal de Créteil", CHI.key),
        ("CH intercommunal de Créteil", CHI.key),
        ("CHI de Créteil", CHI.key),
        ("Centre hospitalier régional d'Orléans", CHU.key),
        ("CH régional universitaire d'Orléans", CHU.key),
        ("Centre hospitalier de l'agglomération de Nevers", NEVERS.key),
        ("CH de l'Agglomération de Nevers", NEVERS.key),
        ("Centre Hospitalier de l'Agglomération Montargoise", MONTARGIS.key),
        ("centre hospitalier privé Saint-Grégoire", CHP.key),
        ("CHP de Saint-Grégoire", CHP.key),
        ("Hôpital privé Saint-Grégoire", CHP.key),
    ],
)
def test_a_qualifier_dropped_or_added_names_the_same_hospital(
    matcher: Matcher, written: str, key: str
) -> None:
    assert keys(matcher, f"Fuite de données au {written}", "base patients en vente") == {key}


def test_a_qualifier_is_not_part_of_the_core() -> None:
    [form] = forms_of_name("Centre Hospitalier Départemental de Bischwiller")
    assert (form.type, form.core) == ("ch", "bischwiller")
    [form] = forms_of_name("CHP Saint-Grégoire")
    assert (form.type, form.core) == ("hp", "saint gregoire")


def test_private_is_no_qualifier_of_a_public_hospital(matcher: Matcher) -> None:
    # "Centre hospitalier privé" is a private hospital: never the CH of the same town.
    assert keys(matcher, "Centre hospitalier privé de Nevers", "base patients") == set()


def test_a_qualifier_that_does_not_fit_the_type_word_blocks_the_name(matcher: Matcher) -> None:
    # "Hôpital régional" names hospitals abroad (Saint-Louis du Sénégal), not a French CHR.
    assert keys(matcher, "Fuite à l'hôpital régional d'Orléans", "base patients") == set()


def test_a_town_s_article_after_the_type_s_article_is_read() -> None:
    # FINESS writes "Centre Hospitalier de le Cateau"; posts write "du Cateau" or "de Le Cateau".
    cateau = establishment(
        "590000436", "Centre Hospitalier de le Cateau", "Le Cateau Cambresis", "59"
    )
    matcher = Matcher(Watchlist((cateau,), {}))
    for title in ("Centre Hospitalier de Le Cateau", "CH du Cateau", "Hôpital de le Cateau"):
        assert keys(matcher, title, "Group: lockbit3") == {cateau.key}, title


def test_a_qualifier_that_says_what_it_does_leaves_the_type() -> None:
    roussillon = establishment("660780735", "Cl du Roussillon", "Perpignan", "66")
    matcher = Matcher(Watchlist((roussillon,), {}))
    for title in (
        "Clinique psychiatrique du Roussillon",
        "Clinique médico-chirurgicale du Roussillon",
    ):
        assert keys(matcher, title, "Group: lockbit3") == {roussillon.key}, title
    assert keys(matcher, "Clinique vétérinaire du Roussillon", "Group: lockbit3") == set()


def test_an_etablissement_public_de_sante_is_a_public_hospital() -> None:
    evrard = establishment(
        "930000344",
        "Etablissement Public de Sante de Ville Evrard",
        "Neuilly sur Marne",
        "93",
        category="Centre Hospitalier Spécialisé lutte Maladies Mentales",
    )
    matcher = Matcher(Watchlist((evrard,), {}))
    for title in ("EPS Ville-Evrard", "Hôpital de Ville-Évrard", "CHS de Ville-Evrard"):
        assert keys(matcher, title, "Group: lockbit3") == {evrard.key}, title
    assert keys(matcher, "Clinique Ville-Evrard", "Group: lockbit3") == set()


def test_du_pays_de_before_a_town_names_its_hospital() -> None:
    ploermel = establishment("560000192", "Centre Hospitalier de Ploermel", "Ploermel", "56")
    matcher = Matcher(Watchlist((ploermel,), {}))
    for title in ("Centre hospitalier du Pays de Ploërmel", "CH Pays de Ploermel"):
        assert keys(matcher, title, "Group: lockbit3") == {ploermel.key}, title


def test_civil_passes_and_a_day_hospital_abbreviated_is_a_unit() -> None:
    # "Hôpitaux Civils de Colmar" is Colmar's hospital; "Hop Jour Colmar …" is a day hospital
    # (FINESS abbreviates "Hôpital de jour"), not "Hôpital … Colmar".
    day = establishment("680004058", "Hop Jour Colmar Crf le Muesberg", "Colmar", "68")
    vire = establishment("140000126", "Hôpital de Vire", "Vire", "14")
    matcher = Matcher(Watchlist((day, vire), {}))
    assert keys(matcher, "Hôpital de Colmar", "Group: blackcat") == set()
    assert keys(matcher, "Hopitaux Civils de Colmar", "Group: blackcat") == set()
    assert keys(matcher, "Hôpitaux civils de Vire", "Group: blackcat") == {vire.key}
