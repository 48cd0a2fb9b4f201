"""The town of a FINESS address line: postcode and CEDEX (which FINESS cuts to "CED") out."""

from __future__ import annotations

import pytest

from crawler.matching.display_names import city_of


@pytest.mark.parametrize(
    ("line", "town"),
    [
        ("01440 VIRIAT", "Viriat"),
        ("06001 NICE CEDEX 1", "Nice"),
        ("69655 VILLEFRANCHE SUR SAONE CED", "Villefranche sur Saone"),
        ("44265 ST SEBASTIEN SUR LOIRE CED", "St Sebastien sur Loire"),
        ("26400 CREST", "Crest"),
        ("", None),
    ],
)
def test_the_town_of_an_address_line(line: str, town: str | None) -> None:
    assert city_of(line) == town
