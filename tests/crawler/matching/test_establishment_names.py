"""The curated usual names of establishments (ET) and how the builder gives them."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.matching.build_bundled import build
from crawler.matching.establishment_names import UsualNames, read_establishment_names
from crawler.matching.watchlist import load_bundled
from tests.crawler.matching.test_legal_entity_names import _fhir

HEADER = "finess_et,aliases,domains,source_url,note\n"


def _names(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "establishment_names.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_rows_are_read_by_et_number(tmp_path: Path) -> None:
    path = _names(tmp_path, '670780188,Clinique Sainte-Barbe| |CSB,CSB.fr,,"x, y"\n')
    assert read_establishment_names(path) == {
        "670780188": UsualNames(("Clinique Sainte-Barbe", "CSB"), ("csb.fr",))
    }


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ("670780189,Clinique Sainte-Barbe,,,\n", "no valid FINESS ET number"),
        ("6707801,Clinique Sainte-Barbe,,,\n", "no valid FINESS ET number"),
        ("670780188,,,,\n", "no valid FINESS ET number and alias"),
        ("670780188,A,,,\n670780188,B,,,\n", "ET 670780188 is already listed"),
    ],
)
def test_a_wrong_row_stops_the_build(tmp_path: Path, rows: str, error: str) -> None:
    with pytest.raises(SystemExit, match=error):
        read_establishment_names(_names(tmp_path, rows))


def test_the_builder_adds_the_usual_names(tmp_path: Path) -> None:
    rows = "670780188,Clinique Sainte-Barbe de Strasbourg|CSB,clinique-sainte-barbe.fr,,\n"
    output = tmp_path / "watchlist.jsonl.gz"
    build([_fhir(tmp_path), _names(tmp_path, rows)], output)
    entities = {entity.key: entity for entity in load_bundled(output).entities}
    clinic = entities["finess:670780188"]
    assert clinic.name == "Clinique Sainte Barbe"  # FINESS's name stays the entity's
    assert {"Clinique Sainte-Barbe de Strasbourg", "CSB"} <= set(clinic.aliases)
    assert "clinique-sainte-barbe.fr" in clinic.domains
    assert "domain:curated:clinique-sainte-barbe.fr" in clinic.tags


def test_a_number_no_establishment_takes_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build([_fhir(tmp_path), _names(tmp_path, "010780054,CH de Fleyriat,,,\n")], tmp_path / "w.gz")
    assert "no establishment 010780054 to give its usual names" in capsys.readouterr().err
