"""Real Scrapy crawls of the loopback demo leak site (crawler/demo/leaksites/site.py).

Covers pagination, victim pages (never a download), incremental runs, a changed theme
(parser_broken), mirrors, the page cap, and removal tracking end to end in the database:
a victim taken off the site gets ``removed_at``, and loses it when it comes back.
Each crawl runs in a child process (Twisted's reactor cannot be restarted).
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from crawler.demo.leaksites.site import LeakSite
from crawler.demo.loopback import LoopbackServer
from db.engine import make_engine, make_session_factory
from db.models import CrawlRun, Hit, OutboxMessage, Post, Source
from tests.alerts.support import SECRET
from tests.spiders.leaksites.crawls import crawl, source_for

ROOT = Path(__file__).parents[3]


def listing_requests(server: LoopbackServer) -> list[str]:
    return [path for path in server.requested if path == "/" or path.startswith("/index.php")]


def victim_requests(server: LoopbackServer) -> list[str]:
    return [p for p in server.requested if p.startswith(("/topic.php", "/post/"))]


def titles(result: dict[str, Any]) -> list[str]:
    return sorted(item["post_title"] for item in result["items"])


def test_play_site_pages_victim_pages_and_incremental_runs(tmp_path: Path) -> None:
    site = LeakSite(layout="play", per_page=12)
    with LoopbackServer(site) as server:
        source = source_for(server.base_url, options={"max_details": 40})
        first = crawl(tmp_path, source)
        assert first["reason"] == "finished" and first["health"] == []
        assert titles(first) == sorted(victim.name for victim in site.victims)
        assert len(first["items"]) == 28
        assert listing_requests(server) == ["/", "/index.php?page=2", "/index.php?page=3"]
        assert len(victim_requests(server)) == 28
        assert not [path for path in server.requested if "download" in path]
        cannes = next(
            i for i in first["items"] if i["post_title"] == "Centre Hospitalier de Cannes"
        )
        victim = site.victims[0]
        assert cannes["group_name"] == "play" and cannes["country"] == "FR"
        assert cannes["website"] == "www.ch-cannes.fr"
        assert cannes["description"] == victim.description  # from the victim page
        assert cannes["post_url"] == f"{server.base_url}/topic.php?id={victim.victim_id}"
        assert cannes["discovered"] == f"{victim.added:%Y-%m-%d}T00:00:00+00:00"
        assert cannes["published"] == f"{victim.publication:%Y-%m-%d}T00:00:00+00:00"
        assert first["state"]["listing_complete"] is True
        assert len(first["state"]["seen_ids"]) == 28 == len(first["state"]["posts"])
        assert first["stats"]["leakwatch/leaksite/listing_pages"] == 3

        server.requested.clear()
        unchanged = crawl(tmp_path, source, state=first["state"])
        assert unchanged["items"] == [] and unchanged["health"] == []
        assert len(listing_requests(server)) == 3 and victim_requests(server) == []
        assert unchanged["state"]["seen_ids"] == first["state"]["seen_ids"]

        server.requested.clear()
        site.add_victim("Clinique Saint-Jean", "www.clinique-saint-jean.fr", "France")
        site.remove_victim("Pacific Rim Ceramics")
        changed = crawl(tmp_path, source, state=unchanged["state"])
        assert titles(changed) == ["Clinique Saint-Jean"]
        assert len(victim_requests(server)) == 1
        seen = changed["state"]["seen_ids"]
        assert len(seen) == 28 and len([i for i in seen if i not in first["state"]["posts"]]) == 1
        removed_id = next(i for i in first["state"]["seen_ids"] if i not in seen)
        assert removed_id not in changed["state"]["posts"]


def test_page_cap_leaves_the_listing_incomplete_and_victim_pages_wait(tmp_path: Path) -> None:
    site = LeakSite(layout="play", per_page=12)
    with LoopbackServer(site) as server:
        capped = crawl(tmp_path, source_for(server.base_url, max_pages=3))
        assert len(listing_requests(server)) == 2 and victim_requests(server) == []
        assert len(capped["items"]) == 24  # pages 1 and 2, without their victim pages
        assert "listing_complete" not in capped["state"]

        server.requested.clear()
        listing_first = crawl(tmp_path, source_for(server.base_url, max_pages=6))
        assert len(listing_requests(server)) == 3 and len(victim_requests(server)) == 2
        assert listing_first["state"]["listing_complete"] is True
        described = [item for item in listing_first["items"] if item["description"]]
        assert len(listing_first["items"]) == 28 and len(described) == 2


def test_victim_pages_share_the_budget_and_skipped_ones_wait_for_the_next_run(
    tmp_path: Path,
) -> None:
    # 12 victims on 3 listing pages, max_pages 13 (12 requests): 9 victim pages fit.
    site = LeakSite(layout="play", victims=12, per_page=4)
    with LoopbackServer(site) as server:
        source = source_for(server.base_url, max_pages=13)
        first = crawl(tmp_path, source)
        assert len(listing_requests(server)) == 3 and len(victim_requests(server)) == 9
        assert len(first["items"]) == 12
        assert len([item for item in first["items"] if item["description"]]) == 9
        assert first["stats"]["leakwatch/leaksite/detail_pages_skipped"] == 3
        assert (
            "3 of 12 victim page(s) not read (max_pages = 13, 3 of them for the listing)"
            in first["log"]
        )
        skipped = [victim.name for victim in site.victims[9:]]
        assert len(first["state"]["pending_pages"]) == 3

        server.requested.clear()
        second = crawl(tmp_path, source, state=first["state"])
        assert len(victim_requests(server)) == 3  # the pending pages, though nothing changed
        assert titles(second) == sorted(skipped)
        assert all(item["description"] for item in second["items"])
        assert second["state"]["pending_pages"] == {}

        # One spare request: the new victim's page before the changed victim's.
        server.requested.clear()
        new = site.add_victim("Clinique Saint-Jean", "www.clinique-saint-jean.fr")
        site.publish_victim("Centre Hospitalier de Cannes")
        third = crawl(tmp_path, source_for(server.base_url, max_pages=6), state=second["state"])
        assert len(listing_requests(server)) == 4
        assert victim_requests(server) == [f"/topic.php?id={new.victim_id}"]
        assert titles(third) == ["Centre Hospitalier de Cannes", "Clinique Saint-Jean"]
        assert list(third["state"]["pending_pages"]) == [
            f"play:/topic.php?id={site.victims[1].victim_id}"
        ]


def test_failing_victim_pages_are_retried_then_given_up(tmp_path: Path) -> None:
    site = LeakSite(layout="play", victims=3)
    cannes, northwind = site.victims[0], site.victims[1]
    site.page_errors = {cannes.victim_id: 404, northwind.victim_id: 403}
    with LoopbackServer(site) as server:
        source = source_for(server.base_url)
        state: dict[str, Any] = {}
        for run in (1, 2):
            result = crawl(tmp_path, source, state=state)
            state = result["state"]
            assert state["pending_pages"] == {
                f"play:/topic.php?id={cannes.victim_id}": run,
                f"play:/topic.php?id={northwind.victim_id}": run,
            }
        assert titles(result) == []  # retries of known victims yield nothing new
        del site.page_errors[northwind.victim_id]  # the site fixed one page
        server.requested.clear()
        third = crawl(tmp_path, source, state=state)
    assert len(victim_requests(server)) == 2
    assert [item["post_title"] for item in third["items"]] == [northwind.name]
    assert third["items"][0]["description"] == northwind.description
    assert third["state"]["pending_pages"] == {}
    assert third["state"]["given_up_pages"] == {
        f"play:/topic.php?id={cannes.victim_id}": "HTTP 404 (3 runs)"
    }
    assert third["stats"]["leakwatch/leaksite/detail_pages_given_up"] == 1
    assert "victim page of 'Centre Hospitalier de Cannes' given up after 3 runs" in third["log"]


def test_lockbit_site_reads_countdowns_and_victim_pages(tmp_path: Path) -> None:
    now = datetime.now(UTC)
    site = LeakSite(layout="lockbit3", victims=6, now=now)
    with LoopbackServer(site) as server:
        result = crawl(tmp_path, source_for(server.base_url, options={"layout": "lockbit3"}))
        assert result["reason"] == "finished" and result["health"] == []
        assert listing_requests(server) == ["/"] and len(victim_requests(server)) == 6
        assert not [path for path in server.requested if "download" in path]
        by_title = {item["post_title"]: item for item in result["items"]}
        assert sorted(by_title) == sorted(victim.domain for victim in site.victims)
        cannes = by_title["ch-cannes.fr"]
        assert cannes["description"].startswith("Centre Hospitalier de Cannes. Public hospital")
        assert cannes["website"] == "www.ch-cannes.fr"  # "Website:" on the victim page
        assert datetime.fromisoformat(cannes["published"]) > now  # the countdown's end
        assert result["state"]["listing_complete"] is True


def test_changed_theme_is_read_by_the_generic_reader_and_reported_broken(tmp_path: Path) -> None:
    site = LeakSite(layout="play", per_page=12)
    site.markup_changed = True
    with LoopbackServer(site) as server:
        result = crawl(tmp_path, source_for(server.base_url))
    assert titles(result) == sorted(victim.name for victim in site.victims[:12])
    assert {item["layout"] for item in result["items"]} == {"generic"}
    assert {item["group_name"] for item in result["items"]} == {"play"}
    cannes = next(i for i in result["items"] if i["post_title"] == "Centre Hospitalier de Cannes")
    assert cannes["website"] == "www.ch-cannes.fr"
    assert [(r["status"], r["page"]) for r in result["health"]] == [("parser_broken", True)]
    detail = result["health"][0]["detail"]
    assert "no victim found by the play layout; the generic reader found 12" in detail
    assert "listing_complete" not in result["state"]  # a heuristic read marks no removals


def test_dead_mirror_falls_back_to_the_next(tmp_path: Path) -> None:
    site = LeakSite(layout="play", per_page=50)
    with LoopbackServer(site) as server:
        source = source_for(server.base_url, options={"mirrors": True, "fetch_details": False})
        source["start_urls"] = ["http://127.0.0.1:9/", f"{server.base_url}/"]
        result = crawl(tmp_path, source)
    assert len(result["items"]) == 28 and result["health"] == []
    assert result["state"]["listing_complete"] is True
    assert "mirror http://127.0.0.1:9/ failed" in result["log"]


# --- end to end, with the database ----------------------------------------------------------------

CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "demo-leaksite"
kind = "leaksite"
engine = "generic"
start_urls = ["{base}/"]
download_delay = 0
options = {{ layout = "play", max_details = 40 }}
"""


