from __future__ import annotations

from typing import Any

from crawler.matching.legal_entities import name_legal_entity, shared_words


def site(name: str, code: str, city: str = "Lyon", **extra: Any) -> dict[str, Any]:
    return {"name": name, "aliases": [], "city": city, "tags": [f"category:{code}"], **extra}


def test_public_hospital_form_shared_by_sites() -> None:
    sites = [
        site("CH de Cannes Site Broussailles", "355", "Cannes"),
        site("CH de Cannes", "355", "Cannes"),
    ]
    assert name_legal_entity(sites) == ("Centre hospitalier de Cannes", "shared-form")


def test_blood_bank_sites_named_after_their_hospital_name_no_hospital() -> None:
    # The EFS's sites sit in hospitals ("EFS Normandie - CHU Rouen"): its legal entity was
    # named "CHU de Rouen" and took the CHU's posts.
    sites = [
        site("EFS Normandie - CHU Rouen", "132", "Rouen"),
        site("EFS Hdf-Norm - LBM Norm CHU Rouen", "132", "Rouen"),
        site("EFS Normandie Dieppe", "132", "Dieppe"),
    ]
    found = name_legal_entity(sites)
    assert found is not None
    assert found[1] != "shared-form"
    labs = [site("LBM Bio Site CH de Cannes", "611", "Cannes"), site("LBM Bio CH Cannes", "611")]
    assert name_legal_entity(labs) != ("Centre hospitalier de Cannes", "shared-form")


def test_saint_and_st_are_one_town() -> None:
    sites = [
        site("GHRE - Site Broussais", "355", "St Malo", aliases=["Centre Hospitalier Saint-Malo"]),
        site("GHRE - Site Rosais", "355", "St Malo", aliases=["CH Saint Malo Site du Rosais"]),
    ]
    assert name_legal_entity(sites) == ("Centre hospitalier de St Malo", "shared-form")


def test_university_hospital() -> None:
    sites = [
        site("Hopital Purpan", "101", "Toulouse", category="Centre Hospitalier Régional (C.H.R.)"),
        site(
            "Hopital Rangueil", "101", "Toulouse", category="Centre Hospitalier Régional (C.H.R.)"
        ),
    ]
    assert name_legal_entity(sites) == ("CHU de Toulouse", "university")


def test_head_establishment_before_its_services() -> None:
    sites = [
        site("Centre Hospitalier de la Guiche", "106", "La Guiche"),
        site("EHPAD Emmanuel Bardot", "500", "La Guiche"),
        site("SSIAD du CH de la Guiche", "354", "La Guiche"),
    ]
    assert name_legal_entity(sites) == ("Centre Hospitalier de la Guiche", "head")
    home = [site("EHPAD Les Lilas", "500"), site("SSIAD Les Lilas", "354")]
    assert name_legal_entity(home) == ("EHPAD Les Lilas", "head")


def test_a_unit_is_no_head() -> None:
    sites = [site("EHPAD du Parc", "500"), site("EHPAD des Roses", "500")]
    assert name_legal_entity(sites) is None


def test_words_all_sites_share() -> None:
    names = ["CHRS ADALEA", "CHRS ADALEA SITE DE LOUDÉAC", "ADALEA ACCUEIL ECOUTE FEMMES"]
    assert shared_words(names, ["Saint-Brieuc", "Loudéac"]) == "ADALEA"
    assert shared_words(["SAAD ADHAP SERVICES", "SSIAD ADHAP SERVICES"]) == "ADHAP"
    # a run cut inside two saints' names ends before "Saint"
    assert (
        shared_words(["CAPIO CLINIQUE SAINT VINCENT BESANCON", "CAPIO CLINIQUE SAINT PIERRE"])
        == "CAPIO CLINIQUE"
    )


def test_shared_words_that_name_nothing() -> None:
    assert shared_words(["CMP LYON NORD", "CATTP LYON NORD"], ["Lyon"]) is None  # a town
    assert shared_words(["EHPAD SAINT JEAN", "SSIAD SAINT JEAN"]) is None  # a patron saint
    assert shared_words(["IRM CARDIOLOGIE", "CARDIOLOGIE SIEGE"]) is None  # a specialty
    assert shared_words(["SAAD HELP", "SSIAD HELP"], unnaming=frozenset({"help"})) is None
    assert shared_words(["EHPAD LES CEDRES"]) is None  # one site
