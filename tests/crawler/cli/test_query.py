"""The query CLI: hits, entity, incidents and users, on a seeded database."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.cli import app
from db.accounts import login_candidate, user_for_token, verify_password
from db.engine import make_engine, make_session_factory
from tests.seed import HOSTILE_AUTHOR, seed, seed_more_hits

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


def test_times_follow_the_display_zone_and_exports_keep_their_offset(config: Path) -> None:
    config.write_text(config.read_text() + 'display_timezone = "America/New_York"\n')
    table = run(config, "entity", "940000573")
    assert table.exit_code == 0, table.output
    assert "2024-11-19 03:50 EST" in table.output
    document = json.loads(run(config, "entity", "940000573", "-f", "json").output)
    assert document["entity"]["first_seen"] == "2024-11-19T08:50:00+00:00"


def test_entity_history(config: Path) -> None:
    result = run(config, "entity", "940000573")
    assert result.exit_code == 0, result.output
    # 08:50 UTC shown in the default display zone, labelled.
    assert "2024-11-19 09:50 CET" in result.output and "claims over time" in result.output
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
        assert verify_password(login_candidate(session, "ana").password_hash, "long enough secret")
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


def test_entity_lookup_folds_accents_and_case_and_reads_aliases(config: Path) -> None:
    for query in ("hopital PRIVE de thiais", "HP-Thiais", "940000565", "hôpital privé de thia"):
        found = run(config, "entity", query, "-f", "json")
        assert found.exit_code == 0, (query, found.output)
        assert json.loads(found.output)["entity"]["name"] == "Hôpital privé de Thiais", query
    for entity in ("HÔPITAL PRIVÉ", "hp thiais"):
        rows = json.loads(run(config, "hits", "--entity", entity, "-f", "json").output)
        assert {row["entity_name"] for row in rows} == {"Hôpital privé de Thiais"}, entity
        assert len(rows) == 3
    group = json.loads(run(config, "hits", "--group", "RAMSAY SANTE", "-f", "json").output)
    assert len(group) == 4
    incidents = json.loads(run(config, "incidents", "--entity", "hp thiais", "-f", "json").output)
    assert [incident["entity_name"] for incident in incidents] == ["Hôpital privé de Thiais"]


def test_entity_of_the_watchlist_without_posts(config: Path) -> None:
    result = run(config, "entity", "Hôpital Foch")  # in the bundled watchlist, never stored
    assert result.exit_code == 0, result.output
    assert "Hôpital Foch" in result.output and "no post names it yet" in result.output
    as_json = json.loads(run(config, "entity", "hopital foch", "-f", "json").output)
    assert as_json["entity"]["finess_et"] == "920000650" and as_json["timeline"] == []


def test_exports_are_complete_and_carry_claims(config: Path, migrated_url: str) -> None:
    seed_more_hits(migrated_url, 60)
    assert run(config, "hits", "-f", "jsonl").output.count("\n") == 67
    assert len(json.loads(run(config, "hits", "-f", "json").output)) == 67
    rows = list(csv.DictReader(io.StringIO(run(config, "hits", "-f", "csv").output)))
    assert len(rows) == 67
    assert run(config, "hits", "-f", "jsonl", "--limit", "60").output.count("\n") == 60
    table = run(config, "hits")
    assert "50 hit(s)" in table.output and "more: --cursor" in table.output
    newest = rows[0]
    assert (newest["records"], newest["seller"]) == ("1059", "bulkseller")
    lyon = json.loads(run(config, "hits", "--entity", "lyon", "-f", "json").output)
    assert {(hit["records"], hit["price"], hit["currency"]) for hit in lyon} == {
        (120000, 5000, "USD")
    }
    timeline = run(config, "entity", "940000573", "-f", "csv", "--limit", "500").output
    entries = list(csv.DictReader(io.StringIO(timeline)))
    assert len(entries) == 63 and entries[-1]["records"] == "758912"
    assert (
        entries[-1]["data_types"] == "nir|identity" or entries[-1]["data_types"] == "identity|nir"
    )


def test_csv_for_french_spreadsheets(config: Path) -> None:
    result = run(config, "hits", "-q", "thiais", "-f", "csv", "--bom", "--semicolon")
    assert result.exit_code == 0, result.output
    assert result.output.startswith("\ufeffid;created_at;severity;")
    rows = list(csv.DictReader(io.StringIO(result.output.removeprefix("\ufeff")), delimiter=";"))
    assert len(rows) == 3 and "'" + HOSTILE_AUTHOR in {row["author"] for row in rows}
    assert not run(config, "hits", "-f", "csv").output.startswith("\ufeff")


def test_a_missing_sqlite_file_is_not_created(tmp_path: Path) -> None:
    missing = tmp_path / "typo" / "leakwatch.db"
    path = tmp_path / "leakwatch.toml"
    path.write_text(f'database_url = "sqlite:///{missing}"\n')
    for args in (["hits"], ["entity", "x"], ["incidents"], ["alerts", "list"], ["status"],
                 ["sources", "list"], ["db", "current"], ["users", "token", "ana"]):  # fmt: skip
        result = run(path, *args)
        assert result.exit_code == 2, (args, result.output)
        assert f"database file {missing} does not exist" in result.output, args
        assert len(result.output.strip().splitlines()) == 1, args
        assert not missing.exists(), args
    assert run(path, "db", "upgrade").exit_code == 0 and missing.exists()


def test_an_unreachable_postgresql_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "leakwatch.toml"
    # Port 9 on loopback: nothing listens there, the connection is refused at once.
    path.write_text('database_url = "postgresql://leakwatch:hunter2@127.0.0.1:9/leakwatch"\n')
    for args in (["hits"], ["entity", "x"], ["incidents"], ["alerts", "list"],
                 ["alerts", "deliver"], ["status"], ["sources", "list"], ["db", "upgrade"],
                 ["db", "current"], ["users", "token", "ana"]):  # fmt: skip
        result = run(path, *args)
        assert result.exit_code == 1, (args, result.output)
        lines = result.output.strip().splitlines()
        assert len(lines) == 1 and "127.0.0.1:9" in lines[0], (args, result.output)
        assert "hunter2" not in result.output and "Traceback" not in result.output


def test_version_option() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("leakwatch ")
