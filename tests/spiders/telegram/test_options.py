"""Telegram options: documented defaults and typos refused at load with a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.core.errors import ConfigError
from spiders.registry import load_settings
from spiders.telegram.options import TelegramOptions
from spiders.telegram.spider import TelegramPreviewSpider
from tests.spiders.config_files import load_error, load_source


def test_defaults_are_the_documented_ones() -> None:
    assert TelegramOptions() == TelegramOptions(depth=5, allowed_domains=[])


def test_a_typo_is_refused_at_load_with_the_closest_option(tmp_path: Path) -> None:
    error = load_error(tmp_path, "telegram", "preview", "dept = 3")
    assert error.endswith(
        "sources[watched].options.dept: unknown option for a telegram source; "
        "did you mean 'depth'? allowed: allowed_domains, depth"
    )


def test_bad_values(tmp_path: Path) -> None:
    assert "options.depth: Input should be greater than or equal to 1" in load_error(
        tmp_path, "telegram", "preview", "depth = 0"
    )
    assert "options.depth: Input should be a valid integer" in load_error(
        tmp_path, "telegram", "preview", "depth = true"
    )
    assert "options.allowed_domains: Input should be a valid list" in load_error(
        tmp_path, "telegram", "preview", 'allowed_domains = "x.example"'
    )


def test_the_spider_reads_typed_options(tmp_path: Path) -> None:
    settings = load_source(tmp_path, "telegram", "preview", "depth = 2")
    source = settings.source("watched").model_copy(
        update={"start_urls": ["https://t.me/s/leakmarket"]}
    )
    spider = TelegramPreviewSpider(source=source)
    assert spider.options.depth == 2 and "telegram.me" in spider.allowed_domains


CHANNEL_URLS = [
    "https://t.me/s/durov",
    "https://t.me/s/durov?before=519",
    "https://t.me/Durov",
    "https://t.me/durov/519",
    "https://t.me//s//durov/",
    "https://mirror.example/tg/s/leaks_fr",
    "http://127.0.0.1:8000/s/leakmarketfr",
]
NOT_CHANNEL_URLS = [
    "https://t.me/",
    "https://t.me/s/",
    "https://t.me/s/ab",
    "https://t.me/joinchat/AbCdEf",
    "https://t.me/durov/519/extra",
    "https://t.me/xs/durov",
    "https://t.me/s/9lives",
    "file:///s/durov",
]


def _with_start_url(tmp_path: Path, url: str) -> Path:
    path = tmp_path / "leakwatch.toml"
    path.write_text(
        f'database_url = "sqlite:///{tmp_path / "lw.db"}"\n'
        '[[sources]]\nname = "watched"\nkind = "telegram"\nengine = "preview"\n'
        f'start_urls = ["https://t.me/s/leaksfr", "{url}"]\n',
        encoding="utf-8",
    )
    return path


@pytest.mark.parametrize("url", CHANNEL_URLS)
def test_start_urls_naming_a_channel_load(tmp_path: Path, url: str) -> None:
    settings = load_settings(_with_start_url(tmp_path, url))
    assert settings.source("watched").start_urls[1] == url
    TelegramPreviewSpider(source=settings.source("watched"))  # the spider reads them alike


@pytest.mark.parametrize("url", NOT_CHANNEL_URLS)
def test_a_start_url_naming_no_channel_is_refused_at_load(tmp_path: Path, url: str) -> None:
    path = _with_start_url(tmp_path, url)
    with pytest.raises(ConfigError) as caught:
        load_settings(path)
    assert str(caught.value) == (
        f"{path}: sources[watched].start_urls: {url!r} is not a Telegram channel URL such as "
        "https://t.me/s/<channel>"
    )
