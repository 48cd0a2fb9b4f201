"""Accents of official names restored for display (FINESS writes capitals without accents)."""

from __future__ import annotations

import pytest

from crawler.matching.accents import with_accents
from crawler.matching.display_names import display_name


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("HOPITAL FOCH", "Hôpital Foch"),
        ("HOPITAL PRIVE DE THIAIS", "Hôpital Privé de Thiais"),
        ("EHPAD RESIDENCE LA VALLEE", "EHPAD Résidence la Vallée"),
        ("CENTRE MEDICO-SOCIAL SAINT-ETIENNE", "Centre Médico-Social Saint-Étienne"),
        ("MAISON DE SANTE DU COEUR", "Maison de Santé du Cœur"),
        ("POLE SANTE SUD SAS", "Pôle Santé Sud"),
        # FINESS dots its acronyms; posts do not ("IME Château de Milan")
        ("I.M.E. CHATEAU DE MILAN", "IME Château de Milan"),
        ("E.H.P.A.D LES LILAS", "EHPAD les Lilas"),
        ("FOYER A.P.F.", "Foyer APF"),
        ("C.H. DE VIENNE", "CH de Vienne"),
        ("CH J.P. FALRET", "CH J.p. Falret"),  # a person's initials stay as written
        ("C.A.F", "C.a.f"),  # and so does an acronym that is no type's
    ],
)
def test_official_names_read_with_accents_and_sensible_case(raw: str, shown: str) -> None:
    assert display_name(raw) == shown


def test_accents_keep_case_and_leave_unknown_and_accented_words_alone() -> None:
    assert with_accents("HOPITAL GENERAL") == "HÔPITAL GÉNÉRAL"
    assert with_accents("hopital prive") == "hôpital privé"
    assert with_accents("Clinique Pasteur Evry") == "Clinique Pasteur Evry"  # places untouched
    assert with_accents("Hôpital Privé déjà") == "Hôpital Privé déjà"
    assert with_accents("") == ""
