"""Leak-site parsers on saved pages (LockBit 3.0, Play) and on small pages for each rule."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from crawler.cli import app
from crawler.core.file_links import FILE_HOSTS
from spiders.leaksites.items import LeakSitePost, leak_site_post_id
from spiders.leaksites.layout import LeakSiteLayout, bundled_layout
from spiders.leaksites.parsers import (
    parse_leak_detail,
    parse_leak_listing,
    parse_leak_page,
    pattern_page_url,
)
from spiders.leaksites.values import countdown_end, country_code, refused_link
from spiders.registry import PARSERS

FIXTURES = Path(__file__).parents[2] / "fixtures" / "leaksite"
NOW = datetime(2024, 10, 4, 12, 0, tzinfo=UTC)
SITE = "http://leaks.example.onion/"


@cache
def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


@cache
def lockbit_posts(site: str = SITE) -> list[LeakSitePost]:
    return parse_leak_listing(fixture("LockBit3.0.html"), site, bundled_layout("lockbit3"), NOW)


def layout(**keys: Any) -> LeakSiteLayout:
    return LeakSiteLayout.model_validate({"group": "testgroup", **keys})


# --- saved pages -------------------------------------------------------------------------------


def test_play_page_gives_every_victim() -> None:
    html = fixture("Play.html")
    markup_count = len(re.findall(r'class="News"', html))
    page = parse_leak_page(html, SITE, bundled_layout("play"), NOW)
    assert markup_count == 24
    assert len(page.posts) == 24
    posts = page.items
    assert [p.post_title for p in posts[:3]] == [
        "Garvey",
        "Classic Business Products",
        "The Rubber Resources",
    ]
    assert posts[-1].post_title == "Rsp"
    first = posts[0]
    assert first.group_name == "play"
    assert first.country == "US" and first.website == "www.garveyscarpet.com"
    assert first.discovered == datetime(2024, 9, 29, tzinfo=UTC)
    assert first.published == datetime(2024, 10, 3, tzinfo=UTC)
    assert first.post_url == "http://leaks.example.onion/topic.php?id=S273ha2QYEhIN7"
    assert posts[-1].country == "CA" and posts[-1].website == "www.rsp.ca"
    assert all(p.country and p.website and p.discovered and p.published for p in posts)
    assert len({leak_site_post_id(p) for p in posts}) == 24
    # the pager: goto_page('1') … goto_page('40'); pages are built from the pattern
    assert page.last_page == 40 and page.next_url is None
    pagination = bundled_layout("play").pagination
    assert pagination is not None
    assert pattern_page_url(SITE, pagination, 2) == "http://leaks.example.onion/index.php?page=2"
    assert [p.detail_url for p in page.posts[:1]] == [first.post_url]


def test_lockbit_page_gives_every_victim() -> None:
    html = fixture("LockBit3.0.html")
    markup_count = len(re.findall(r'class="post-block (?:good|bad)"', html))
    posts = lockbit_posts()
    assert markup_count == 463
    assert len(posts) == 463
    titles = Counter(p.post_title for p in posts)
    assert len(titles) == 452 and titles["bridgestoneamericas.com"] == 2
    assert len({leak_site_post_id(p) for p in posts}) == 463  # reposts have their own URL
    first = posts[0]
    assert first.post_title == "kumhotire.com" and first.website == "kumhotire.com"
    assert first.post_url == "http://leaks.example.onion/post/oeOilJIVrKr8BNXj66f42b53e3087"
    assert first.description.startswith("Kumho Tire (formerly known as Samyang Tire)")
    assert first.discovered == datetime(2024, 10, 4, 11, 54, tzinfo=UTC)  # "Updated:"
    assert first.published == datetime(2024, 10, 8, 12, 54, 49, tzinfo=UTC)  # data-timer
    countdowns = [p for p in posts if p.published != p.discovered]
    assert len(countdowns) == 4 == html.count("data-timer=")
    assert all(p.published and p.discovered and p.published > p.discovered for p in countdowns)
    assert all(p.discovered and p.post_url for p in posts)
    assert {p.post_title for p in posts if not p.description} == {"iitm.ac.in", "itss.com.tr"}
    assert posts[-1].post_title == "fbi.gov"


def test_lockbit_posts_store_under_host_independent_ids() -> None:
    posts = lockbit_posts()
    mirror = lockbit_posts("http://mirror2.example.onion/")
    record = posts[0].to_post_record()
    assert record.external_id == "lockbit3:/post/oeOilJIVrKr8BNXj66f42b53e3087"
    assert record.group_name == "lockbit3" and record.author is None
    assert record.posted_at == posts[0].discovered and record.activity_at == posts[0].published
    assert record.extra["published"] == "2024-10-08T12:54:49+00:00"
    assert [leak_site_post_id(p) for p in posts] == [leak_site_post_id(p) for p in mirror]


# --- field rules -------------------------------------------------------------------------------

CARDS = """<html><head><base href="/victims/"></head><body>
<div class="card" data-id="41">
  <h3 class="card-title"> Clinique  du Lac </h3>
  <p class="info">Website: www.clinique-du-lac.fr<br>Country: FR<br>
     publication date: 2024-11-20</p>
  <span class="when">2024-11-20 10:00:00</span>
  <a class="more" href="view/41">Read more</a>
  <a class="dl" href="https://gofile.io/d/abc">files</a>
