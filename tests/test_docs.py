"""The configuration reference documents every key the settings accept."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from crawler.core.config import (
    ChannelConfig,
    RetentionConfig,
    RouteConfig,
    Settings,
    SourceConfig,
    WatchlistConfig,
    WebConfig,
)
from spiders.registry import load_settings

DOC = (Path(__file__).parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "model",
    [
        Settings,
        SourceConfig,
        ChannelConfig,
        RouteConfig,
        WebConfig,
        WatchlistConfig,
        RetentionConfig,
    ],
)
def test_every_setting_is_documented(model: type[BaseModel]) -> None:
    missing = [name for name in model.model_fields if f"`{name}`" not in DOC]
    assert not missing, f"undocumented {model.__name__} keys: {missing}"


def test_example_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKWATCH_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/slack")
    monkeypatch.setenv("LEAKWATCH_WEB_SECRET", "s" * 32)
    settings = load_settings(Path(__file__).parents[1] / "leakwatch.example.toml")
    assert settings.sources


def test_leaksite_worked_example_prints_what_the_docs_show(tmp_path: Path) -> None:
    import json
    import re

    from typer.testing import CliRunner

    from crawler.cli import app

    doc = (Path(__file__).parents[1] / "docs" / "leaksites.md").read_text(encoding="utf-8")
    example = doc[doc.index("### Worked example") :]
    blocks = dict(re.findall(r"```(html|yaml|console)\n(.*?)```", example, re.DOTALL))
    (tmp_path / "page.html").write_text(blocks["html"], encoding="utf-8")
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "mygroup.yaml").write_text(blocks["yaml"], encoding="utf-8")
    command, *shown = blocks["console"].strip().splitlines()
    arguments = command.removeprefix("$ leakwatch ").split()
    arguments = [str(tmp_path / a) if a.endswith((".html", ".yaml")) else a for a in arguments]
    result = CliRunner().invoke(app, arguments)
    assert result.exit_code == 0, result.output
    printed = [json.loads(line) for line in result.stdout.splitlines()]
    expected = [json.loads(line) for line in shown]
    assert printed[0]["published"] is not None  # now plus the countdown: "…" in the docs
    printed[0]["published"] = expected[0]["published"] = "…"
    assert printed == expected
