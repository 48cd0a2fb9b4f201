"""The entity lookup's folded index: names, aliases, FINESS numbers, keys and domains."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.lookup import NameIndex, domain_of

FOCH = EntityRecord(
    key="finess:920000650",
    kind="establishment",
    name="Hôpital Foch",
    finess_et="920000650",
    finess_ej="920000643",
    aliases=["Fondation Foch"],
    domains=["hopital-foch.com"],
)
THIAIS = EntityRecord(
    key="finess:940000573",
    kind="establishment",
    name="Hôpital privé de Thiais",
    finess_et="940000573",
    aliases=["HP Thiais"],
)
CANCER = EntityRecord(
    key="finess:940022916", kind="establishment", name="Centre de Cancérologie de Thiais"
)
OEUVRE = EntityRecord(key="group:oeuvre", kind="group", name="Œuvre des Hôpitaux")
INDEX = NameIndex([FOCH, THIAIS, CANCER, OEUVRE])


def names(query: str) -> list[str]:
    return [entity.name for entity in INDEX.find(query)]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("Hôpital Foch", ["Hôpital Foch"]),
        ("HOPITAL FOCH", ["Hôpital Foch"]),
        ("hôpital-foch", ["Hôpital Foch"]),
        ("fondation foch", ["Hôpital Foch"]),  # an alias
        ("hp thiais", ["Hôpital privé de Thiais"]),
        ("hopital prive de thiais", ["Hôpital privé de Thiais"]),
        ("hopital thiais", ["Hôpital privé de Thiais"]),  # words of one name, in any order
        ("thiais", ["Centre de Cancérologie de Thiais", "Hôpital privé de Thiais"]),
        ("cancerologie", ["Centre de Cancérologie de Thiais"]),
        ("hopital prive de thia", ["Hôpital privé de Thiais"]),  # the last word cut short
        ("oeuvre", ["Œuvre des Hôpitaux"]),  # ligature folded as the matcher does
        ("920000650", ["Hôpital Foch"]),
        ("920000643", ["Hôpital Foch"]),  # FINESS EJ
        ("group:oeuvre", ["Œuvre des Hôpitaux"]),
        ("hopital-foch.com", ["Hôpital Foch"]),
        ("https://www.hopital-foch.com/patients", ["Hôpital Foch"]),
        ("mail.hopital-foch.com", ["Hôpital Foch"]),  # a sub-domain
        ("fondation thiais", []),  # words from two different entities
        ("foch thiais", []),
        ("h", []),  # too short to stand for every word starting with h
        ("", []),
        ("100%_", []),
    ],
)
def test_find(query: str, expected: list[str]) -> None:
    assert names(query) == expected


def test_exact_names_rank_first() -> None:
    index = NameIndex(
        [
            EntityRecord(key="a", kind="establishment", name="Clinique Saint-Jean de Lyon"),
            EntityRecord(key="b", kind="establishment", name="Annexe", aliases=["Saint Jean"]),
            EntityRecord(key="c", kind="establishment", name="Clinique Saint-Jean"),
        ]
    )
    assert [e.key for e in index.find("clinique saint jean")] == ["c", "a"]
    assert [e.key for e in index.find("saint jean")] == ["b", "c", "a"]  # exact, then by name
    assert [e.key for e in index.find("saint jean", limit=1)] == ["b"]


def test_domain_of() -> None:
    assert domain_of("HTTPS://WWW.Foch.fr:443/x?y") == "foch.fr"
    assert domain_of("Hôpital Foch") is None
    assert domain_of("920000650") is None
