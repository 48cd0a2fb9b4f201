"""``leakwatch match`` (the JSON Lines contract) and ``leakwatch watchlist``."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from crawler.cli import app

runner = CliRunner()
WATCHLIST = """
entries:
  - name: Hôpital Privé de Thiais
    kind: establishment
    finess: "940300445"
    city: Thiais
  - name: Mediboard
    kind: vendor
    domains: [openxtrem.com]
"""


def _run(tmp_path: Path, lines: list[str]) -> tuple[list[dict[str, object]], str]:
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text(WATCHLIST, encoding="utf-8")
    config = tmp_path / "leakwatch.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    result = runner.invoke(
        app,
        ["--config", str(config), "match", "--watchlist", str(watchlist)],
        input="\n".join(lines) + "\n",
    )
    assert result.exit_code == 0, result.output
    out = [json.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return out, result.stderr


def test_match_contract_order_and_errors(tmp_path: Path) -> None:
    out, err = _run(
        tmp_path,
        [
            json.dumps({"id": "a", "title": "HP Thiais dump via Mediboard, 2 BTC", "x": 1}),
            "{not json",
            json.dumps({"id": "c", "text": "nothing here"}),
            json.dumps({"id": 4, "title": "x"}),
            json.dumps({"id": "e", "title": 5}),
            "",
            json.dumps({"id": "g", "title": None, "text": "Vente base Mediboard"}),
        ],
    )
    assert [row["id"] for row in out] == ["a", None, "c", 4, "e", None, "g"]
    assert out[5] == {"id": None, "line": 6, "error": "empty line"}
    assert [m["entity"] for m in out[6]["matches"]] == ["Mediboard"]
    first = out[0]
    assert set(first) >= {"id", "matches", "sale", "claims"}
    assert [m["entity"] for m in first["matches"]] == ["Hôpital Privé de Thiais", "Mediboard"]
    match = first["matches"][0]
    assert match == {
        "entity": "Hôpital Privé de Thiais",
        "kind": "establishment",
        "finess": "940300445",
        "matched": "HP Thiais",
        "field": "title",
        "start": 0,
        "end": 9,
        "score": match["score"],
    }
    assert first["claims"]["price"] == 2.0 and first["claims"]["currency"] == "BTC"
    assert set(first["sale"]) == {"score", "signals"}
    assert out[1]["line"] == 2 and "error" in out[1]
    assert out[2]["matches"] == []
    assert "error" in out[3] and "error" in out[4]
    assert "line 2" in err and "line 4" in err


def test_a_hostile_line_is_reported_and_the_next_one_read(tmp_path: Path) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    surrogate = '{"id": "x\\ud800", "title": "HP Thiais \\ud800 dump"}'
    out, err = _run(tmp_path, [deep, surrogate, json.dumps({"id": "z", "title": "HP Thiais"})])
    assert out[0] == {"id": None, "line": 1, "error": "invalid JSON: nested too deeply"}
    assert out[1]["id"] == "x\ufffd" and [m["entity"] for m in out[1]["matches"]] == [
        "Hôpital Privé de Thiais"
    ]
    assert out[2]["id"] == "z" and "line 1" in err


def test_match_uses_bundled_watchlist_by_default(tmp_path: Path) -> None:
    config = tmp_path / "leakwatch.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    line = json.dumps({"id": "1", "title": "CHU de Liège", "text": "Memorial Hospital Texas db"})
    result = runner.invoke(app, ["--config", str(config), "match"], input=line + "\n")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["matches"] == []


def test_watchlist_show_and_stats(tmp_path: Path) -> None:
    config = tmp_path / "leakwatch.toml"
    config.write_text(f'data_dir = "{tmp_path / "data"}"\n', encoding="utf-8")
    shown = runner.invoke(app, ["--config", str(config), "watchlist", "show", "940300445"])
    assert shown.exit_code == 0
    assert json.loads(shown.stdout.splitlines()[0])["key"] == "finess:940300445"
    stats = runner.invoke(app, ["--config", str(config), "watchlist", "stats"])
    assert "entities:" in stats.stdout


def test_import_finess_command(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'leakwatch.db'}"
    config = tmp_path / "leakwatch.toml"
    config.write_text(f'database_url = "{url}"\n', encoding="utf-8")
    assert runner.invoke(app, ["--config", str(config), "db", "upgrade"]).exit_code == 0
    fixture = Path(__file__).parents[2] / "fixtures" / "finess" / "etalab_cs1100507_SYNTHETIC.csv"
    result = runner.invoke(
        app, ["--config", str(config), "watchlist", "import-finess", str(fixture)]
    )
    assert result.exit_code == 0, result.output
    assert "added 3, changed 0, closed 0" in result.stdout