def leakwatch_crawl(config: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(config), "crawl", "demo-leaksite"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=ROOT,
    )


def posts_by_title(database_url: str) -> dict[str, Post]:
    engine = make_engine(database_url)
    try:
        with make_session_factory(engine).begin() as session:
            posts = session.execute(select(Post)).scalars().all()
            session.expunge_all()
            return {post.title: post for post in posts}
    finally:
        engine.dispose()


def test_removed_victims_get_removed_at_and_lose_it_when_back(tmp_path: Path) -> None:
    # One engine here (each `leakwatch crawl` loads the matcher); mark_removed and mark_listed
    # are tested on SQLite and PostgreSQL in tests/db/test_repository.py.
    migrated_url = f"sqlite:///{tmp_path / 'leakwatch.db'}"
    site = LeakSite(layout="play", per_page=12)
    with LoopbackServer(site) as server:
        config = tmp_path / "leakwatch.toml"
        config.write_text(
            CONFIG.format(
                database_url=migrated_url, data_dir=tmp_path / "data", base=server.base_url
            )
        )
        first = leakwatch_crawl(config)
        assert first.returncode == 0, first.stderr[-3000:]
        assert "28 item(s), 28 new post(s)" in first.stdout
        stored = posts_by_title(migrated_url)
        assert len(stored) == 28 and all(p.removed_at is None for p in stored.values())
        cannes = stored["Centre Hospitalier de Cannes"]
        assert cannes.group_name == "play" and cannes.author is None
        assert cannes.extra["country"] == "FR"
        assert cannes.external_id == f"play:/topic.php?id={site.victims[0].victim_id}"

        gone = site.remove_victim("Clinique Sainte-Isabelle")
        second = leakwatch_crawl(config)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "0 item(s)" in second.stdout
        after = posts_by_title(migrated_url)
        assert after["Clinique Sainte-Isabelle"].removed_at is not None
        assert [t for t, p in after.items() if p.removed_at is not None] == [gone.name]
        assert after["Centre Hospitalier de Cannes"].last_seen > cannes.last_seen

        site.restore_victim(gone)
        third = leakwatch_crawl(config)
        assert third.returncode == 0, third.stderr[-3000:]
        back = posts_by_title(migrated_url)
        assert all(p.removed_at is None for p in back.values()) and len(back) == 28

    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        runs = session.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars().all()
        assert [run.status for run in runs] == ["ok", "ok", "ok"]
        source = session.execute(select(Source)).scalar_one()
        assert source.health == "ok"
        assert "seen_ids" not in source.state and "listing_complete" not in source.state
        assert len(source.state["posts"]) == 28
        matched = {hit.matched for hit in session.execute(select(Hit)).scalars()}
        assert matched  # French health victims reach the matcher
    engine.dispose()


