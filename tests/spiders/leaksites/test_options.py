"""Leak-site options: documented defaults, typos refused at load, inline layout keys kept."""

from __future__ import annotations

from pathlib import Path

from crawler.core.config import SourceConfig
from spiders.leaksites.options import LeakSiteOptions
from spiders.leaksites.spider import LeakSiteSpider
from tests.spiders.config_files import load_error, load_source


def test_defaults_are_the_documented_ones() -> None:
    options = LeakSiteOptions()
    assert options.layout is None and options.layout_file is None
    assert (options.mirrors, options.fetch_details) == (False, True)
    assert (options.max_details, options.max_page_bytes) == (25, 8_388_608)
    assert options.inline_layout() == {}


def test_a_typo_is_refused_at_load_with_the_closest_option(tmp_path: Path) -> None:
    error = load_error(tmp_path, "leaksite", "generic", 'layout = "play"\nmirror = true')
    assert "options.mirror: unknown option for a leaksite source; did you mean 'mirrors'?" in error
    assert "allowed: date_order, detail, fetch_details, fields, group, layout, layout_file" in error


def test_bad_values(tmp_path: Path) -> None:
    assert "options: give 'layout' (bundled) or 'layout_file', not both" in load_error(
        tmp_path, "leaksite", "generic", 'layout = "play"\nlayout_file = "x.yaml"'
    )
    assert "options.post: expected a selector or a list of selectors" in load_error(
        tmp_path, "leaksite", "generic", "post = 3"
    )
    assert "options.max_details: Input should be greater than or equal to 0" in load_error(
        tmp_path, "leaksite", "generic", 'layout = "play"\nmax_details = -1'
    )


def test_inline_layout_keys_are_kept_as_written(tmp_path: Path) -> None:
    settings = load_source(
        tmp_path, "leaksite", "generic",
        'layout = "lockbit3"\ngroup = "lockbit3-mirror"\n'
        'fields = { description = ".post-block-text p" }\nmax_details = 3',
    )  # fmt: skip
    source = settings.source("watched")
    options = LeakSiteOptions.of(source)
    assert options.inline_layout() == {
        "group": "lockbit3-mirror",
        "fields": {"description": ".post-block-text p"},
    }
    spider = LeakSiteSpider(source=source)
    assert spider.layout.group == "lockbit3-mirror" and spider.options.max_details == 3


def test_a_layout_file_option_is_relative_to_the_config_file(tmp_path: Path) -> None:
    settings = load_source(tmp_path, "leaksite", "generic", 'layout_file = "layouts/x.yaml"')
    source: SourceConfig = settings.source("watched")
    assert LeakSiteOptions.of(source).layout_file == str(tmp_path / "layouts" / "x.yaml")
