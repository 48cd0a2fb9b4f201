"""Paste sites: parsers on saved pages, real crawls of the loopback paste site, and one crawl
into the database proving that only metadata and a redacted excerpt of a paste are stored."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from crawler.cli import app
from crawler.core.dates import DateResolver
from crawler.demo.loopback import LoopbackServer
from crawler.demo.pastes.site import (
    FAKE_NIRS,
    FAKE_PHONES,
    HUGE_MARKER_END,
    HUGE_MARKER_START,
    LATIN1_TITLE,
    SALE_TITLE,
    PasteArchiveSite,
)
from db.engine import make_engine, make_session_factory
from db.models import CrawlRun, Hit, Post, Source
from spiders.pastes.parsers import (
    ArchiveLayout,
    ScrapingApiDenied,
    archive_layout,
    parse_paste_archive,
    parse_pastebin_api,
    parse_size,
)
from spiders.pastes.state import SeenKeys
from spiders.pastes.text import decode_paste
from tests.spiders.database_dump import database_text
from tests.spiders.forums.crawls import crawl

FIXTURES = Path(__file__).parents[2] / "fixtures" / "paste"
NOW = datetime(2026, 11, 23, 10, 0, tzinfo=UTC)
SPIDER = "spiders.pastes.spider:PasteSiteSpider"
ROOT = Path(__file__).parents[3]


def page(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def dates(order: str = "MDY") -> DateResolver:
    return DateResolver("Europe/Paris", now=NOW, date_order=order)


# --- parsers on saved pages ------------------------------------------------------------------


def test_pastebin_archive_page() -> None:
    pastes = parse_paste_archive(page("pastebin_archive.html"), "https://pastebin.com/archive",
                                 dates=dates())  # fmt: skip
    assert len(pastes) == 15  # the sidebar repeats 8 of them; header, nav and footer are no paste
    assert [p.key for p in pastes[:3]] == ["ElULtm4U", "AWTWqIpO", "0VFwAHUN"]
    first, sale, code = pastes[:3]
    assert first.title == "Untitled" and first.syntax is None  # Pastebin shows "None"
    assert first.date == datetime(2026, 11, 23, 9, 59, 48, tzinfo=UTC)  # "12 sec ago"
    assert sale.title == "BDD patients clinique - relist"
    assert sale.url == "https://pastebin.com/AWTWqIpO"
    assert sale.raw_url == "https://pastebin.com/raw/AWTWqIpO"
    assert code.syntax == "Python"
    assert pastes[4].title == "Réservations été – Hôtel des Pins"
    assert pastes[9].title == "C++ template <T> & friends" and pastes[9].syntax == "C++"
    assert pastes[-1].date == datetime(2026, 11, 23, 8, 0, tzinfo=UTC)  # "2 hours ago"
    assert all(p.text is None for p in pastes)


def test_legacy_pastebin_archive_page() -> None:
    pastes = parse_paste_archive(
        page("pastebin_archive_legacy.html"), "https://pastebin.com/archive", dates=dates()
    )
    assert [p.title for p in pastes] == [
        "Untitled", "dump clinique vitale", "kernel.log", "Untitled", "config.ini", "Untitled",
    ]  # fmt: skip
    assert pastes[3].syntax == "Python" and pastes[5].syntax == "HTML 5"
    assert pastes[1].date == datetime(2026, 11, 23, 9, 59, 27, tzinfo=UTC)


def test_stikked_list_with_configured_raw_url_and_day_first_dates() -> None:
    layout = archive_layout(raw_url="{base}/view/raw/{key}")
    pastes = parse_paste_archive(
        page("stikked_lists.html"), "https://paste.example.org/lists", layout, dates("DMY")
    )
    assert [p.key for p in pastes] == ["4f9c2e1a", "b81e00d7", "0aa91c5e"]
    assert pastes[0].title == "Extraction patients – CH de Cannes"
    assert pastes[0].url == "https://paste.example.org/view/4f9c2e1a"
    assert pastes[0].raw_url == "https://paste.example.org/view/raw/4f9c2e1a"
    assert pastes[0].date == datetime(2026, 11, 23, 20, 14, 3, tzinfo=UTC)  # Paris time
    assert pastes[2].date == datetime(2026, 11, 22, 8, 2, 17, tzinfo=UTC)


def test_list_of_paste_links_outside_any_table() -> None:
    pastes = parse_paste_archive(
        page("generic_recent_list.html"), "https://textdrop.example/recent", dates=dates()
    )
    assert [(p.key, p.title) for p in pastes] == [
        ("Qx7rT2mz", "clinique des Lilas - rdv export"),
        ("Kd93mPq1", "deploy.sh"),
        ("z0Lw8Hh4", "Untitled"),
    ]  # menu links (/login, /about) and the off-site mirror link are not pastes
    assert pastes[0].date == datetime(2026, 11, 23, 9, 41, 7, tzinfo=UTC)  # <time datetime>
    assert pastes[0].url == "https://textdrop.example/p/Qx7rT2mz"


def test_redesigned_archive_finds_nothing_until_configured() -> None:
    html = page("redesigned_archive.html")
    assert parse_paste_archive(html, "https://pastebin.com/archive", dates=dates()) == []
    layout = archive_layout(
        {
            "rows": "section.paste-card",
            "link": "button.open::attr(data-target)",
            "title": "h3",
            "date": ".age",
        }
    )
    pastes = parse_paste_archive(html, "https://pastebin.com/archive", layout, dates())
    assert [(p.key, p.title) for p in pastes] == [("hV3kq9Lw", "Untitled"), ("Tb6xN2cR", "main.py")]
    assert pastes[1].date == datetime(2026, 11, 23, 9, 59, 20, tzinfo=UTC)
    assert pastes[1].raw_url == "https://pastebin.com/raw/Tb6xN2cR"


def test_bad_archive_options_are_refused() -> None:
    for options, message in [
        ({"selectors": {"rowz": "tr"}}, "unknown selector"),
        ({"selectors": {"rows": "tr[["}}, "invalid rows selector"),
        ({"key_pattern": "("}, "not a regular expression"),
        ({"key_pattern": r"/\w+"}, "exactly one group"),
        ({"raw_url": "{base}/raw/"}, "{key}"),
    ]:
        with pytest.raises(ValueError, match=message):
            archive_layout(**options)
    assert archive_layout() == ArchiveLayout()


def test_pastebin_scraping_api_answer() -> None:
    pastes = parse_pastebin_api(
        page("pastebin_scraping_api.json"), "https://scrape.pastebin.com/api_scraping.php"
    )
    assert [p.key for p in pastes] == ["zymMlopi", "qUyHRSIf", "FmAUNLnY", "0y3RnjDQ",
                                       "2Kvf8THR", "EuzcrJaB"]  # fmt: skip
    first, sale = pastes[:2]
    assert first.title is None and first.author is None  # empty strings in the API
    assert first.date == datetime.fromtimestamp(1795942800, UTC) and first.size == 1841
    assert first.raw_url == "https://scrape.pastebin.com/api_scrape_item.php?i=zymMlopi"
    assert first.url == "https://pastebin.com/zymMlopi"
    assert sale.title == "vente base CHU - échantillon" and sale.syntax == "text"
    assert pastes[2].author == "devkit"


def test_pastebin_scraping_api_refusals_and_garbage() -> None:
    url = "https://scrape.pastebin.com/api_scraping.php"
    with pytest.raises(ScrapingApiDenied, match="DOES NOT HAVE ACCESS"):
        parse_pastebin_api(page("pastebin_scraping_denied.txt"), url)
    with pytest.raises(ValueError, match="did not answer JSON"):
        parse_pastebin_api("<html><body>Bad gateway</body></html>", url)
    with pytest.raises(ValueError, match="without any paste key"):
        parse_pastebin_api('[{"title": "x"}]', url)
    with pytest.raises(ValueError, match="invalid JSON"):
        parse_pastebin_api('[{"key": ', url)
    assert parse_pastebin_api("[]", url) == []


@pytest.mark.parametrize(
    ("body", "content_type", "text", "note"),
    [
        ("Hôpital privé".encode(), "text/plain; charset=utf-8", "Hôpital privé", None),
        ("Hôpital privé".encode("latin-1"), "text/plain; charset=utf-8", "Hôpital privé",
         "read as cp1252"),
        ("Hôpital privé".encode("latin-1"), "text/plain; charset=ISO-8859-1", "Hôpital privé",
         None),
        ("Hôpital privé".encode("utf-16"), "text/plain", "Hôpital privé", None),
        ("Hôpital".encode(), "text/plain; charset=klingon", "Hôpital", "did not fit"),
        (b"MZ\x90\x00\x03\x00\x00", "text/plain", None, "NUL bytes"),
        (b"GIF89a", "image/gif", None, "binary content type image/gif"),
        (b"\x01\x02\x03\x04\x05\x06abc", None, None, "control characters"),
        (b'{"nir": "x"}', "application/json", '{"nir": "x"}', None),
    ],
)  # fmt: skip
def test_decode_paste(body: bytes, content_type: str | None, text: str | None,
                      note: str | None) -> None:  # fmt: skip
    decoded = decode_paste(body, content_type)
    assert decoded.text == text
    assert (decoded.note is None) if note is None else (note in (decoded.note or ""))


def test_decode_paste_cut_inside_a_character() -> None:
    body = "Clinique Sainte-Isabelle é".encode()[:-1]  # the cap fell inside "é"
    assert decode_paste(body, "text/plain; charset=utf-8", final=False).text == (
        "Clinique Sainte-Isabelle "
    )


def test_sizes() -> None:
    assert parse_size("3.77 KB") == 3860 and parse_size("512 bytes") == 512
    assert parse_size("1,5 Mo") == 1572864 and parse_size("Python") is None


def test_seen_keys_stay_bounded_in_the_state() -> None:
    state: dict[str, Any] = {}
    seen = SeenKeys(state, limit=3)
    for key in ["a1", "b2", "c3", "b2", "d4"]:
        seen.remember(key)
    assert state == {"seen_keys": ["b2", "c3", "d4"]}
    assert "a1" not in seen and "d4" in SeenKeys(state, limit=3)


def test_leakwatch_parse_paste_kinds() -> None:
    runner = CliRunner()
    result = runner.invoke(
        app, ["parse", "--kind", "paste", str(FIXTURES / "pastebin_archive.html")]
    )
    assert result.exit_code == 0, result.output
    items = [json.loads(line) for line in result.stdout.splitlines()]
    assert len(items) == 15 and items[0]["raw_url"] == "https://pastebin.com/raw/ElULtm4U"
    api = runner.invoke(
        app, ["parse", "--kind", "paste", str(FIXTURES / "pastebin_scraping_api.json")]
    )
    assert api.exit_code == 0 and len(api.stdout.splitlines()) == 6
    denied = runner.invoke(
        app, ["parse", "--kind", "pastebin_api", str(FIXTURES / "pastebin_scraping_denied.txt")]
    )
    assert denied.exit_code == 2 and "DOES NOT HAVE ACCESS" in denied.output
    broken = runner.invoke(
        app, ["parse", "--kind", "archive", str(FIXTURES / "redesigned_archive.html")]
    )
    assert broken.exit_code == 1


# --- real crawls of the loopback paste site --------------------------------------------------


def source(server: LoopbackServer, engine: str = "archive", **fields: Any) -> dict[str, Any]:
    start = "/api_scraping.php?limit=50" if engine == "pastebin_api" else "/archive"
    return {
        "name": "demo-paste",
        "kind": "paste",
        "engine": engine,
        "start_urls": [server.base_url + start],
        "download_delay": 0,
        **fields,
    }


def by_title(result: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {item["title"]: item for item in result["items"]}


def raw_requests(server: LoopbackServer) -> list[str]:
    return [path for path in server.requested if path.startswith(("/raw/", "/api_scrape_item"))]


def test_first_crawl_caps_binary_charset_then_incremental(tmp_path: Path) -> None:
    site = PasteArchiveSite()
    with LoopbackServer(site) as server:
        first = crawl(tmp_path, source(server), spider=SPIDER)
        assert first["reason"] == "finished" and first["health"] == []
        items = by_title(first)
        assert len(first["items"]) == 8
        sale = items[SALE_TITLE]
        assert "CHU de Rennes" in sale["text"] and sale["truncated"] is False
        assert sale["url"] == f"{server.base_url}/{site.sale_paste.key}"
        assert items[LATIN1_TITLE]["text"].startswith("Export des rendez-vous - Hôpital privé")
        huge = items["server logs"]
        assert huge["truncated"] is True and len(huge["text"]) == 512 * 1024
        assert HUGE_MARKER_START in huge["text"] and HUGE_MARKER_END not in huge["text"]
        assert items["payload.exe"]["text"] is None and items["logo"]["text"] is None
        assert items["AuthGuard"]["syntax"] == "TypeScript" and items["AuthGuard"]["date"]
        log = first["log"]
        assert "binary content (NUL bytes)" in log
        # An image is refused by the crawl's content guard before the spider reads it.
        assert "content type 'image/png' is not a page type" in log
        assert "only its start is matched" in log and "read as cp1252" in log
        assert first["stats"]["leakwatch/paste/truncated"] == 1
        assert "downloader/exception_count" not in first["stats"]  # caps are not errors
        assert len(first["state"]["seen_keys"]) == 8

        server.requested.clear()
        again = crawl(tmp_path, source(server), state=first["state"], spider=SPIDER)
        assert again["items"] == [] and server.requested == ["/archive"]

        server.requested.clear()
        fresh = site.add_paste("relist", f"CHU de Rennes encore dispo, NIR {FAKE_NIRS[1]}")
        third = crawl(tmp_path, source(server), state=again["state"], spider=SPIDER)
        assert [item["key"] for item in third["items"]] == [fresh.key]
        assert raw_requests(server) == [f"/raw/{fresh.key}"]
        assert len(third["state"]["seen_keys"]) == 9


def test_far_too_large_paste_and_page_budget(tmp_path: Path) -> None:
    site = PasteArchiveSite()
    with LoopbackServer(site) as server:
        result = crawl(
            tmp_path,
            source(server, max_pages=8, options={"max_paste_bytes": 65536}),
            spider=SPIDER,
        )
    # The spider stops at its own page budget; the refused image is not counted as a page, so
    # Scrapy's page cap is never hit and the run finishes normally.
    assert result["reason"] == "finished" and result["health"] == []
    assert "page cap of 8 reached" in result["log"]
    items = by_title(result)
    assert len(result["items"]) == 8
    huge = items["server logs"]
    assert huge["text"] is None and huge["truncated"] is False
    assert "text not kept: announced 15" in result["log"]  # 1.5 MB, over 4 x 64 KiB
    assert len(raw_requests(server)) == 7  # the listing took one page of the 8
    oldest = items["Untitled"]  # over the budget: metadata now, its text on the next run
    assert oldest["text"] is None and oldest["key"] not in result["state"]["seen_keys"]
    assert huge["key"] in result["state"]["seen_keys"]


def test_changed_markup_is_a_broken_parser(tmp_path: Path) -> None:
    site = PasteArchiveSite()
    site.layout = "changed"
    with LoopbackServer(site) as server:
        result = crawl(tmp_path, source(server), spider=SPIDER)
    assert result["items"] == []
    assert [(h["status"], h["page"]) for h in result["health"]] == [("parser_broken", True)]
    assert "no paste found" in result["health"][0]["detail"]
    assert server.requested == ["/archive"]


def test_scraping_api_refused_then_allowed(tmp_path: Path) -> None:
    site = PasteArchiveSite()
    with LoopbackServer(site) as server:
        refused = crawl(tmp_path, source(server, "pastebin_api"), spider=SPIDER)
        assert refused["reason"] == "auth_required" and refused["items"] == []
        assert [h["status"] for h in refused["health"]] == ["auth_required"]
        assert "allow-list" in refused["health"][0]["detail"]
        assert len(server.requested) == 1

        site.api_access = True
        server.requested.clear()
        allowed = crawl(tmp_path, source(server, "pastebin_api"), spider=SPIDER)
    assert allowed["health"] == [] and len(allowed["items"]) == 8
    sale = by_title(allowed)[SALE_TITLE]
    assert "CHU de Rennes" in sale["text"] and sale["size"] == len(site.sale_paste.body)
    assert f"/api_scrape_item.php?i={site.sale_paste.key}" in server.requested
    assert not any(path.startswith("/raw/") for path in server.requested)


# --- into the database -----------------------------------------------------------------------

CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "demo-paste"
kind = "paste"
engine = "archive"
start_urls = ["{base}/archive"]
download_delay = 0
"""
RUNNER = """
import json, sys
from pathlib import Path
from crawler.core.config import load_config
from crawler.runtime.crawl import run_crawl
print(json.dumps(run_crawl(load_config(Path(sys.argv[1])), sys.argv[2]).__dict__))
import gc
gc.freeze()  # the process ends: exit without walking the matcher's objects (~0.7 s)
"""


