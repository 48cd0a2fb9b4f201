"""Real Scrapy crawls of the loopback Telegram preview site, one child process per crawl.

Covers backfill depth, incremental crawls (requests counted on the server), the page cap,
channels without a public preview, changed markup, empty and rate-limited channels, wrong
charset bytes, and a crawl into the database through ``run_crawl``.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.demo.loopback import LoopbackServer
from crawler.demo.telegram.data import default_channels, market_channel
from crawler.demo.telegram.site import TelegramPreviewSite
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import CrawlRun, Entity, Hit, Post, Source
from tests.spiders.forums.crawls import crawl

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def source_for(urls: list[str], name: str = "tg", **fields: Any) -> dict[str, Any]:
    """A telegram source config (as a dict) for the loopback preview site."""
    return {
        "name": name,
        "kind": "telegram",
        "engine": "preview",
        "start_urls": urls,
        "download_delay": 0,
        **fields,
    }


def health(result: dict[str, Any]) -> list[str]:
    return [report["status"] for report in result["health"]]


def ids(result: dict[str, Any]) -> list[int]:
    return [item["message_id"] for item in result["items"]]


def site_with(count: int) -> TelegramPreviewSite:
    return TelegramPreviewSite({"leakmarketfr": market_channel(NOW, count=count)})


def test_first_crawl_backfills_then_later_crawls_stop_at_the_last_seen(tmp_path: Path) -> None:
    site = TelegramPreviewSite(now=NOW)
    with LoopbackServer(site) as server:
        source = source_for([f"{server.base_url}/s/leakmarketfr"], options={"depth": 3})
        first = crawl(tmp_path, source)
        assert first["reason"] == "finished" and health(first) == []
        assert server.requested == [
            "/s/leakmarketfr",
            "/s/leakmarketfr?before=51",
            "/s/leakmarketfr?before=31",
        ]
        assert sorted(ids(first)) == list(range(11, 71))
        assert first["state"] == {"channels": {"leakmarketfr": {"last_id": 70}}}
        sale = next(item for item in first["items"] if item["message_id"] == 14)
        assert sale["text"].startswith(
            "🔥 Vente base patients Clinique Sainte-Isabelle / HP Thiais"
        )
        assert sale["author"] == "vendeur_verifie" and sale["channel"] == "leakmarketfr"
        assert sale["url"] == f"{server.base_url}/leakmarketfr/14" and sale["date"]
        assert "https://t.me/mediseller" in sale["links"]
        document = next(item for item in first["items"] if item["message_id"] == 17)
        assert document["documents"] == ["catalogue_shop_v3.pdf"]
        assert next(i for i in first["items"] if i["message_id"] == 13)["text"] == ""

        server.requested.clear()
        unchanged = crawl(tmp_path, source, state=first["state"])
        assert unchanged["items"] == [] and health(unchanged) == []
        assert server.requested == ["/s/leakmarketfr"]

        server.requested.clear()
        site.add_message("leakmarketfr", "Vente dump CHU de Rennes, 8k USDT", author="x")
        site.add_message("leakmarketfr", "", documents=[("rennes_sample.csv", "2 MB")])
        fresh = crawl(tmp_path, source, state=unchanged["state"])
        assert ids(fresh) == [71, 72] and server.requested == ["/s/leakmarketfr"]
        assert fresh["items"][1]["documents"] == ["rennes_sample.csv"]

        server.requested.clear()
        for n in range(25):
            site.add_message("leakmarketfr", f"annonce {n}")
        busy = crawl(tmp_path, source, state=fresh["state"])
        assert sorted(ids(busy)) == list(range(73, 98))  # every new one, once
        assert server.requested == ["/s/leakmarketfr", "/s/leakmarketfr?before=78"]
        assert busy["state"]["channels"]["leakmarketfr"]["last_id"] == 97


def test_default_depth_and_the_page_cap(tmp_path: Path) -> None:
    with LoopbackServer(site_with(150)) as server:
        url = f"{server.base_url}/s/leakmarketfr"
        deep = crawl(tmp_path, source_for([url]))
        assert len(server.requested) == 5 and sorted(ids(deep)) == list(range(51, 151))
        server.requested.clear()
        capped = crawl(tmp_path, source_for([url], max_pages=2, options={"depth": 10}))
        assert server.requested == ["/s/leakmarketfr", "/s/leakmarketfr?before=131"]
        assert len(capped["items"]) == 40


def test_small_empty_private_and_unknown_channels(tmp_path: Path) -> None:
    channels = default_channels(NOW)
    channels["leakmarketfr"] = market_channel(NOW, count=12)
    with LoopbackServer(TelegramPreviewSite(channels)) as server:
        names = ["leakmarketfr", "canalvide", "santeprivee", "inconnu"]
        # An info URL (no /s/) is read as the channel's preview.
        result = crawl(tmp_path, source_for([f"{server.base_url}/{name}" for name in names]))
        assert ids(result) == list(range(2, 13))  # the service message 1 is not an item
        assert "channel canalvide has no message" in result["log"]
        assert health(result) == ["no_preview", "no_preview"]
        details = sorted(report["detail"] for report in result["health"])
        assert details == [
            "channel inconnu has no public web preview: Telegram served an info page",
            "channel santeprivee has no public web preview: Telegram served its info page "
            "(Santé Privée VIP, 212 subscribers)",
        ]
        assert all(report["page"] for report in result["health"])
        assert sorted(server.requested) == [
            "/inconnu",
            "/s/canalvide",
            "/s/inconnu",
            "/s/leakmarketfr",  # 12 messages: the channel's beginning is on the first page
            "/s/santeprivee",
            "/santeprivee",
        ]
        assert result["reason"] == "finished"
        assert result["state"]["channels"]["leakmarketfr"] == {"last_id": 12}


def test_changed_markup_is_a_broken_parser(tmp_path: Path) -> None:
    site = TelegramPreviewSite(now=NOW)
    site.markup_changed = True
    with LoopbackServer(site) as server:
        url = f"{server.base_url}/s/leakmarketfr"
        result = crawl(tmp_path, source_for([url]))
        assert health(result) == ["parser_broken"] and result["items"] == []
        report = result["health"][0]
        assert report["url"] == url and report["page"]
        assert report["detail"] == (
            "20 item(s) of the channel history without a readable message id"
        )


def test_no_posts_found_is_degraded(tmp_path: Path) -> None:
    site = TelegramPreviewSite(now=NOW)
    site.rate_limited = True
    with LoopbackServer(site) as server:
        result = crawl(tmp_path, source_for([f"{server.base_url}/s/leakmarketfr"]))
        assert health(result) == ["degraded"] and "No posts found" in result["health"][0]["detail"]
        assert result["items"] == [] and result["state"] == {"channels": {"leakmarketfr": {}}}


def test_wrong_charset_and_a_channel_taken_over(tmp_path: Path) -> None:
    site = TelegramPreviewSite(now=NOW)
    site.wrong_charset = True
    with LoopbackServer(site) as server:
        source = source_for([f"{server.base_url}/s/leakmarketfr"], options={"depth": 1})
        # The saved last id is above the channel's newest: the name belongs to a new channel.
        result = crawl(tmp_path, source, state={"channels": {"leakmarketfr": {"last_id": 900}}})
        assert health(result) == [] and sorted(ids(result)) == list(range(51, 71))
        assert result["state"]["channels"]["leakmarketfr"]["last_id"] == 70
        assert "reading it as a new channel" in result["log"]
        texts = " ".join(item["text"] for item in result["items"])
        assert "Rappel: pas de deal hors escrow" in texts and "\ufffd" in texts


CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "demo-telegram"
kind = "telegram"
engine = "preview"
start_urls = ["{base}/s/leakmarketfr"]
download_delay = 0
options = {{ depth = 3 }}

[[sources]]
name = "private-telegram"
kind = "telegram"
engine = "preview"
start_urls = ["{base}/s/santeprivee"]
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


def run_crawl_of(config: Path, source: str) -> dict[str, Any]:
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(config), source],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[3],
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


def test_run_crawl_stores_messages_and_hits(tmp_path: Path, migrated_url: str) -> None:
    site = TelegramPreviewSite(now=NOW)
    with LoopbackServer(site) as server:
        config = write_config(tmp_path, migrated_url, server.base_url)
        first = run_crawl_of(config, "demo-telegram")
        assert first["status"] == "ok" and first["health"] == "ok" and first["pages"] == 3
        assert first["items"] == first["new_posts"] == 60 and first["hits"] >= 4
        site.add_message("leakmarketfr", "Dernière chance: base Hôpital Foch 3k USDT")
        second = run_crawl_of(config, "demo-telegram")  # from the state saved by the first
        assert second["pages"] == 1 and second["items"] == second["new_posts"] == 1
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        posts = {p.external_id: p for p in session.execute(select(Post)).scalars()}
        assert len(posts) == 61 and "leakmarketfr/14" in posts and "leakmarketfr/71" in posts
        sale = posts["leakmarketfr/14"]
        assert sale.title.startswith("🔥 Vente base patients Clinique Sainte-Isabelle")
        assert sale.author == "vendeur_verifie" and sale.posted_at is not None
        assert sale.extra["channel"] == "leakmarketfr" and sale.extra["views"] > 0
        hit_names = set(
            session.execute(
                select(Entity.name)
                .join(Hit, Hit.entity_id == Entity.id)
                .where(Hit.post_id == sale.id)
            ).scalars()
        )
        assert "Clinique Sainte Isabelle" in hit_names
        source = session.execute(select(Source)).scalar_one()
        assert source.health == "ok"
        assert source.state == {"channels": {"leakmarketfr": {"last_id": 71}}}
    engine.dispose()


def test_run_crawl_of_a_channel_without_preview(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'lw.db'}"
    upgrade(url)
    with LoopbackServer(TelegramPreviewSite(now=NOW)) as server:
        summary = run_crawl_of(write_config(tmp_path, url, server.base_url), "private-telegram")
    assert summary["status"] == "failed" and summary["health"] == "no_preview"
    engine = make_engine(url)
    with make_session_factory(engine).begin() as session:
        source = session.execute(select(Source)).scalar_one()
        assert source.health == "no_preview" and source.state == {}
        assert "no public web preview" in (source.health_detail or "")
        run = session.execute(select(CrawlRun)).scalar_one()
        assert (
            run.snapshot_path is not None and b"tgme_page" in Path(run.snapshot_path).read_bytes()
        )
    engine.dispose()


def write_config(folder: Path, database_url: str, base: str) -> Path:
    config = folder / "leakwatch.toml"
    config.write_text(CONFIG.format(database_url=database_url, data_dir=folder / "data", base=base))
    return config
