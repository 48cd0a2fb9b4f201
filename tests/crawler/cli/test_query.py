"""The query CLI: hits, entity, incidents and users, on a seeded database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.cli import app
from db.accounts import authenticate, user_for_token
from db.engine import make_engine, make_session_factory
from tests.seed import HOSTILE_AUTHOR, seed

runner = CliRunner()


@pytest.fixture
def config(tmp_path: Path, migrated_url: str) -> Path:
    """A config file pointing at a seeded database."""
    seed(migrated_url)
    path = tmp_path / "leakwatch.toml"
    path.write_text(f'database_url = "{migrated_url}"\n')
    return path


def run(config: Path, *args: str, stdin: str | None = None):  # type: ignore[no-untyped-def]
    return runner.invoke(app, ["--config", str(config), *args], input=stdin)


def test_hits_formats_and_filters(config: Path) -> None:
    table = run(config, "hits", "--query", "Thiais")
    assert table.exit_code == 0, table.output
    assert "3 hit(s)" in table.output and "Hôpital privé de Thiais" in table.output
    rows = list(
        csv.DictReader(io.StringIO(run(config, "hits", "-q", "thiais", "-f", "csv").output))
    )
    assert len(rows) == 3 and "'" + HOSTILE_AUTHOR in {row["author"] for row in rows}
    as_json = json.loads(run(config, "hits", "--entity", "940000573", "--format", "json").output)
    assert {hit["entity_name"] for hit in as_json} == {"Hôpital privé de Thiais"}
    lines = run(config, "hits", "--sale-only", "--source-kind", "forum", "-f", "jsonl").output
    assert len(lines.splitlines()) == 4  # the Lyon post names two entities
    paged = run(config, "hits", "--limit", "2")
    assert "more: --cursor" in paged.output
    assert run(config, "hits", "--all", "-f", "jsonl").output.count("\n") == 7
    listed = json.loads(run(config, "hits", "--ransomware-group", "LockBit", "-f", "json").output)
    assert [(hit["entity_name"], hit["ransomware_group"], hit["author"]) for hit in listed] == [
        ("Biolab Sud", "lockbit", None)
    ]
    assert run(config, "hits", "--ransomware-group", "play", "-f", "jsonl").output == ""
    table = run(config, "hits", "--source-kind", "leaksite").output
    assert "lockbit" in table  # the table's group column
    bad = run(config, "hits", "--since", "last week")
    assert bad.exit_code == 2 and "since" in bad.output
    assert run(config, "hits", "--format", "xml").exit_code == 2


def test_table_output_is_inert(config: Path) -> None:
    result = run(config, "hits", "--query", "Vente")
    assert "<script>" in result.output  # shown as text, not interpreted
    assert "\x1b]" not in result.output


def test_entity_history(config: Path) -> None:
    result = run(config, "entity", "940000573")
    assert result.exit_code == 0, result.output
    assert "2024-11-19 08:50" in result.output and "claims over time" in result.output
    by_name = json.loads(run(config, "entity", "Hôpital privé de Thiais", "-f", "json").output)
    assert by_name["entity"]["post_count"] == 3 and len(by_name["timeline"]) == 3
    assert by_name["claims"][0]["records"] == 758912
    several = run(config, "entity", "Clinique")
    assert several.exit_code == 0  # one entity only is called "Clinique…"
    assert run(config, "entity", "Nowhere").exit_code == 1


def test_incidents(config: Path) -> None:
    listed = run(config, "incidents", "--entity", "thiais", "-f", "json")
    incidents = json.loads(listed.output)
    assert len(incidents) == 1 and incidents[0]["sources"] == ["breachforum", "tg-leaks"]
    misp = json.loads(run(config, "incidents", "--misp", str(incidents[0]["id"])).output)
    assert misp["Event"]["info"].startswith("leakwatch: Hôpital privé de Thiais")
    stix = json.loads(run(config, "incidents", "--stix", str(incidents[0]["id"])).output)
    assert stix["type"] == "bundle"
    assert run(config, "incidents", "--misp", "999999").exit_code == 2


def test_users_add_and_token(config: Path, migrated_url: str) -> None:
    added = run(config, "users", "add", "ana", "--role", "analyst", stdin="long enough secret\n")
    assert added.exit_code == 0, added.output
    assert run(config, "users", "add", "ana", "--role", "analyst", stdin="x" * 12).exit_code == 2
    assert run(config, "users", "add", "jo", "--role", "boss", stdin="x" * 12).exit_code == 2
    token = run(config, "users", "token", "ana").output.strip()
    assert token.startswith("lw_")
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        assert authenticate(session, "ana", "long enough secret") is not None
        user = user_for_token(session, token)
        assert user is not None and user.role == "analyst"
    engine.dispose()


def test_web_needs_a_secret_key(config: Path) -> None:
    result = run(config, "web")
    assert result.exit_code == 2 and "secret_key" in result.output


def test_query_commands_have_help() -> None:
    for args in (["hits"], ["entity"], ["incidents"], ["users", "add"], ["users", "token"],
                 ["web"]):  # fmt: skip
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output, args


def test_hits_severity_review_lists_the_possible_hits(config: Path) -> None:
    table = run(config, "hits", "--severity", "review")
    assert table.exit_code == 0, table.output
    assert "1 possible hit(s)" in table.output and "CH de Saint-Denis" in table.output
    rows = list(csv.DictReader(io.StringIO(run(config, "hits", "--severity", "review", "-f",
                                                "csv").output)))  # fmt: skip
    assert len(rows) == 1 and rows[0]["severity"] == "review"
    assert "Félix Guyon" in rows[0]["candidate_names"] and "candidates" not in rows[0]
    [item] = json.loads(run(config, "hits", "--severity", "review", "-f", "json").output)
    assert [c["department"] for c in item["candidates"]] == ["93", "974"]
    assert item["reasons"] == ["health", "sale"] and item["triage_status"] == "new"
    elsewhere = run(config, "hits", "--severity", "review", "--department", "69", "-f", "jsonl")
    assert elsewhere.exit_code == 0 and elsewhere.output == ""
    assert "CH de Saint-Denis" not in run(config, "hits", "--all").output
    assert run(config, "hits", "--severity", "urgent").exit_code == 2
