"""A town or department written right after a name, and health words that must be close."""

from __future__ import annotations

import pytest

from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

SAINT_LOUIS = "finess:750100042"
ENTITIES = (
    establishment("750100042", "Hôpital Saint-Louis", "Paris", "75", region="Île-de-France"),
    establishment("920000650", "Hôpital Foch", "Suresnes", "92", region="Île-de-France"),
    establishment("750000000", "Hôpital Necker", "Paris", "75", region="Île-de-France"),
    establishment(
        "170000004",
        "Centre Hospitalier de La Rochelle",
        "La Rochelle",
        "17",
        region="Nouvelle-Aquitaine",
    ),
    EntityRecord(
        key="insurer:harmonie-mutuelle",
        kind="insurer",
        name="Harmonie Mutuelle",
        aliases=["Harmonie"],
    ),
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist(ENTITIES, {"75": "Paris", "17": "Charente-Maritime"}))


def test_another_town_right_after_the_name_is_another_hospital(matcher: Matcher) -> None:
    assert SAINT_LOUIS not in keys(matcher, "Hôpital Saint-Louis La Rochelle : rançongiciel")
    assert SAINT_LOUIS not in keys(matcher, "Hôpital Saint-Louis de La Rochelle, patients db")
    assert keys(matcher, "Hôpital Saint-Louis Paris patients db") == {SAINT_LOUIS}
    assert keys(matcher, "Hôpital Saint-Louis de Paris, patients db") == {SAINT_LOUIS}


def test_a_big_town_nearby_is_no_other_place(matcher: Matcher) -> None:
    assert keys(matcher, "Hôpital Foch Paris : base patients") == {"finess:920000650"}
    assert keys(matcher, "Hôpital Foch La Rochelle : base patients") == set()


def test_a_department_in_brackets_after_the_name(matcher: Matcher) -> None:
    assert keys(matcher, "Hôpital Saint-Louis (68) patients db") == set()
    assert keys(matcher, "Hôpital Saint-Louis (75) patients db") == {SAINT_LOUIS}
    # A number that is no department in brackets says nothing of the place.
    assert keys(matcher, "Hôpital Saint-Louis 24 GB patients db, Paris 10e") == {SAINT_LOUIS}


def test_an_ordinary_word_name_needs_a_health_word_close_by(matcher: Matcher) -> None:
    far = "Harmonie municipale : concert samedi. " + "On joue du Bach et du Mozart. " * 12
    assert keys(matcher, "Harmonie", far + "Sinon ma mutuelle rembourse mal.") == set()
    assert keys(matcher, "Harmonie", "la base adhérents de la mutuelle, 2M lignes") == {
        "insurer:harmonie-mutuelle"
    }


def test_a_name_right_after_a_denying_word_is_not_the_subject(matcher: Matcher) -> None:
    leak = "Base patients de l'Hôpital Foch, 200k lignes"
    assert keys(matcher, leak) == {"finess:920000650"}
    assert keys(matcher, "Rien à voir avec l'Hôpital Foch : base clients d'un garage") == set()
    assert keys(matcher, "The dump is not the Hopital Foch one, it is a gym chain") == set()
    # Far from the name, a denying word denies nothing.
    assert keys(matcher, "Pas le temps de vérifier : Hôpital Foch, 200k patients") == {
        "finess:920000650"
    }
