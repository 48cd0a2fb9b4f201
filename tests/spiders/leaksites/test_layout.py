"""Leak-site layouts: bundled files, user files, inline options, and one clear error per mistake."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from crawler.core.config import SourceConfig
from crawler.core.errors import ConfigError
from spiders.leaksites.layout import (
    bundled_layout,
    bundled_layout_names,
    layout_for_source,
)
from spiders.leaksites.spider import LeakSiteSpider

LAYOUTS = Path(__file__).parents[3] / "spiders" / "leaksites" / "layouts"
GOOD = {"group": "mygroup", "post": "div.card", "fields": {"post_title": "h3"}}


def source(**options: Any) -> SourceConfig:
    return SourceConfig(
        name="leaks",
        kind="leaksite",
        engine="generic",
        start_urls=["http://127.0.0.1:9/"],
        options=options,
    )


def error_of(**options: Any) -> str:
    with pytest.raises(ConfigError) as caught:
        layout_for_source(source(**options))
    return str(caught.value)


def test_bundled_layouts_load() -> None:
    assert bundled_layout_names() == sorted(path.stem for path in LAYOUTS.glob("*.yaml"))
    assert len(bundled_layout_names()) == 21
    assert bundled_layout("play").group == "play"
    assert bundled_layout("lockbit3").post == ("a.post-block", "div.post-block")
    assert layout_for_source(source(layout="play")).pagination is not None


def test_inline_keys_override_a_bundled_layout() -> None:
    layout = layout_for_source(
        source(layout="play", group="play-mirror", fields={"description": ".info"})
    )
    assert layout.group == "play-mirror"
    assert layout.fields.description[0].selector == (".info",)
    assert layout.fields.website  # kept from the bundled layout
    assert layout.pagination == bundled_layout("play").pagination


def test_layout_file_yaml_and_toml(tmp_path: Path) -> None:
    yaml_file = tmp_path / "mygroup.yaml"
    yaml_file.write_text(
        "group: mygroup\npost: div.card\nfields:\n  post_title: h3\n"
        "  website: {selector: p, regex: 'Website: (\\S+)'}\n"
    )
    toml_file = tmp_path / "mygroup.toml"
    toml_file.write_text('group = "other"\npost = "li"\n[fields]\npost_title = "b"\n')
    from_yaml = layout_for_source(source(layout_file=str(yaml_file)))
    assert from_yaml.fields.website[0].regex == "Website: (\\S+)"
    assert layout_for_source(source(layout_file=str(toml_file))).group == "other"


def test_inline_layout_needs_no_file() -> None:
    assert layout_for_source(source(**GOOD)).post == ("div.card",)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({}, "options: a leaksite source needs 'layout' (one of 8base, alphv, bianlian,"),
        ({"layout": "conti"}, "no bundled layout named 'conti' (known: 8base, alphv, bianlian,"),
        ({"layout": "play", "layout_file": "x.yaml"}, "give 'layout' (bundled) or 'layout_file'"),
        (
            {**GOOD, "fileds": {}},
            "options.fileds: unknown option for a leaksite source; did you mean 'fields'?",
        ),
        ({**GOOD, "fields": {}}, "options: fields.post_title: required key is missing"),
        ({**GOOD, "fields": {"post_title": "h3", "victim": "b"}}, "fields.victim: unknown key"),
        ({**GOOD, "post": "div..card"}, "post: invalid CSS selector 'div..card'"),
        (
            {**GOOD, "fields": {"post_title": {"xpath": "./td[", "regex": "x"}}},
            "fields.post_title[0].xpath: invalid XPath selector './td['",
        ),
        (
            {**GOOD, "fields": {"post_title": ["h3", {"selector": "p", "regex": "(unclosed"}]}},
            "fields.post_title[1].regex: invalid regular expression '(unclosed'",
        ),
        (
            {**GOOD, "fields": {"post_title": "h3", "post_url": {"template": "/v.php?id="}}},
            "fields.post_url[0].template: a template needs a {} placeholder",
        ),
        (
            {**GOOD, "fields": {"post_title": {"selector": "h3", "regx": "x"}}},
            "fields.post_title[0].regx: unknown key",
        ),
        ({**GOOD, "pagination": {"max_pages": 3}}, "pagination: give exactly one of 'next'"),
        (
            {**GOOD, "pagination": {"next": "a.next", "pattern": "?p={page}"}},
            "pagination: give exactly one of 'next'",
        ),
        ({**GOOD, "pagination": {"pattern": "?p=2"}}, "pagination.pattern: a pagination pattern"),
        ({**GOOD, "detail": {"link": "a"}}, "detail.fields: required key is missing"),
        ({**GOOD, "timezone": "Mars/Olympus"}, "timezone: unknown timezone: 'Mars/Olympus'"),
        ({**GOOD, "date_order": "DYM"}, "date_order: Input should be 'MDY', 'DMY' or 'YMD'"),
        ({**GOOD, "group": ""}, "group: String should have at least 1 character"),
    ],
)
def test_bad_layouts_give_one_clear_message(options: dict[str, Any], message: str) -> None:
    error = error_of(**options)
    assert message in error
    assert error.startswith("sources[leaks].options")
    assert "\n" not in error


def test_layout_file_errors_name_the_file(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("group: x\npost: [div\n")
    assert f"{broken}: invalid yaml" in error_of(layout_file=str(broken))
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("group: x\npost: li\nfields:\n  title: b\n")
    error = error_of(layout_file=str(wrong))
    assert str(wrong) in error and "fields.post_title: required key is missing" in error
    assert "cannot read layout file" in error_of(layout_file=str(tmp_path / "none.yaml"))
    listed = tmp_path / "list.yaml"
    listed.write_text("- group: x\n")
    assert "holds a table of keys" in error_of(layout_file=str(listed))


def test_spider_refuses_bad_options() -> None:
    with pytest.raises(ConfigError, match=r"options\.mirrors: Input should be a valid boolean"):
        LeakSiteSpider(source=source(layout="play", mirrors="yes"))
    with pytest.raises(ConfigError, match=r"options\.layout: Input should be a valid string"):
        LeakSiteSpider(source=source(layout=3))
    spider = LeakSiteSpider(source=source(layout="lockbit3", fetch_details=False))
    assert spider.layout.group == "lockbit3" and not spider.fetch_details
