"""CSV / JSON exports: formulas neutralised, values serialisable."""

from __future__ import annotations

import csv
import io
import json
from datetime import UTC, datetime
from decimal import Decimal

import pytest

from crawler.reports.exports import csv_lines, json_array_chunks, jsonl_lines, neutralise_cell


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+1", "'=1+1"),
        ("+33 1 23", "'+33 1 23"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=cmd", "'\t=cmd"),
        ("\r=cmd", "'\r=cmd"),
        ("Hôpital = cible", "Hôpital = cible"),
        (-3, "-3"),
        (0.5, "0.5"),
        (None, ""),
        (True, "true"),
        (["nir", "=x"], "nir|'=x"),
        (datetime(2024, 11, 19, tzinfo=UTC), "2024-11-19T00:00:00+00:00"),
        (
            [{"field": "title", "matched": "=cmd"}, {"field": "text", "matched": "HP"}],
            '{"field": "title", "matched": "=cmd"}|{"field": "text", "matched": "HP"}',
        ),
    ],
)
def test_neutralise_cell(value: object, expected: str) -> None:
    assert neutralise_cell(value) == expected


def test_csv_round_trip_keeps_text_and_defuses_formulas() -> None:
    rows = [{"title": '=HYPERLINK("http://evil.example/")', "n": 3, "extra": "ignored"}]
    text = "".join(csv_lines(rows, ["title", "n"]))
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed == [["title", "n"], ['\'=HYPERLINK("http://evil.example/")', "3"]]


def test_json_exports() -> None:
    rows = [
        {"at": datetime(2024, 1, 1, tzinfo=UTC), "records": Decimal(758912), "p": Decimal("1.5")}
    ]
    assert json.loads("".join(json_array_chunks(rows))) == [
        {"at": "2024-01-01T00:00:00+00:00", "records": 758912, "p": 1.5}
    ]
    assert json.loads("".join(json_array_chunks([]))) == []
    lines = "".join(jsonl_lines(rows * 2)).splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["records"] == 758912
