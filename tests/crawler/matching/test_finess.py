from __future__ import annotations

import csv
from pathlib import Path

import pytest

from crawler.matching.finess import department_of_postcode, find_finess, is_valid_finess
from crawler.matching.normalise import normalise

SHARED = Path(__file__).resolve().parents[4] / "shared" / "data" / "finess"


@pytest.mark.parametrize("number", ["010000024", "940300445", "2A0000014", "2B0000012"])
def test_valid_numbers(number: str) -> None:
    assert is_valid_finess(number)


@pytest.mark.parametrize("number", ["010000025", "94030044", "2C0000014", "abcdefghi"])
def test_invalid_numbers(number: str) -> None:
    assert not is_valid_finess(number)


@pytest.mark.skipif(not SHARED.exists(), reason="shared/data not beside the repository")
def test_every_number_of_the_shared_extracts_is_valid() -> None:
    with (SHARED / "FHOFF_etabs_hopitaux_france.csv").open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    numbers = [row["nofinesset"] for row in rows] + [row["nofinessej"] for row in rows]
    assert all(is_valid_finess(number) for number in numbers)


def test_found_in_text_only_with_valid_key() -> None:
    folded = normalise("FINESS 940300445 and 940300446 and 2A0000014").text
    assert [number for _, _, number in find_finess(folded)] == ["940300445", "2A0000014"]


def test_department_of_postcode() -> None:
    assert department_of_postcode("94320") == "94"
    assert department_of_postcode("97400") == "974"
    assert department_of_postcode("20000", "2A0000014") == "2A"