</div>
<div class="card" data-id="42">
  <h3 class="card-title">Northwind Freight</h3>
  <p class="info">Site: northwind.example<br>Pays : États-Unis</p>
  <span class="when">20 Nov, 2024</span><span class="timer">2d 11h 04m</span>
  <a class="more" href="https://mega.nz/folder/x">Read more</a>
</div>
<div class="card" data-id="43">
  <h3 class="card-title">Bergmann GmbH</h3>
  <p class="info">🇩🇪</p>
  <span class="when">3 days ago</span>
  <a class="more" href="/archives/bergmann.zip">Read more</a>
</div>
<div class="card"><p>sponsored banner without a title</p></div>
<a class="next" href="?page=2">Next</a>
</body></html>"""


def cards_layout(**extra: Any) -> LeakSiteLayout:
    return layout(
        post="div.card",
        fields={
            "post_title": "h3.card-title",
            "website": [
                {"selector": "p.info", "regex": r"website:\s*(\S+)"},
                {"selector": "p.info", "regex": r"site:\s*(?P<value>\S+)"},
            ],
            "country": [
                {"selector": "p.info", "regex": r"(?:country|pays)\s*:\s*(.+)$"},
                "p.info",
            ],
            "published": [
                {"regex": r"publication date:\s*(\S+)"},
                {"selector": ".timer", "countdown": True},
            ],
            "discovered": "span.when",
            "post_url": {"selector": "@data-id", "template": "/victim.php?id={}"},
        },
        pagination={"next": "a.next::attr(href)"},
        detail={"link": "a.more::attr(href)", "fields": {"description": "#about"}},
        **extra,
    )


def test_selectors_regex_templates_and_dates() -> None:
    page = parse_leak_page(CARDS, "https://leaks.example/list", cards_layout(), NOW)
    lac, northwind, bergmann = page.items
    assert lac.post_title == "Clinique du Lac"
    assert lac.website == "www.clinique-du-lac.fr" and lac.country == "FR"
    assert lac.published == datetime(2024, 11, 20, tzinfo=UTC)
    assert lac.discovered == datetime(2024, 11, 20, 10, 0, tzinfo=UTC)
    assert lac.post_url == "https://leaks.example/victim.php?id=41"
    assert northwind.website == "northwind.example" and northwind.country == "US"
    assert northwind.discovered == datetime(2024, 11, 20, tzinfo=UTC)
    assert northwind.published == NOW + timedelta(days=2, hours=11, minutes=4)
    assert bergmann.country == "DE" and bergmann.website is None
    assert bergmann.discovered == NOW - timedelta(days=3) and bergmann.published is None
    assert page.next_url == "https://leaks.example/victims/?page=2"


def test_victim_page_links_never_reach_file_hosts_or_downloads() -> None:
    page = parse_leak_page(CARDS, "https://leaks.example/list", cards_layout(), NOW)
    lac, northwind, bergmann = page.posts
    assert lac.detail_url == "https://leaks.example/victims/view/41" and lac.refused_detail is None
    assert northwind.refused_detail == (
        "link to the file host mega.nz refused: https://mega.nz/folder/x"
    )
    assert bergmann.refused_detail == (
        "link to a .zip file refused: https://leaks.example/archives/bergmann.zip"
    )


def test_victim_page_fills_fields() -> None:
    post = parse_leak_listing(CARDS, "https://leaks.example/list", cards_layout(), NOW)[0]
    detail = """<html><body><div id="about">Private clinic.<br>Patients: 40k records.</div>
    </body></html>"""
    url = "https://leaks.example/victims/view/41"
    filled = parse_leak_detail(detail, url, post, cards_layout(), NOW)
    assert filled.description == "Private clinic.\nPatients: 40k records."
    assert filled.website == post.website and filled.post_title == post.post_title
    empty = parse_leak_detail("<html><body></body></html>", url, post, cards_layout(), NOW)
    assert empty == post


def test_xpath_attributes_join_and_defaults() -> None:
    html = """<table><tr class="row"><td><a href="/p/1" title="Acme SA">Acme</a></td>
      <td><ul><li>Lyon</li><li>France</li></ul></td><td></td></tr>
      <tr class="row"><td><a href="/p/2" title="Beta">Beta</a></td><td></td><td></td></tr>
    </table>"""
    rules = layout(
        post="xpath://tr[has-class('row')]",
        fields={
            "post_title": "xpath:./td[1]/a/@title",
            "post_url": "td a",
            "description": {"css": "li", "join": ", "},
            "country": {"xpath": "./td[2]//li[last()]", "default": "unknown"},
        },
    )
    acme, beta = parse_leak_listing(html, "https://x.example/list", rules, NOW)
    assert acme.post_title == "Acme SA" and acme.post_url == "https://x.example/p/1"
    assert acme.description == "Lyon, France" and acme.country == "FR"
    assert beta.country == "unknown" and beta.description == ""


def test_shared_post_url_is_dropped_and_duplicates_collapse() -> None:
    html = """<div class="v"><b>Alpha</b><a href="#">more</a></div>
      <div class="v"><b>Beta</b><a href="/same">more</a></div>
      <div class="v"><b>Gamma</b><a href="/same">more</a></div>
      <div class="v"><b>Alpha</b><a href="#">more</a></div>"""
    rules = layout(post="div.v", fields={"post_title": "b", "post_url": "a", "description": "i"})
    posts = parse_leak_listing(html, "https://x.example/", rules, NOW)
    assert [(p.post_title, p.post_url) for p in posts] == [
        ("Alpha", None),  # "#" is the page itself; the exact repeat is dropped
        ("Beta", None),
        ("Gamma", None),
    ]
    html = html.replace('<b>Alpha</b><a href="#">more</a></div>', "<b>Alpha</b><i>2</i></div>", 1)
    assert [p.post_title for p in parse_leak_listing(html, "https://x.example/", rules)] == [
        "Alpha",
        "Beta",
        "Gamma",
        "Alpha",  # same title, other content: a repost, kept (stored under one id)
    ]


def test_pattern_pages_and_date_formats() -> None:
    rules = layout(
        post="li",
        fields={"post_title": "b", "published": {"selector": "i", "date_formats": "%d/%m/%y"}},
        pagination={"pattern": "/leaks/{page}/", "first": 1, "step": 1},
    )
    html = "<ul><li><b>A</b><i>05/03/24</i></li></ul>"
    (post,) = parse_leak_listing(html, "https://x.example/leaks/", rules, NOW)
    assert post.published == datetime(2024, 3, 5, tzinfo=UTC)
    assert rules.pagination is not None
    assert pattern_page_url("https://x.example/leaks/", rules.pagination, 2) == (
        "https://x.example/leaks/1/"
    )


def test_nothing_found_is_an_empty_list() -> None:
    theme = "<html><body>new theme</body></html>"
    assert parse_leak_listing(theme, SITE, bundled_layout("play"), NOW) == []
    assert parse_leak_listing("", SITE, bundled_layout("lockbit3"), NOW) == []


def test_slow_regular_expression_gives_up(caplog: pytest.LogCaptureFixture) -> None:
    rules = layout(post="p", fields={"post_title": {"regex": r"(a|aa)+$"}})
    html = "<p>" + "a" * 60 + "b</p><p>" + "a" * 5 + "</p>"
    posts = parse_leak_listing(html, SITE, rules, NOW)
    assert [post.post_title for post in posts] == ["a"]  # the second victim is still read
    assert "gave up after 0.25 s" in caplog.text


# --- values ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("shown", "code"),
    [
        ("France", "FR"),
        (" fr ", "FR"),
        ("États-Unis", "US"),
        ("USA", "US"),
        ("Texas, United States", "US"),
        ("🇫🇷", "FR"),
        ("United Kingdom", "GB"),
        ("Germany", "DE"),
        ("Atlantis", "Atlantis"),
        ("", None),
    ],
)
def test_country_codes(shown: str, code: str | None) -> None:
    assert country_code(shown) == code


@pytest.mark.parametrize(
    ("shown", "left"),
    [
        ("3 DAYS BEFORE PUBLICATION", timedelta(days=3)),
        ("2d 11h 04m", timedelta(days=2, hours=11, minutes=4)),
        ("02:11:04:10", timedelta(days=2, hours=11, minutes=4, seconds=10)),
        ("5 jours 3 heures", timedelta(days=5, hours=3)),
        ("1 week", timedelta(weeks=1)),
        ("0 D 0 H 0 M 0 S", None),
        ("PUBLISHED FULL", None),
    ],
)
def test_countdowns(shown: str, left: timedelta | None) -> None:
    assert countdown_end(shown, NOW) == (NOW + left if left is not None else None)


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://leaks.example.onion/post/abc", None),
        ("https://mega.nz/file/x", "link to the file host mega.nz refused: https://mega.nz/file/x"),
        (
            "https://store.gofile.io/d/x",
            "link to the file host gofile.io refused: https://store.gofile.io/d/x",
        ),
        (
            "http://leaks.example.onion/files/dump.7z",
            "link to a .7z file refused: http://leaks.example.onion/files/dump.7z",
        ),
        ("http://leaks.example.onion/files/tree.txt", "download link: tree.txt"),
        ("http://leaks.example.onion/files/list.JSON", "download link: list.json"),
        ("http://leaks.example.onion/download/123", "download link: /download/123"),
        ("http://other.example.onion/post/abc", "link to another site: other.example.onion"),
        ("javascript:void(0)", "not an http(s) link: javascript:void(0)"),
    ],
)
def test_refused_links(url: str, reason: str | None) -> None:
    assert refused_link(url, "http://leaks.example.onion/") == reason


@pytest.mark.parametrize("host", sorted(FILE_HOSTS))
def test_victim_pages_obey_the_one_list_of_file_hosts(host: str) -> None:
    url = f"https://{host}/AbC"
    reason = f"link to the file host {host} refused: {url}"
    assert refused_link(url, f"https://{host}/") == reason


def test_post_ids_fall_back_to_the_title() -> None:
    post = LeakSitePost(post_title="  Clinique   Sainte-Isabelle ", group_name="Play")
    assert leak_site_post_id(post) == "play:clinique sainte-isabelle"
    post.post_url = "http://x.onion/"
    assert leak_site_post_id(post) == "play:clinique sainte-isabelle"
    post.post_url = "http://x.onion/topic.php?id=AbC"
    assert leak_site_post_id(post) == "play:/topic.php?id=AbC"


# --- leakwatch parse ---------------------------------------------------------------------------

runner = CliRunner()


def parse_cli(*arguments: str) -> tuple[int, list[dict[str, Any]], str]:
    result = runner.invoke(app, ["parse", "--kind", "leaksite", *arguments])
    items = [json.loads(line) for line in result.stdout.splitlines() if line.startswith("{")]
    return result.exit_code, items, result.output


def test_cli_finds_the_bundled_layout_of_a_saved_page() -> None:
    assert "leaksite" in PARSERS
    code, items, output = parse_cli(str(FIXTURES / "Play.html"))
    assert code == 0, output
    assert len(items) == 24 and items[0]["post_title"] == "Garvey"
    assert items[0]["group_name"] == "play" and items[0]["country"] == "US"
    code, items, output = parse_cli("--base-url", SITE, str(FIXTURES / "LockBit3.0.html"))
    assert code == 0, output
    assert len(items) == 463
    assert items[0]["post_url"] == f"{SITE}post/oeOilJIVrKr8BNXj66f42b53e3087"


def test_cli_reads_a_user_layout_file(tmp_path: Path) -> None:
    layout_file = tmp_path / "mylockbit.yaml"
    layout_file.write_text(
        "group: lockbit-copy\n"
        "post: xpath://a[contains(@class, 'post-block')]\n"
        "fields:\n"
        "  post_title: .post-title\n"
        "  discovered: {selector: .updated-post-date, regex: 'Updated:\\s*(.+?)\\s*UTC'}\n"
    )
    code, items, output = parse_cli("--config", str(layout_file), str(FIXTURES / "LockBit3.0.html"))
    assert code == 0, output
    assert len(items) == 463 and {item["group_name"] for item in items} == {"lockbit-copy"}
    assert len({(item["group_name"], item["post_title"]) for item in items}) == 452
    assert items[0]["discovered"] == "2024-10-04T11:54:00+00:00"
    broken = tmp_path / "broken.yaml"
    broken.write_text("group: x\npost: li\nfields:\n  post_title: {selector: b, regex: '('}\n")
    code, _, output = parse_cli("--config", str(broken), str(FIXTURES / "Play.html"))
    assert code == 2 and "fields.post_title[0].regex: invalid regular expression" in output


def test_cli_uses_the_only_leaksite_source_of_a_config(tmp_path: Path) -> None:
    (tmp_path / "layouts").mkdir()
    (tmp_path / "layouts" / "play-like.yaml").write_text(
        "group: play-like\npost: th.News\nfields:\n  post_title: 'xpath:./text()[1]'\n"
    )
    config = tmp_path / "leakwatch.toml"
    config.write_text(
        '[[sources]]\nname = "play"\nkind = "leaksite"\nengine = "generic"\n'
        'start_urls = ["http://play.example.onion/index.php"]\n'
        '[sources.options]\nlayout_file = "layouts/play-like.yaml"\n'
        "fields = { country = \"xpath:.//i[has-class('location')]/following-sibling::text()\" }\n"
    )
    code, items, output = parse_cli("--config", str(config), str(FIXTURES / "Play.html"))
    assert code == 0, output
    assert len(items) == 24 and items[0]["group_name"] == "play-like"
    assert items[0]["country"] == "US" and items[0]["website"] is None


def test_the_documented_example_works() -> None:
    doc = (Path(__file__).parents[3] / "docs" / "leaksites.md").read_text(encoding="utf-8")
    page = re.search(r"```html\n(.*?)```", doc, re.S)
    layout_text = re.search(r"```yaml\n# layouts/mygroup.yaml\n(.*?)```", doc, re.S)
    assert page is not None and layout_text is not None
    rules = LeakSiteLayout.model_validate(yaml.safe_load(layout_text.group(1)))
    listing = parse_leak_page(page.group(1), "http://mygroup.example.onion/", rules, NOW)
    post, sold, anchored = listing.items
    assert sold.post_title == "Polyclinique Sud"  # "(SOLD)" cut out
    assert sold.post_url == "http://mygroup.example.onion/leak/8790"  # the card's own href
    assert anchored.post_url is None  # an in-page anchor is no victim page
    assert post.post_title == "Clinique du Lac" and post.group_name == "mygroup"
    assert post.website == "www.clinique-du-lac.fr" and post.country == "FR"
    assert post.published == NOW + timedelta(days=4, hours=11, minutes=20)
    assert post.discovered == datetime(2024, 11, 12, 8, 40, tzinfo=UTC)
    assert post.post_url == "http://mygroup.example.onion/leak/8812"
    assert listing.next_url == "http://mygroup.example.onion/?page=2"
