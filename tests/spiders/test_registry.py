"""The registry is the one list of families: the loader checks kinds, engines and options by
family, Scrapy finds each family's spider, and every product entry point loads through it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from scrapy.crawler import CrawlerProcess

from crawler.core.config import SourceConfig
from crawler.core.errors import ConfigError
from crawler.runtime.crawl import project_settings
from spiders.family import Family
from spiders.registry import FAMILIES, KINDS, PARSERS, check_source, family_of
from tests.spiders.config_files import load_error, load_source

ROOT = Path(__file__).parents[2]


def test_families_in_order_with_their_engines() -> None:
    assert KINDS == ("forum", "telegram", "paste", "leaksite", "feed")
    assert {family.kind: family.engines for family in FAMILIES} == {
        "forum": ("mybb", "xenforo", "phpbb", "custom"),
        "telegram": ("preview",),
        "paste": ("archive", "pastebin_api"),
        "feed": ("rss", "ransomwatch", "ransomlive"),
        "leaksite": ("generic",),
    }
    assert list(PARSERS) == [
        "mybb", "xenforo", "phpbb", "forum", "telegram", "archive", "pastebin_api", "paste",
        "leaksite", "rss", "ransomwatch", "ransomlive", "feed",
    ]  # fmt: skip


def test_scrapy_finds_each_family_spider_by_its_kind() -> None:
    loader = CrawlerProcess(project_settings()).spider_loader
    for family in FAMILIES:
        assert family.spider.name == family.kind
        assert loader.load(family.kind) is family.spider


def test_unknown_kind_and_engine_are_refused_at_load(tmp_path: Path) -> None:
    assert load_error(tmp_path, "irc", "any").endswith(
        "sources[watched].kind: unknown kind 'irc' (known: forum, telegram, paste, leaksite, feed)"
    )
    assert load_error(tmp_path, "forum", "vbulletin").endswith(
        "sources[watched].engine: engine 'vbulletin' is not one of mybb, xenforo, phpbb, custom "
        "for kind 'forum'"
    )


@pytest.mark.parametrize("family", FAMILIES, ids=lambda family: family.kind)
def test_every_family_refuses_an_unknown_option_at_load(tmp_path: Path, family: Family) -> None:
    error = load_error(tmp_path, family.kind, family.engines[0], "colour = 1")
    allowed = ", ".join(sorted(family.options.model_fields))
    assert error.endswith(
        f"sources[watched].options.colour: unknown option for a {family.kind} source; "
        f"allowed: {allowed}"
    )


def test_check_source_returns_the_typed_options(tmp_path: Path) -> None:
    settings = load_source(tmp_path, "telegram", "preview", "depth = 3")
    options = check_source(settings.source("watched"))
    assert options == family_of("telegram").options(depth=3)
    unchecked = SourceConfig(name="x", kind="feed", engine="atom", start_urls=["http://h/"])
    with pytest.raises(ConfigError, match=r"sources\[x\]\.engine: engine 'atom'"):
        check_source(unchecked)


def test_every_family_option_is_documented() -> None:
    docs = {"forum": "forums", "telegram": "telegram", "paste": "pastes", "feed": "feeds",
            "leaksite": "leaksites"}  # fmt: skip
    for family in FAMILIES:
        text = (ROOT / "docs" / f"{docs[family.kind]}.md").read_text(encoding="utf-8")
        options = text.split("## Options (`[sources.options]`)", 1)[1]
        missing = [name for name in family.options.model_fields if f"`{name}`" not in options]
        assert not missing, f"undocumented {family.kind} options: {missing}"


def test_the_product_loads_its_configuration_through_the_registry() -> None:
    # crawler.core.config.load_config checks no family; spiders/base.py is the one exception
    # (a spider started by name checks its own options right after).
    callers = {
        str(path.relative_to(ROOT))
        for package in ("crawler", "spiders", "alerts", "db")
        for path in (ROOT / package).rglob("*.py")
        if re.search(r"\bload_config\(", path.read_text(encoding="utf-8"))
    }
    assert callers == {"crawler/core/config.py", "spiders/registry.py", "spiders/base.py"}
