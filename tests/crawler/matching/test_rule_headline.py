"""Rule: a headline that says a non-health organisation was hit or sold (a town hall, a school,
a water utility, a gym chain) leaves the health organisations its story names as background,
unless their own sentence says they were hit too; a headline about a crisis exercise that
says no data was taken names no victim at all."""

from __future__ import annotations

import pytest

from crawler.matching.headline import drill, other_subject
from crawler.matching.matcher import Matcher
from tests.crawler.matching.support import keys

BREST = "finess-ej:290000017"
TOULOUSE = "finess-ej:310781406"


@pytest.mark.parametrize(
    "title",
    [
        "Toulouse : la métropole victime d'une attaque par déni de service",
        "French water utility data leaked by extortion group",
        "[SELLING] Lycée + mairie bundle France",
        "Fuite : la base clients d'une chaîne de salles de sport en vente",
    ],
)
def test_headlines_with_a_non_health_victim(title: str) -> None:
    assert other_subject(title)


@pytest.mark.parametrize(
    "title",
    [
        "🚨 Fuite",  # no headline
        "Selling French database 2024",  # names no victim
        "La mairie et l'hôpital de Dax victimes d'une cyberattaque",  # a health word
        "Data of 40k patients leaked by a school's contractor",  # a health word
        "La mairie de Quimper inaugure sa médiathèque",  # nobody hit
    ],
)
def test_other_titles_are_left_to_the_other_rules(title: str) -> None:
    assert not other_subject(title)


def test_the_story_hospitals_under_such_a_headline_are_background(
    bundled_matcher: Matcher,
) -> None:
    text = (
        "A French regional water utility has had data leaked by an extortion group. The group "
        "said it targeted critical infrastructure after the Brest University Hospital attack "
        "earned it headlines."
    )
    title = "French water utility data leaked by extortion group"
    assert keys(bundled_matcher, title, text) == set()
    # The same story under a headline that names no one keeps the hospital.
    assert keys(bundled_matcher, "Extortion group leaks more data", text) == {BREST}


def test_a_hospital_hit_too_stays_a_victim(bundled_matcher: Matcher) -> None:
    text = (
        "La métropole a été visée par des hacktivistes. Le CHU de Toulouse a également été "
        "touché par l'attaque."
    )
    title = "Toulouse : la métropole victime d'une attaque par déni de service"
    assert keys(bundled_matcher, title, text) == {TOULOUSE}


@pytest.mark.parametrize(
    ("title", "is_drill"),
    [
        ("Exercice de crise cyber : six hôpitaux normands simulent une attaque", True),
        ("Brest hospital runs a ransomware drill with the ARS", True),
        ("Le CHU de Brest s'entraîne à une cyberattaque", True),
        ("Après l'exercice, le CHU de Brest piraté pour de bon", False),  # data taken
        ("Fuite au CHU de Brest : une simulation tourne mal", False),
        ("Exercice", False),  # no headline
        ("Le CHU de Brest victime d'une cyberattaque", False),
    ],
)
def test_drill_headlines(title: str, is_drill: bool) -> None:
    assert drill(title) is is_drill


def test_the_hospitals_of_a_drill_story_are_no_victims(bundled_matcher: Matcher) -> None:
    title = "Exercice de crise cyber : des hôpitaux bretons simulent une attaque"
    text = (
        "GHT Brest-Carhaix\ndomain: letelegramme.fr\nLe CHU de Brest a participé mardi à un "
        "exercice de crise simulant une cyberattaque. Aucun incident réel n'a eu lieu."
    )
    assert keys(bundled_matcher, title, text) == set()
    assert keys(bundled_matcher, "Le CHU de Brest victime d'une cyberattaque", text) == {BREST}
