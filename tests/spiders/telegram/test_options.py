"""Telegram options: documented defaults and typos refused at load with a suggestion."""

from __future__ import annotations

from pathlib import Path

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