def run_crawl_of(config: Path, name: str) -> dict[str, Any]:
    """``run_crawl`` of source ``name`` in a child process; returns the run summary."""
    completed = subprocess.run(
        [sys.executable, "-c", RUNNER, str(config), name],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    summary: dict[str, Any] = json.loads(completed.stdout.strip().splitlines()[-1])
    summary["log"] = completed.stderr
    return summary


def test_crawl_into_the_database_keeps_no_raw_text(tmp_path: Path, migrated_url: str) -> None:
    site = PasteArchiveSite()
    config = tmp_path / "leakwatch.toml"
    with LoopbackServer(site) as server:
        config.write_text(
            CONFIG.format(
                database_url=migrated_url, data_dir=tmp_path / "data", base=server.base_url
            )  # fmt: skip
        )
        summary = run_crawl_of(config, "demo-paste")
    assert summary["status"] == "ok" and summary["items"] == 8 and summary["new_posts"] == 8
    assert summary["hits"] >= 2
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        posts = {post.title: post for post in session.execute(select(Post)).scalars()}
        sale = posts[SALE_TITLE]
        assert sale.external_id == site.sale_paste.key
        assert sale.raw_length == len(site.sale_paste.body.decode())
        assert "CHU de Rennes" in sale.excerpt and len(sale.excerpt) <= 320
        assert "NIR [NIR], tel [PHONE]" in sale.excerpt  # the proof line, masked
        assert sale.sale_score > 0
        matched = {
            (post_id, hit.matched)
            for post_id, hit in session.execute(select(Hit.post_id, Hit)).all()
        }
        assert (sale.id, "CHU de Rennes") in matched
        assert (posts[LATIN1_TITLE].id, "Hôpital privé de Thiais") in matched
        huge = posts["server logs"]
        assert huge.extra["truncated"] is True and huge.raw_length == 512 * 1024
        assert posts["payload.exe"].raw_length == 0 and posts["payload.exe"].excerpt == ""
        assert session.execute(select(Source)).scalar_one().state["seen_keys"]
        assert session.execute(select(CrawlRun)).scalar_one().health == "ok"
    engine.dispose()
    stored = database_text(migrated_url)
    assert "CHU de Rennes" in stored  # the dump does see stored text…
    secrets = [*FAKE_NIRS, *(n.replace(" ", "") for n in FAKE_NIRS), *FAKE_PHONES]
    leaked = [value for value in secrets if value in stored]
    assert leaked == []  # …but no NIR or phone number of the paste
    assert "LEGALL;Maiwenn" not in stored and "ROPARS;Yann" not in stored
    assert HUGE_MARKER_END not in stored and "GET /intranet/agenda?id=9000 " not in stored