ALERTING = """
[[channels]]
name = "cert"
type = "webhook"
url = "http://127.0.0.1:9/hook"
signing_secret = "{secret}"

[[routes]]
channel = "cert"
"""


def test_published_victim_is_an_update_that_alerts(tmp_path: Path) -> None:
    migrated_url = f"sqlite:///{tmp_path / 'leakwatch.db'}"
    site = LeakSite(layout="play", per_page=12)
    with LoopbackServer(site) as server:
        config = tmp_path / "leakwatch.toml"
        config.write_text(
            CONFIG.format(
                database_url=migrated_url, data_dir=tmp_path / "data", base=server.base_url
            )
            + ALERTING.format(secret=SECRET)
        )
        first = leakwatch_crawl(config)
        assert first.returncode == 0, first.stderr[-3000:]
        cannes = posts_by_title(migrated_url)["Centre Hospitalier de Cannes"]
        assert cannes.extra["status"] == "countdown"  # "6 DAYS BEFORE PUBLICATION"

        site.publish_victim("Centre Hospitalier de Cannes")
        second = leakwatch_crawl(config)
        assert second.returncode == 0, second.stderr[-3000:]
        assert "1 item(s), 0 new post(s)" in second.stdout
        assert posts_by_title(migrated_url)["Centre Hospitalier de Cannes"].extra["status"] == (
            "published"
        )

    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        messages = session.execute(select(OutboxMessage).order_by(OutboxMessage.id)).scalars()
        documents = [(m.payload["type"], m.payload["data"]) for m in messages]
    engine.dispose()
    about_cannes = [
        (kind, data["update"])
        for kind, data in documents
        if data["post"]["title"] == "Centre Hospitalier de Cannes"
    ]
    created = [update for kind, update in about_cannes if kind == "alert.created"]
    updated = [update for kind, update in about_cannes if kind == "alert.updated"]
    assert created and created == [None] * len(created)
    assert updated == [
        {
            "reason": "status_changed",
            "escalated": False,
            "status": "published",
            "previous_status": "countdown",
        }
    ] * len(created)


def test_run_output_says_which_victim_pages_were_skipped(tmp_path: Path) -> None:
    migrated_url = f"sqlite:///{tmp_path / 'leakwatch.db'}"
    site = LeakSite(layout="play", per_page=12)
    with LoopbackServer(site) as server:
        config = tmp_path / "leakwatch.toml"
        text = CONFIG.format(
            database_url=migrated_url, data_dir=tmp_path / "data", base=server.base_url
        )
        config.write_text(text.replace("download_delay = 0", "download_delay = 0\nmax_pages = 5"))
        run = leakwatch_crawl(config)
    assert run.returncode == 0, run.stderr[-3000:]
    note = (
        "27 of 28 victim page(s) not read (max_pages = 5, 3 of them for the listing); their "
        "victims are stored with their listing fields, the pages are read on the next runs"
    )
    assert "run 1: partial (health ok): 4 page(s), 28 item(s)" in run.stdout
    assert note in run.stdout
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        (recorded,) = session.execute(select(CrawlRun)).scalars().all()
        assert (recorded.status, recorded.error_detail) == ("partial", note)
        source = session.execute(select(Source)).scalar_one()
        assert len(source.state["pending_pages"]) == 27
    engine.dispose()
