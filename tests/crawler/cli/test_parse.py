"""``leakwatch parse``: a parser run on a saved page prints JSON Lines items."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from crawler.cli import app
from spiders.registry import PARSERS

FIXTURES = Path(__file__).parents[2] / "fixtures" / "forums"
FIELDS = ("thread_id", "title", "url", "author", "created_at", "last_post_at", "replies", "views",
          "tags")  # fmt: skip
runner = CliRunner()


def lines(output: str) -> list[dict[str, object]]:
    return [json.loads(line) for line in output.splitlines() if line.strip()]


def test_every_forum_kind_is_registered() -> None:
    assert {"mybb", "xenforo", "phpbb", "forum"} <= set(PARSERS)


def test_saved_mybb_page() -> None:
    page = FIXTURES / "mybb_default_forumdisplay.html"
    result = runner.invoke(
        app, ["parse", "--kind", "mybb", "--base-url", "https://board.example/", str(page)]
    )
    assert result.exit_code == 0, result.output
    items = lines(result.stdout)
    assert [item["thread_id"] for item in items] == ["12", "1873", "1869", "1850", "1702"]
    assert all(set(FIELDS) <= set(item) for item in items)
    assert items[1]["url"] == "https://board.example/showthread.php?tid=1873"
    assert items[1]["created_at"] == "2026-11-23T08:50:00+00:00"
    assert items[1]["tags"] == ["[SELLING]"]


def test_saved_page_from_standard_input_with_a_file_url() -> None:
    page = (FIXTURES / "xenforo22_forum_view.html").read_bytes()
    result = runner.invoke(app, ["parse", "--kind", "xenforo", "-"], input=page)
    assert result.exit_code == 0, result.output
    assert [item["thread_id"] for item in lines(result.stdout)] == ["311", "48213", "48190"]


def test_configured_source_gives_selectors_and_timezone(tmp_path: Path) -> None:
    config = tmp_path / "leakwatch.toml"
    config.write_text(
        """
[[sources]]
name = "black-market"
kind = "forum"
engine = "custom"
start_urls = ["https://black.example/forum.php?cat=2"]
timezone = "Europe/Paris"

[sources.options]
date_order = "DMY"

[sources.options.selectors]
rows = "table#sujets tr.sujet"
title = "xpath:./td[1]/a"
url = "xpath:./td[1]/a"
thread_id_pattern = 'sujet=(\\d+)'
last_post_at = "xpath:./td[5]"
"""
    )
    page = FIXTURES / "custom_table_forum.html"
    result = runner.invoke(
        app, ["parse", "--kind", "forum", "--config", str(config), "--source", "black-market",
              str(page)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    items = lines(result.stdout)
    assert [item["thread_id"] for item in items] == ["9", "1204", "1199"]
    assert items[0]["url"] == "https://black.example/lire.php?sujet=9"
    assert items[0]["last_post_at"] == "2026-01-04T18:22:00+00:00"


def test_errors_have_exit_codes(tmp_path: Path) -> None:
    page = FIXTURES / "mybb_default_forumdisplay.html"
    unknown = runner.invoke(app, ["parse", "--kind", "vbulletin", str(page)])
    assert unknown.exit_code == 2 and "mybb" in unknown.output
    empty = runner.invoke(app, ["parse", "--kind", "phpbb", str(page)])
    assert empty.exit_code == 1 and "no item" in empty.output
    no_source = runner.invoke(app, ["parse", "--kind", "forum", str(page)])
    assert no_source.exit_code == 2 and "--source" in no_source.output
    missing = runner.invoke(app, ["parse", "--kind", "mybb", str(tmp_path / "none.html")])
    assert missing.exit_code == 2 and "cannot read" in missing.output


def test_a_category_page_says_it_lists_sub_forums() -> None:
    page = FIXTURES / "phpbb33_category_viewforum.html"
    args = ["parse", "--kind", "phpbb", "--base-url", "https://board.example/", str(page)]
    result = runner.invoke(app, args)
    assert result.exit_code == 1 and result.stdout == ""
    assert "lists sub-forums, not threads" in result.output
    assert "https://board.example/viewforum.php?f=7" in result.output
    # a page that is just not a listing gets no such explanation
    other = runner.invoke(app, ["parse", "--kind", "phpbb", str(FIXTURES / "xenforo_banned.html")])
    assert other.exit_code == 1 and "sub-forums" not in other.output


def test_parse_has_help() -> None:
    result = runner.invoke(app, ["parse", "--help"])
    assert result.exit_code == 0 and "--kind" in result.output


def test_saved_page_without_base_url_uses_its_canonical_link() -> None:
    page = FIXTURES / "phpbb_subsilver2_viewforum.html"
    result = runner.invoke(app, ["parse", "--kind", "phpbb", str(page)])
    assert result.exit_code == 0, result.output
    urls = [item["url"] for item in lines(result.stdout)]
    assert urls == [
        "https://legacy.example/board/viewtopic.php?f=3&t=77",
        "https://legacy.example/board/viewtopic.php?f=3&t=812",
    ]
