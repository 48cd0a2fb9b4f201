from __future__ import annotations

import pytest

from crawler.matching.name_cleaning import clean_name, is_fragment, is_noise_name


@pytest.mark.parametrize(
    ("raw", "name", "former"),
    [
        ("A Venir - Hop Priv de Provence", "Hop Priv de Provence", []),
        ("Adresse a Venir Site St George", "Site St George", []),
        ("IME DINAMO SCO   (EX IME MARCEL BRUN)", "IME DINAMO SCO", ["IME MARCEL BRUN"]),
        ("Ex Clinique les Rosiers", "", ["Clinique les Rosiers"]),
        ("LAIDET MEDICAL PACA (EX SIERRA MEDICAL", "LAIDET MEDICAL PACA", ["SIERRA MEDICAL"]),
        ("CLINIQUE DES LILAS (FERMÉ)", "CLINIQUE DES LILAS", []),
        ("FERME DE LA HUPPERIE", "FERME DE LA HUPPERIE", []),  # a farm, not a status
        ("FAM LA FERME D\x92ASCROS", "FAM LA FERME D'ASCROS", []),
        ('"EHPAD LES JARDINS"', "EHPAD LES JARDINS", []),
        ("VILLA MALET - ANNEXE IME LES JARDINS D", "VILLA MALET - ANNEXE IME LES JARDINS", []),
        ("ANNEXE", "", []),
        ("CENTRE DE SANTE", "", []),
    ],
)
def test_clean_name(raw: str, name: str, former: list[str]) -> None:
    assert clean_name(raw) == (name, former)


@pytest.mark.parametrize(
    ("folded", "noise"),
    [
        ("annexe", True),
        ("a venir", True),
        ("ehpad", True),
        ("centre de sante", True),
        ("ssiad ccas", True),
        ("residence les tilleuls", False),  # generic, but a name: it needs its place
        ("hopital prive de provence", False),
    ],
)
def test_noise_names(folded: str, noise: bool) -> None:
    assert is_noise_name(folded) is noise


@pytest.mark.parametrize(
    ("folded", "fragment"),
    [
        ("de blaye", True),  # "CH DE LA HAUTE GIRONDE - DE BLAYE"
        ("du pays de guingamp", True),
        ("d imagerie scintigraphique", True),
        ("et public de sante mentale de la somme", True),
        ("la renaissance sanitaire", False),
        ("les quatre saisons", False),
        ("au fil de l eau", False),
    ],
)
def test_fragments_of_cut_names(folded: str, fragment: bool) -> None:
    assert is_fragment(folded) is fragment
