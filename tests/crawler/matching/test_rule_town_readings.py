"""Rule: "hôpital de <town>" is the town's hospital read from the town alone; when the post
names in full another establishment of that town, that one is the town's hospital and the
town reading is dropped."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

# Real shapes: a surgery site of another legal entity sits in Corbeil-Essonnes and is named
# after it; the Centre hospitalier Sud Francilien is the town's hospital.
SITE = establishment(
    "910022706",
    "CH Sud Essonne Dourdan Etampes Chirurgie Cancers Urologiques",
    "Corbeil Essonnes",
    "91",
    aliases=["CH Essonne Dourdan Etampes Sit Corbeil"],
    finess_ej="910019447",
)
CHSF = establishment(
    "910000314",
    "Centre Hospitalier Sud Francilien",
    "Corbeil Essonnes",
    "91",
    finess_ej="910002773",
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((SITE, CHSF), {}))


def test_the_town_s_hospital_named_in_full_wins(matcher: Matcher) -> None:
    title = "Cyberattaque de l'hôpital de Corbeil-Essonnes : LockBit publie des données"
    text = "Centre Hospitalier Sud Francilien\ndomain: chsf.fr\nDossiers de patients publiés."
    assert keys(matcher, title, text) == {CHSF.key}


def test_the_town_alone_still_reads_its_hospital(matcher: Matcher) -> None:
    assert keys(matcher, "hôpital de Corbeil-Essonnes", "dossiers patients") == {SITE.key}
