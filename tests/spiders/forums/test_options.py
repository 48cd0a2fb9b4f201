"""Forum options: documented defaults, typos refused at load with a suggestion, selector tables
checked against the engine."""

from __future__ import annotations

from pathlib import Path

import pytest

from crawler.core.config import SourceConfig
from crawler.core.errors import ConfigError
from spiders.forums.options import ForumOptions
from spiders.forums.spider import ForumSpider
from tests.spiders.config_files import load_error, load_source


def test_defaults_are_the_documented_ones() -> None:
    options = ForumOptions()
    assert options.fetch_first_post is False and options.date_order == "MDY"
    assert options.max_page_bytes == 4_194_304 and options.selectors == {}
    assert options.allowed_domains == [] and options.cookies is None


@pytest.mark.parametrize(
    ("typo", "meant"), [("fetch_frist_post", "fetch_first_post"), ("date_ordre", "date_order")]
)
def test_a_typo_is_refused_at_load_with_the_closest_option(
    tmp_path: Path, typo: str, meant: str
) -> None:
    error = load_error(tmp_path, "forum", "mybb", f"{typo} = true")
    assert f"sources[watched].options.{typo}: unknown option for a forum source" in error
    assert f"did you mean '{meant}'?" in error
    assert "allowed: allowed_domains, base_engine, cookies, cookies_env, cookies_file" in error


@pytest.mark.parametrize(
    ("engine", "options", "message"),
    [
        ("mybb", 'date_order = "DYM"', "options.date_order: Input should be 'MDY', 'DMY' or 'YMD'"),
        ("mybb", "fetch_first_post = 1", "options.fetch_first_post: Input should be a valid bool"),
        ("mybb", "max_page_bytes = 0", "options.max_page_bytes: Input should be greater than 0"),
        ("mybb", 'username_env = "U"', "options: give both username_env and password_env"),
        ("mybb", "cookies = 3", "options.cookies: expected a table"),
        ("mybb", 'selectors = { titel = "a" }', "options: unknown selector 'titel'"),
        ("custom", 'selectors = { title = "a" }', "a custom forum needs options.selectors.rows"),
        ("custom", 'base_engine = "vbulletin"', "options.base_engine: Input should be 'mybb'"),
        ("phpbb", 'selectors = { rows = "tr[" }', "options: invalid rows selector 'tr['"),
    ],
)
def test_bad_values_name_the_source_and_the_option(
    tmp_path: Path, engine: str, options: str, message: str
) -> None:
    assert message in load_error(tmp_path, "forum", engine, options)


def test_good_options_load_and_the_spider_reads_them_typed(tmp_path: Path) -> None:
    settings = load_source(
        tmp_path, "forum", "custom",
        'fetch_first_post = true\ndate_order = "DMY"\nbase_engine = "mybb"\n'
        'allowed_domains = ["cdn.example"]\ncookies = "sid=1"\n'
        'selectors = { author = ".who" }',
    )  # fmt: skip
    spider = ForumSpider(source=settings.source("watched"))
    assert spider.options.fetch_first_post and spider.options.date_order == "DMY"
    assert spider.layout.author == (".who",)
    assert spider.allowed_domains == ["cdn.example", "site.example"]


def test_a_spider_given_a_source_directly_checks_its_options() -> None:
    source = SourceConfig(
        name="direct", kind="forum", engine="mybb", start_urls=["https://f.example/"],
        options={"fetch_frist_post": True},
    )  # fmt: skip
    with pytest.raises(ConfigError, match=r"sources\[direct\]\.options\.fetch_frist_post"):
        ForumSpider(source=source)
