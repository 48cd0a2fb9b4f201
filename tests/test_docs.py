"""The configuration reference documents every key the settings accept."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel

from crawler.core.config import (
    ChannelConfig,
    RouteConfig,
    Settings,
    SourceConfig,
    WatchlistConfig,
    WebConfig,
    load_config,
)

DOC = (Path(__file__).parents[1] / "docs" / "configuration.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "model", [Settings, SourceConfig, ChannelConfig, RouteConfig, WebConfig, WatchlistConfig]
)
def test_every_setting_is_documented(model: type[BaseModel]) -> None:
    missing = [name for name in model.model_fields if f"`{name}`" not in DOC]
    assert not missing, f"undocumented {model.__name__} keys: {missing}"


def test_example_config_is_valid(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LEAKWATCH_SLACK_WEBHOOK_URL", "http://127.0.0.1:9/slack")
    monkeypatch.setenv("LEAKWATCH_WEB_SECRET", "s" * 32)
    settings = load_config(Path(__file__).parents[1] / "leakwatch.example.toml")
    assert settings.sources
