"""One bad entry never blinds a source: NUL, lone surrogates and control characters in a feed
(RSS character references, JSON escapes) are cleaned at the pipeline's boundary and every
post of the feed is stored, on both engines."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from crawler.core.text import MAX_TITLE_CHARS, clean_references, clean_text
from crawler.demo.loopback import LoopbackServer, SiteRequest, SiteResponse, not_found
from db.engine import make_engine, make_session_factory
from db.models import Post
from spiders.feeds.parsers import parse_rss_feed
from tests.spiders.pastes.test_pastes import run_crawl_of

RSS = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>leaks</title>
<item><title>Before &#0; the NUL</title><guid>a</guid><description>x</description></item>
<item><title>A lone &#xD800; surrogate</title><guid>b</guid>
<description>&#55296;</description></item>
<item><title>Vente base patients CHU de Rennes</title><guid>c</guid>
<description>120 000 dossiers patients, NIR, prix 2 BTC</description></item>
</channel></rss>"""

POSTS = json.dumps(
    [
        {"post_title": "nul\u0000victim", "group_name": "nightveil", "discovered": "2026-11-01"},
        {"post_title": "lone \ud800 victim", "group_name": "nightveil", "discovered": "2026-11-01"},
        {
            "post_title": "Clinique du Parc Lyon",
            "group_name": "nightveil",
            "discovered": "2026-11-02",
            "description": "patients data \u0007 published",
        },
        {"post_title": "A" * 200_000, "group_name": "nightveil", "discovered": "2026-11-03"},
    ]  # fmt: skip
).encode()


class HostileFeeds:
    """Serves one RSS feed and one ransomwatch posts.json, each with bad entries."""

    def handle(self, request: SiteRequest) -> SiteResponse:
        if request.route == "/rss.xml":
            return SiteResponse(200, RSS, "application/rss+xml")
        if request.route == "/posts.json":
            return SiteResponse(200, POSTS, "application/json")
        return not_found()


CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "hostile-rss"
kind = "feed"
engine = "rss"
start_urls = ["{base}/rss.xml"]
download_delay = 0

[[sources]]
name = "hostile-json"
kind = "feed"
engine = "ransomwatch"
start_urls = ["{base}/posts.json"]
download_delay = 0
"""


def test_bad_entries_do_not_cost_their_neighbours(tmp_path: Path, migrated_url: str) -> None:
    config = tmp_path / "leakwatch.toml"
    with LoopbackServer(HostileFeeds()) as server:
        config.write_text(
            CONFIG.format(database_url=migrated_url, data_dir=tmp_path / "d", base=server.base_url)
        )
        rss = run_crawl_of(config, "hostile-rss")
        posts = run_crawl_of(config, "hostile-json")
    assert rss["status"] == "ok" and rss["new_posts"] == 3, rss["log"][-2000:]
    assert posts["status"] == "ok" and posts["new_posts"] == 4, posts["log"][-2000:]
    with make_session_factory(make_engine(migrated_url)).begin() as session:
        titles = sorted(post.title for post in session.execute(select(Post)).scalars())
    assert "Before \ufffd the NUL" in titles and "nulvictim" in titles
    assert "A lone \ufffd surrogate" in titles and "lone \ufffd victim" in titles
    assert "Vente base patients CHU de Rennes" in titles and "Clinique du Parc Lyon" in titles
    assert not any("\x00" in title or "\ud800" in title for title in titles)
    # A 200,000-character "title" is stored cut to MAX_TITLE_CHARS (the rest goes to the text).
    assert max(map(len, titles)) == MAX_TITLE_CHARS and "A" * 999 + "…" in titles


def test_a_reference_to_a_surrogate_no_longer_crashes_the_feed_parser() -> None:
    page = parse_rss_feed(RSS, "http://127.0.0.1/rss.xml", "application/rss+xml")
    assert [entry.title for entry in page.entries] == [
        "Before \ufffd the NUL",
        "A lone \ufffd surrogate",
        "Vente base patients CHU de Rennes",
    ]


def test_clean_text_and_references() -> None:
    assert clean_text("a\x00b\ud800c\td\n\x07e\x85") == "ab\ufffdc\td\ne"
    assert clean_references(b"&#0;&#x41;&#xd800;&#1114112;&#9;") == (
        b"&#xFFFD;&#x41;&#xFFFD;&#xFFFD;&#9;"
    )
