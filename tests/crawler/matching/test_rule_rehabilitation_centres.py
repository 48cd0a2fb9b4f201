"""Rule: rehabilitation centres. FINESS writes their type `Crf`, `Cmpr`, "Ctre de Reed.
fonctionnelle", "Centre Médecine Phys Readapt"; people write "Centre de rééducation
(fonctionnelle) de X", "Centre de médecine physique et de réadaptation X", "Centre X" or
"Rehabilitation Center X". The type phrase alone names no centre. `SSR` is no type word: it is
also a hospital's service ("CH Jacques Monod - SSR - Flers" is no "CH Jacques Monod")."""

from __future__ import annotations

import pytest

from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from tests.crawler.matching.support import establishment, keys

KERPAPE = establishment(
    "560002024",
    "Ctre de Reed.fonctionnelle de Kerpape",
    "Ploemeur",
    "56",
    tags=["category:109"],
)
CLAIRIERE = establishment(
    "140000001", "Cmpr la Clairiere - Herouville Stclair", "Herouville St Clair", "14"
)
SIOUVILLE = establishment(
    "500000419",
    "Crf - Siouville",
    "Siouville Hague",
    "50",
    aliases=["Centre de Rééducation Fonctionnelle"],
)
VIRAZEIL = establishment(
    "470000308",
    "Centre Médecine Phys Readapt Virazeil",
    "Virazeil",
    "47",
    aliases=["Centre de Médecine Physique et de Réadaptation"],
)
FLERS = establishment(
    "610000119",
    "Centre Hospitalier Jacques Monod - Flers",
    "Flers",
    "61",
    parent_key="finess-ej:610780165",
)
FLERS_SSR = establishment(
    "610008815", "CH Jacques Monod - SSR - Flers", "Flers", "61", parent_key="finess-ej:610780165"
)


@pytest.fixture(scope="module")
def matcher() -> Matcher:
    return Matcher(Watchlist((KERPAPE, CLAIRIERE, SIOUVILLE, VIRAZEIL, FLERS, FLERS_SSR), {}))


@pytest.mark.parametrize(
    ("title", "key"),
    [
        ("Centre de rééducation fonctionnelle de Kerpape", KERPAPE.key),
        ("Centre de rééducation de Kerpape", KERPAPE.key),
        ("Centre mutualiste de Kerpape", KERPAPE.key),
        ("Rehabilitation Center Kerpape", KERPAPE.key),
        ("CMPR la Clairière", CLAIRIERE.key),
        ("Centre de médecine physique et de réadaptation la Clairière", CLAIRIERE.key),
        ("Centre de rééducation fonctionnelle de Siouville", SIOUVILLE.key),
    ],
)
def test_a_rehabilitation_centre_is_named_with_its_type(
    matcher: Matcher, title: str, key: str
) -> None:
    assert keys(matcher, title, "Group: lockbit3") == {key}


@pytest.mark.parametrize(
    "title",
    [
        "Centre de rééducation fonctionnelle",
        "Centre de médecine physique et de réadaptation",
        "Centre de rééducation fonctionnelle du Finosello",
        "Kerpape",
    ],
)
def test_the_type_phrase_alone_names_no_centre(matcher: Matcher, title: str) -> None:
    assert keys(matcher, title, "Group: lockbit3") == set()


def test_a_hospital_service_named_ssr_is_not_the_hospital(matcher: Matcher) -> None:
    text = "CH Jacques Monod de Flers (61) : boîte mail RH compromise"
    assert keys(matcher, "CH Jacques Monod Flers", text) == {FLERS.key}
