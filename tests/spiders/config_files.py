"""Configuration files with one source, loaded the way the product loads them."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.core.config import Settings
from crawler.core.errors import ConfigError
from spiders.registry import load_settings


def write_source(tmp_path: Path, kind: str, engine: str, options: str = "") -> Path:
    """A ``leakwatch.toml`` holding one source called ``watched`` with ``options`` (TOML lines
    of its ``[sources.options]`` table)."""
    path = tmp_path / "leakwatch.toml"
    url = "https://t.me/s/watched" if kind == "telegram" else "https://site.example/"
    path.write_text(
        f'database_url = "sqlite:///{tmp_path / "lw.db"}"\n'
        f'[[sources]]\nname = "watched"\nkind = "{kind}"\nengine = "{engine}"\n'
        f'start_urls = ["{url}"]\n[sources.options]\n{options}\n',
        encoding="utf-8",
    )
    return path


def load_source(tmp_path: Path, kind: str, engine: str, options: str = "") -> Settings:
    """The settings of a one-source configuration, loaded by the registry."""
    return load_settings(write_source(tmp_path, kind, engine, options))


def load_error(tmp_path: Path, kind: str, engine: str, options: str = "") -> str:
    """The one-line error the registry's loader gives for a one-source configuration."""
    path = write_source(tmp_path, kind, engine, options)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: sources[watched]") and "\n" not in message
    return message
