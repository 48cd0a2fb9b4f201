"""Rule: a part of a long unit name made of descriptive words ("Centre Social", "Centre de
diagnostic", "Institute of Social …") never matches alone; the whole name still does. A
longer name that a shorter one only precedes by an article owns the words they share."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.names import is_generic_core
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

CMP = establishment("710009549", "Antenne CMP Adultes Centre Social", "Cuiseaux", "71")
DIAGNOSTIC = establishment(
    "330793308",
    "Centre de Diagnostic du Pavillon de la Mutualite",
    "Pessac",
    "33",
    aliases=["Centre de Diagnostic"],
)


USMP = establishment("130803661", "Usmp Centre Detention CH Arles", "Tarascon", "13")


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((CMP, DIAGNOSTIC, USMP), {}))


@pytest.mark.parametrize(
    "title",
    [
        "Institute of Social Medicine ransomware attack",
        "Leak: centre de diagnostic et de traitement, patients",
        "Centre social de la ville, fichier des familles",
        "Wyatt Detention Center",  # a US prison (real ransomware feed title)
        "Les systèmes du centre de détention sont en panne",
    ],
)
def test_descriptive_parts_of_unit_names_do_not_match_alone(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "patients data leak") == set()


def test_the_whole_name_still_matches(matcher: Matcher) -> None:
    title = "Centre de Diagnostic du Pavillon de la Mutualité (Pessac)"
    assert keys(matcher, title, "dossiers patients") == {DIAGNOSTIC.key}


@pytest.mark.parametrize("core", ["social", "diagnostic", "accueil de jour personnes agees"])
def test_descriptive_cores_are_generic(core: str) -> None:
    assert is_generic_core(core)


@pytest.mark.parametrize(
    "core", ["analyses", "analyses medicales", "examens de sante", "chirurgie ambulatoire"]
)
def test_what_a_lab_or_a_centre_does_is_descriptive(core: str) -> None:
    # "Laboratoire Analyses - C.p.a.m." (a CPAM lab's FINESS name) matched every "labo
    # d'analyses".
    assert is_generic_core(core)


def test_a_lab_said_to_do_analyses_is_not_named_by_it(bundled_matcher: Matcher) -> None:
    text = "Extraction de LBM Oxylab, labo d'analyses en Auvergne : 95 000 patients."
    assert keys(bundled_matcher, "Base Oxylab (labo d'analyses)", text) == {"finess-ej:480002047"}


@pytest.mark.parametrize("core", ["radiologues", "medecins radiologues", "centre de radiologie"])
def test_professions_are_descriptive(core: str) -> None:
    # An imaging group's sites share "Radiologues": as a name it matched every post saying so.
    assert is_generic_core(core)


def test_a_region_read_as_a_type_and_a_core_names_nothing() -> None:
    # "UGECAM Centre-Val de Loire" is no "Centre" named "Val de Loire": "l'ARS Centre-Val de
    # Loire" named it.
    ugecam = establishment(
        "450018106", "UGECAM Centre-Val de Loire", "Bourges", "18", region="Centre-Val de Loire"
    )
    matcher = Matcher(Watchlist((ugecam,), {}))
    assert keys(matcher, "Hôpital", "L'ARS Centre-Val de Loire est en appui.") == set()
    assert keys(matcher, "UGECAM Centre-Val de Loire", "") == {ugecam.key}


def test_a_longer_name_owns_the_words_a_shorter_one_only_adds_an_article_to() -> None:
    # Real shapes: "La Mutuelle Générale" and the MGEN, whose long name starts with
    # "Mutuelle générale": the article before it does not make the shorter name the victim.
    generale = EntityRecord(
        key="insurer:la-mutuelle-generale", kind="insurer", name="La Mutuelle Générale"
    )
    mgen = EntityRecord(
        key="insurer:mgen",
        kind="insurer",
        name="MGEN",
        aliases=["Mutuelle générale de l'Éducation nationale"],
    )
    matcher = Matcher(Watchlist((generale, mgen), {}))
    text = "La Mutuelle générale de l'Éducation nationale a informé ses adhérents d'une fuite."
    assert keys(matcher, "Fuite de données", text) == {mgen.key}
    assert keys(matcher, "Fuite de données", "La Mutuelle Générale confirme une fuite.") == {
        generale.key
    }


def test_a_name_that_is_only_a_region_is_read_as_a_place_phrase(bundled_matcher: Matcher) -> None:
    # "Clinique des Hauts-de-France" (Louvroil) is a real name; "une clinique des
    # Hauts-de-France" says where a clinic is.
    text = "Une clinique des Hauts-de-France a été visée par un rançongiciel."
    assert keys(bundled_matcher, "Cyberattaque", text) == set()
    assert keys(bundled_matcher, "Clinique des Hauts-de-France", "Group: lockbit3") == {
        "finess:590816427"
    }


def test_a_day_hospital_is_no_hospital_of_its_name() -> None:
    # Real shapes: a psychiatric day hospital named by one word, and a Macau hospital as a
    # leak-site title ("Hospital Conde S. Januário"): "hôpital X" names no "hôpital de jour X".
    day = EntityRecord(
        key="finess:140017989",
        kind="establishment",
        name="Hôpital de Jour Conde (14g04) - EPSM Caen",
        finess_et="140017989",
        city="Caen",
        department="14",
    )
    matcher = Matcher(Watchlist((day,), {}))
    assert not matcher.match("Hospital Conde S. Januário", "Group: lockbit3").matches
    assert not matcher.match("Hôpital Conde", "Group: lockbit3").matches
    found = matcher.match("Hôpital de jour Conde, Caen", "Group: lockbit3").matches
    assert {match.entity.key for match in found} == {day.key}


def test_a_part_inside_a_longer_name_several_bodies_have_names_nobody() -> None:
    # Real shapes: FINESS writes "Institut Hélio- Marin Labenne" (a hyphen broken off, so
    # "Institut Hélio" is a part of the name); "Institut Helio Marin Les Embruns" (Bidart)
    # names a Hélio-Marin, which several centres are: not Labenne's institute.
    def site(finess: str, name: str, city: str) -> EntityRecord:
        return EntityRecord(
            key=f"finess:{finess}", kind="establishment", name=name, finess_et=finess, city=city
        )

    labenne = site("400000261", "Institut Hélio- Marin Labenne", "Labenne")
    hyeres = site("830000001", "Centre Helio Marin", "Hyeres")
    plerin = site("220000590", "Centre Helio Marin", "Plerin")
    matcher = Matcher(Watchlist((labenne, hyeres, plerin), {}))
    title = "Institut Helio Marin Les Embruns"
    assert not matcher.match(title, "Rehabilitation center in Bidart.").matches
    found = matcher.match("Institut Helio Marin Labenne", "Group: akira").matches
    assert {match.entity.key for match in found} == {labenne.key}


def test_du_centre_is_the_town_centre() -> None:
    # Real shapes: pharmacies "du Centre" of a town ("Pharmacie du Centre Lourdes",
    # pharmacie-du-centre-cholet.fr) are no "Centre <town>" establishment.
    lourdes = EntityRecord(
        key="finess:650788409",
        kind="establishment",
        name="Centre Sweet Home Lourdes Hôpitaux Lannemezan",
        finess_et="650788409",
        city="Lourdes",
    )
    matcher = Matcher(Watchlist((lourdes,), {}))
    assert not matcher.match("Pharmacie du Centre Lourdes", "Group: qilin").matches
    found = matcher.match("Centre Lourdes", "Group: qilin").matches
    assert {match.entity.key for match in found} == {lourdes.key}


def test_psychiatry_s_sector_words_name_no_unit() -> None:
    # Real shape: FINESS's "Psychiatrie Infanto-Juvénile - Hospitalisation de Jour" (a sector's
    # day unit in Issoudun) matched "psychiatrie infanto-juvénile" in an association's post.
    assert is_generic_core("psychiatrie infanto juvenile")
    assert is_generic_core("hospitalisation de jour")
    unit = EntityRecord(
        key="finess:360006399",
        kind="establishment",
        name="Psychiatrie Infanto-Juvénile - Hospitalisation de Jour",
        finess_et="360006399",
        city="Issoudun",
    )
    matcher = Matcher(Watchlist((unit,), {}))
    text = "Nous avons les dossiers des usagers, éducateurs, psychiatrie infanto-juvénile."
    assert not matcher.match("ARSEAA", text).matches
