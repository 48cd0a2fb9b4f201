"""Feed options: documented defaults and typos refused at load with a suggestion."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.core.config import SourceConfig
from crawler.core.errors import ConfigError
from spiders.feeds.options import FeedOptions
from spiders.feeds.spider import FeedSpider
from tests.spiders.config_files import load_error, load_source


def test_defaults_are_the_documented_ones() -> None:
    options = FeedOptions()
    assert options.max_age_days is None and options.max_feed_bytes == 33_554_432
    assert options.conditional_requests is True and options.allowed_domains == []


def test_a_typo_is_refused_at_load_with_the_closest_option(tmp_path: Path) -> None:
    error = load_error(tmp_path, "feed", "rss", "max_age = 30")
    assert "options.max_age: unknown option for a feed source; did you mean 'max_age_days'?" in (
        error
    )


def test_bad_values(tmp_path: Path) -> None:
    assert "options.max_age_days: Input should be greater than 0" in load_error(
        tmp_path, "feed", "rss", "max_age_days = 0"
    )
    assert "options.max_feed_bytes: Input should be a valid integer" in load_error(
        tmp_path, "feed", "rss", "max_feed_bytes = 1.5"
    )


def test_the_spider_reads_typed_options(tmp_path: Path) -> None:
    settings = load_source(
        tmp_path, "feed", "ransomwatch", "max_age_days = 14\nconditional_requests = false"
    )
    spider = FeedSpider(source=settings.source("watched"))
    assert spider.options.max_age_days == 14 and not spider.options.conditional_requests


def test_group_page_url_must_be_a_url_template() -> None:
    def feed(options: dict[str, object]) -> SourceConfig:
        return SourceConfig(name="f", kind="feed", engine="ransomlive",
                            start_urls=["https://t.example/v"], options=options)  # fmt: skip

    assert FeedOptions.of(feed({"group_page_url": ""})).group_page_url == ""
    assert FeedOptions.of(feed({"group_page_url": "https://t.example/g/{group}"})).group_page_url
    for bad in ("https://t.example/groups", "javascript:{group}"):
        with pytest.raises(ConfigError, match="group_page_url"):
            FeedOptions.of(feed({"group_page_url": bad}))
