"""Victim lists and press exports in their real shapes: ransomwatch posts.json, ransomware.live
CSV and press exports, ransomwatch RSS and RansomLook, parsed, through `leakwatch parse` and
through a real crawl of a loopback server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from crawler.cli import app
from spiders.feeds.parsers import GROUP_PAGES, detect_engine, parse_feed
from spiders.feeds.victim_lists import parse_victim_list, resolve_url
from tests.loopback import serve
from tests.spiders.forums.crawls import crawl

FIXTURES = Path(__file__).parents[2] / "fixtures" / "feed"
SPIDER = "spiders.feeds.spider:FeedSpider"
EXPORTS = "https://exports.example/data/"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def test_ransomware_live_press_export() -> None:
    page = parse_feed("ransomlive", fixture("ransomlive_press_export.json"), EXPORTS + "press")
    assert page.problem is None and page.skipped == 0 and len(page.entries) == 5
    landkreis, cerp, medecine, charles, latouche = page.entries
    assert landkreis.title == "Landkreises Schmalkalden-Meiningen" and landkreis.group_name is None
    assert landkreis.summary.startswith("Cybervorfall: Internetseite von Landkreis abgeschaltet\n")
    assert landkreis.url == (
        "https://www.mz.de/panorama/cybervorfall-internetseite-von-landkreis-abgeschaltet-4106008"
    )
    assert landkreis.published == datetime(2025, 8, 28, tzinfo=UTC)
    assert (landkreis.website, landkreis.country, landkreis.tags) == ("lra-sm.de", "DE", ["press"])
    assert cerp.group_name == "hunters" and cerp.url and "lesinfosdupaysgallo" in cerp.url
    assert medecine.title == "La médecine du travail de Charente (SPSTI)"
    # no article URL: the ransomware.live permalink of the claim
    assert charles.group_name == "qilin"
    assert charles.url == "https://www.ransomware.live/id/Y2hhcmxlc2pvbmVzLmNhQHFpbGlu"
    # neither URL nor group: no link, a stable hash id
    assert latouche.url is None and latouche.entry_id.startswith("sha256:")
    assert all(entry.entry_id.startswith("press:") for entry in (landkreis, cerp, medecine))
    again = parse_feed("ransomlive", fixture("ransomlive_press_export.json"), EXPORTS + "press")
    assert [e.entry_id for e in again.entries] == [e.entry_id for e in page.entries]
    assert len({e.entry_id for e in page.entries}) == 5


def test_one_article_about_two_victims_gives_two_entries() -> None:
    article = {"url": "https://news.example/a", "title": "Deux hôpitaux", "summary": "…",
               "date": "2025-06-11", "ransomware": None}  # fmt: skip
    records = [{**article, "victim": "Hôpital A"}, {**article, "victim": "Hôpital B"}]
    page = parse_victim_list(json.dumps({"results": records}), EXPORTS)
    assert len({entry.entry_id for entry in page.entries}) == 2


def test_ransomware_live_csv_export_resolves_relative_urls() -> None:
    page = parse_feed("ransomlive", fixture("ransomlive_posts_export.csv"), EXPORTS + "posts.csv")
    assert page.problem is None and len(page.entries) == 4
    zone, ironrock, infosoft, western = page.entries
    assert (
        zone.entry_id == "8base:global zone"
        and zone.url
        and zone.url.endswith(".onion/company/7890399")
    )
    assert zone.published == datetime(2024, 3, 6, tzinfo=UTC)
    assert ironrock.url == "https://exports.example/data/archive.php?company=79"
    assert infosoft.url == "https://www.ransomware.live/group/akira"  # no post URL at all
    assert infosoft.country == "NZ" and infosoft.summary.startswith("Infosoft is a New Zealand")
    assert western.website == "http://www.wmc-i.com" and western.group_name == "blacksuit"
    without = parse_feed("ransomlive", fixture("ransomlive_posts_export.csv"), EXPORTS,
                         group_page="")  # fmt: skip
    assert without.entries[2].url is None
    assert detect_engine(fixture("ransomlive_posts_export.csv")) == "ransomlive"


def test_ransomwatch_posts_json_and_rss() -> None:
    posts = parse_feed("ransomwatch", fixture("ransomwatch_posts_real.json"), EXPORTS)
    assert [e.entry_id for e in posts.entries] == [
        "suncrypt:cornerstone automation systems, llc", "snatch:altrux medical",
        "royal:delallo", "lockbit3:srf.com",
    ]  # fmt: skip
    srf = posts.entries[3]
    assert srf.published == datetime(2023, 2, 14, 9, 20, 26, 524234, tzinfo=UTC)  # discovered
    assert srf.url == GROUP_PAGES["ransomwatch"].format(group="lockbit3")
    rss = parse_feed("ransomwatch", fixture("ransomwatch_rss.xml"), EXPORTS + "rss.xml")
    assert rss.problem is None and [e.group_name for e in rss.entries] == ["bashe"] * 3
    assert rss.entries[2].title == "credio.eu"


def test_ransomlook_group_answer_takes_the_group_from_the_url() -> None:
    url = "https://ransomlook.example/api/group/nightveil"
    page = parse_victim_list(fixture("ransomlook_group_posts.json").decode(), url,
                             group_page="https://ransomlook.example/group/{group}")  # fmt: skip
    clinique, riviera = page.entries
    assert clinique.entry_id == "nightveil:clinique du val d'ouest"
    assert clinique.url == "https://ransomlook.example/posts/clinique-val-ouest"
    assert clinique.website == "clinique-val-ouest.example"
    assert riviera.url == "https://ransomlook.example/group/nightveil"
    elsewhere = parse_victim_list(fixture("ransomlook_group_posts.json").decode(), EXPORTS)
    assert elsewhere.entries == [] and "no record has a victim name" in (elsewhere.problem or "")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("archive.php?company=79", "https://site.example/feeds/archive.php?company=79"),
        ("/victim/1", "https://site.example/victim/1"),
        ("//cdn.example/x", "https://cdn.example/x"),
        ("javascript:alert(1)", None),
        ("mailto:a@b.example", None),
        ("", None),
    ],
)
def test_resolve_url(value: str, expected: str | None) -> None:
    assert resolve_url(value, "https://site.example/feeds/list.json") == expected


FILES = [
    ("ransomlive", "ransomlive_press_export.json", 5),
    ("ransomlive", "ransomlive_posts_export.csv", 4),
    ("feed", "ransomlive_posts_export.csv", 4),
    ("ransomwatch", "ransomwatch_posts_real.json", 4),
    ("ransomwatch", "ransomwatch_rss.xml", 3),
    ("feed", "ransomwatch_rss.xml", 3),
]


def test_leakwatch_parse_reads_every_real_shape() -> None:
    runner = CliRunner()
    for kind, name, count in FILES:
        result = runner.invoke(app, ["parse", "--kind", kind, str(FIXTURES / name)])
        assert result.exit_code == 0, (name, result.output)
        assert len(result.stdout.splitlines()) == count, name


def test_a_crawl_reads_every_real_shape(tmp_path: Path) -> None:
    routes = {
        "/press.json": (200, "application/json", fixture("ransomlive_press_export.json")),
        "/exports/posts.csv": (200, "text/csv", fixture("ransomlive_posts_export.csv")),
        "/posts.json": (200, "application/json", fixture("ransomwatch_posts_real.json")),
        "/rss.xml": (200, "application/rss+xml", fixture("ransomwatch_rss.xml")),
    }
    with serve(routes) as site:
        source = {
            "name": "trackers",
            "kind": "feed",
            "engine": "ransomlive",
            "start_urls": [site.base_url + path for path in routes],
            "download_delay": 0,
        }
        result = crawl(tmp_path, source, spider=SPIDER)
    assert result["health"] == [] and result["reason"] == "finished"
    assert len(result["items"]) == 5 + 4 + 4 + 3
    by_title = {item["title"]: item for item in result["items"]}
    assert by_title["Ironrock"]["url"] == site.base_url + "/exports/archive.php?company=79"
    assert by_title["credio.eu"]["group_name"] == "bashe"
    assert by_title["LaTouche Pediatrics"]["entry_id"].startswith("sha256:")
