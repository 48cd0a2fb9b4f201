from __future__ import annotations

import pytest

from crawler.matching.names import (
    NameForm,
    alias_strength,
    core_variants,
    forms_of_name,
    is_generic_core,
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("SA CLINIQUE SAINTE ISABELLE", NameForm("clinique", "sainte isabelle")),
        ("HOPITAL PRIVE DE THIAIS", NameForm("hp", "thiais")),
        ("CENTRE HOSPITALIER DE VIRE", NameForm("ch", "vire")),
        ("GROUPE HOSPITALIER PELLEGRIN - CHU", NameForm("gh", "pellegrin")),
        ("Doctolib", NameForm(None, "doctolib")),
    ],
)
def test_first_form_of_official_names(name: str, expected: NameForm) -> None:
    assert forms_of_name(name)[0] == expected


def test_parent_reference_becomes_a_secondary_form() -> None:
    forms = forms_of_name("HOPITAL PURPAN CHU TOULOUSE")
    assert NameForm("hopital", "purpan") in forms
    assert NameForm("chu", "toulouse", secondary=True) in forms


def test_one_sided_hyphen_after_saint_joins_the_name() -> None:
    # A FINESS alias is written "CH Saint- Amand les Eaux": not "CH Saint" and "Amand les Eaux".
    assert forms_of_name("CH Saint- Amand les Eaux") == [NameForm("ch", "saint amand les eaux")]


def test_type_alone_has_no_form() -> None:
    assert forms_of_name("CENTRE HOSPITALIER") == []


def test_saint_variants() -> None:
    assert core_variants("sainte isabelle") == [
        "sainte isabelle",
        "ste isabelle",
        "saint isabelle",  # English writes a female saint "Saint Isabel(le)"
        "st isabelle",
    ]
    assert core_variants("saint louis") == ["saint louis", "st louis"]


@pytest.mark.parametrize(
    ("core", "generic"),
    [("saint joseph", True), ("parc", True), ("jeanne d arc", True), ("sainte isabelle", False)],
)
def test_generic_cores(core: str, generic: bool) -> None:
    assert is_generic_core(core) is generic


@pytest.mark.parametrize(
    ("alias", "strength"),
    [
        ("HM", "support"),
        ("OX", "support"),
        ("Sécurité sociale", "support"),
        ("Harmonie", "common"),
        ("MGEN", "weak"),
        ("Doctolib", "strong"),
        ("Ramsay Santé", "strong"),
    ],
)
def test_alias_strength(alias: str, strength: str) -> None:
    assert alias_strength(alias) == strength


def test_a_roman_numeral_after_a_name_is_also_written_in_figures() -> None:
    assert core_variants("parly ii") == ["parly ii", "parly 2"]
    assert core_variants("ii") == ["ii"]  # alone it is no numeral of a name


def test_parly_2_is_the_private_hospital_of_parly_ii() -> None:
    from crawler.matching.matcher import Matcher
    from crawler.matching.watchlist import Watchlist
    from tests.crawler.matching.support import establishment, keys

    parly = establishment("780300406", "Hôpital Privé de Parly Ii", "Le Chesnay", "78")
    matcher = Matcher(Watchlist((parly,), {}))
    assert keys(matcher, "Hôpital Privé de Parly 2", "Group: lockbit3") == {parly.key}
