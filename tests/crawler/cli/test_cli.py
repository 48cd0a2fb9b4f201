"""The CLI: every command has help; sources list and status read the database."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from typer.testing import CliRunner

from crawler.cli import app

runner = CliRunner()
CONFIG = """
database_url = "{url}"

[[sources]]
name = "demo-forum"
kind = "forum"
engine = "mybb"
start_urls = ["http://127.0.0.1:1/forumdisplay.php?fid=2"]
schedule = {{ every = "5m" }}

[[sources]]
name = "paused-feed"
kind = "feed"
engine = "rss"
start_urls = ["http://127.0.0.1:1/feed.xml"]
enabled = false
"""


def test_help_lists_the_commands() -> None:
    result = runner.invoke(app, ["--help"])
    assert result.exit_code == 0
    for command in ("crawl", "db", "sources", "version", "run", "status"):
        assert command in result.output


def test_every_command_has_help() -> None:
    for args in (["crawl"], ["db", "upgrade"], ["sources", "list"], ["run"], ["status"]):
        result = runner.invoke(app, [*args, "--help"])
        assert result.exit_code == 0, args
        assert "Usage" in result.output


def test_sources_list_and_status(tmp_path: Path, migrated_url: str) -> None:
    config = tmp_path / "leakwatch.toml"
    config.write_text(CONFIG.format(url=migrated_url))
    listed = runner.invoke(app, ["--config", str(config), "sources", "list"])
    assert listed.exit_code == 0, listed.output
    assert "demo-forum" in listed.output and "every 5m" in listed.output
    status = runner.invoke(app, ["--config", str(config), "status", "-f", "json"])
    assert status.exit_code == 0, status.output
    rows = {row["name"]: row for row in json.loads(status.output)}
    assert rows["demo-forum"]["health"] == "unknown"
    assert rows["paused-feed"]["enabled"] is False
    assert rows["demo-forum"]["hits_24h"] == 0
    old_name = runner.invoke(app, ["--config", str(config), "status", "--json"])  # hidden alias
    assert json.loads(old_name.output) == json.loads(status.output)


def test_crawl_of_unknown_source_exits_2(tmp_path: Path) -> None:
    config = tmp_path / "leakwatch.toml"
    config.write_text(CONFIG.format(url=f"sqlite:///{tmp_path / 'x.db'}"))
    result = runner.invoke(app, ["--config", str(config), "crawl", "nope"])
    assert result.exit_code == 2
    assert "no source named 'nope'" in result.output


def _commands(command: Any, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if hasattr(command, "commands"):  # a group
        found = [path]
        for name, sub in command.commands.items():
            found += _commands(sub, (*path, name))
        return found
    return [path]


def test_help_texts_have_no_restructuredtext() -> None:
    paths = _commands(typer.main.get_command(app))
    assert ("alerts", "deliver") in paths and ("hits",) in paths
    for path in paths:
        result = runner.invoke(app, [*path, "--help"], terminal_width=200)
        assert result.exit_code == 0, path
        for markup in ("``", ":class:", ":func:", ":mod:", ":meth:"):
            assert markup not in result.output, (path, markup)


def test_output_format_option_is_the_same_everywhere() -> None:
    paths = _commands(typer.main.get_command(app))
    with_formats = []
    for path in paths:
        output = runner.invoke(app, [*path, "--help"], terminal_width=200).output
        if "--json" in output or "--format" in output:
            with_formats.append(path)
            assert "--format" in output and " -f " in output, path
            assert "--json" not in output, path  # the old name is a hidden alias
    assert {("hits",), ("entity",), ("incidents",), ("doctor",), ("status",),
            ("alerts", "list")} <= set(with_formats)  # fmt: skip
