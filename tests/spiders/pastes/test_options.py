"""Paste options: documented defaults, typos refused at load, the listing layout checked."""

from __future__ import annotations

from pathlib import Path

import pytest

from spiders.pastes.options import PasteOptions
from spiders.pastes.parsers import ArchiveLayout
from spiders.pastes.spider import PasteSiteSpider
from tests.spiders.config_files import load_error, load_source


def test_defaults_are_the_documented_ones() -> None:
    options = PasteOptions()
    assert (options.max_paste_bytes, options.max_listing_bytes) == (524_288, 4_194_304)
    assert options.raw_url == "{base}/raw/{key}" and options.remember_keys == 5000
    assert options.date_order == "MDY" and options.fetch_raw is True
    assert options.archive_layout() == ArchiveLayout()


def test_a_typo_is_refused_at_load_with_the_closest_option(tmp_path: Path) -> None:
    error = load_error(tmp_path, "paste", "archive", "max_paste_byte = 1000")
    assert "options.max_paste_byte: unknown option for a paste source" in error
    assert "did you mean 'max_paste_bytes'?" in error


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ('raw_url = "{base}/raw/"', "options: options.raw_url needs {key} or {url}"),
        ('key_pattern = "("', "options.key_pattern is not a regular expression"),
        ('selectors = { rowz = "tr" }', "options: unknown selector 'rowz'"),
        ("remember_keys = -1", "options.remember_keys: Input should be greater than 0"),
        ('fetch_raw = "no"', "options.fetch_raw: Input should be a valid boolean"),
    ],
)
def test_bad_values(tmp_path: Path, options: str, message: str) -> None:
    assert message in load_error(tmp_path, "paste", "archive", options)


def test_the_spider_reads_typed_options(tmp_path: Path) -> None:
    settings = load_source(
        tmp_path, "paste", "archive", 'raw_url = "https://raw.example/{key}"\nmax_paste_bytes = 9'
    )
    spider = PasteSiteSpider(source=settings.source("watched"))
    assert spider.options.max_paste_bytes == 9 and spider.layout.raw_url.startswith("https://raw")
    assert "raw.example" in spider.allowed_domains
