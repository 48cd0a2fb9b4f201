"""The curated names of legal entities (EJ) and how the builder gives them."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest

from crawler.matching.build_bundled import build
from crawler.matching.legal_entity_names import KnownName, read_legal_entity_names
from crawler.matching.watchlist import load_bundled
from tests.crawler.matching.test_build_bundled import organization

HEADER = "finess_ej,name,aliases,domains,source_url,note\n"
FHIR = [
    # A foundation's clinics and homes: FINESS 2021 names its EJ after its head clinic.
    organization("670014604", "670780188", "CLINIQUE SAINTE BARBE", "365", "67000", "STRASBOURG"),
    organization("670014604", "670780212", "EHPAD SAINT JOSEPH", "500", "67000", "STRASBOURG"),
    # Two homes whose shared words name their EJ ("ADALEA").
    organization("220000012", "220000020", "EHPAD ADALEA NORD", "500", "22000", "ST BRIEUC"),
    organization("220000012", "220000038", "EHPAD ADALEA SUD", "500", "22000", "ST BRIEUC"),
]


def _fhir(tmp_path: Path) -> Path:
    path = tmp_path / "etab0-10.tar.gz"
    payload = "".join(json.dumps(record) + "\n" for record in FHIR).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("etab0-10.ndjson")
        info.size = len(payload)
        archive.addfile(info, io.BytesIO(payload))
    return path


def _names(tmp_path: Path, rows: str) -> Path:
    path = tmp_path / "legal_entity_names.csv"
    path.write_text(HEADER + rows, encoding="utf-8")
    return path


def test_rows_are_read_by_ej_number(tmp_path: Path) -> None:
    path = _names(tmp_path, '670014604,Fondation Vincent de Paul,FVDP| ,FVDP.org|fvdp.fr,,"x, y"\n')
    assert read_legal_entity_names(path) == {
        "670014604": KnownName("Fondation Vincent de Paul", ("FVDP",), ("fvdp.org", "fvdp.fr"))
    }


@pytest.mark.parametrize(
    ("rows", "error"),
    [
        ("670014605,Fondation Vincent de Paul,,,,\n", "no valid FINESS EJ number"),
        ("670014604,,,,,\n", "no valid FINESS EJ number and name"),
        ("670014604,A,,,,\n670014604,B,,,,\n", "EJ 670014604 is already named"),
    ],
)
def test_a_wrong_row_stops_the_build(tmp_path: Path, rows: str, error: str) -> None:
    with pytest.raises(SystemExit, match=error):
        read_legal_entity_names(_names(tmp_path, rows))


def test_the_builder_gives_the_known_name(tmp_path: Path) -> None:
    rows = (
        "670014604,Fondation Vincent de Paul,FVDP,fondation-vincent-de-paul.org,,\n"
        "220000012,Association Adaléa,,,,\n"
    )
    output = tmp_path / "watchlist.jsonl.gz"
    build([_fhir(tmp_path), _names(tmp_path, rows)], output)
    entities = {entity.key: entity for entity in load_bundled(output).entities}
    fvdp = entities["finess-ej:670014604"]
    assert fvdp.name == "Fondation Vincent de Paul"
    assert {"ej-name:known", "domain:curated:fondation-vincent-de-paul.org"} <= set(fvdp.tags)
    assert fvdp.domains == ["fondation-vincent-de-paul.org"]
    # The head clinic's name stays the clinic's: an alias of the EJ would only repeat it.
    assert fvdp.aliases == ["FVDP"]
    assert entities["finess:670780188"].parent_key == fvdp.key
    # A name the sites' shared words gave ("EHPAD Adalea") is the EJ's own: it stays an alias.
    adalea = entities["finess-ej:220000012"]
    assert (adalea.name, adalea.aliases) == ("Association Adaléa", ["EHPAD Adalea"])


def test_a_name_no_legal_entity_takes_is_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    build([_fhir(tmp_path), _names(tmp_path, "010780054,CH de Fleyriat,,,,\n")], tmp_path / "w.gz")
    assert "no legal entity 010780054 of several sites to name" in capsys.readouterr().err
