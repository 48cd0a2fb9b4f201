"""Real Scrapy crawls of the loopback demo forum, one child process per crawl.

Covers each engine's first and incremental crawls (pages fetched counted on the server),
login, cookies, login walls, bans, challenges, changed markup, oversize pages, redirect
loops, off-site redirects, transient errors and the page cap.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from crawler.demo.forums.data import generate_forum
from crawler.demo.forums.server import ForumModes, serve_forum
from db.engine import make_engine, make_session_factory
from db.models import Post, Source
from spiders.forums.spider import xenforo_login_url
from tests.spiders.forums.crawls import crawl, source_for

ENGINES = ["mybb", "phpbb", "xenforo", "custom"]
LOGIN_ENV = {"FORUM_USER": "watcher", "FORUM_PASSWORD": "correct horse battery staple"}


def health(result: dict[str, Any]) -> list[str]:
    return [report["status"] for report in result["health"]]


@pytest.mark.parametrize("engine", ENGINES)
def test_first_then_incremental_crawls(engine: str, tmp_path: Path) -> None:
    forum = generate_forum(threads=90)
    with serve_forum(forum, engine, ForumModes(per_page=12)) as site:
        sections = [site.section_url(s.section_id) for s in forum.sections]
        source = source_for(engine, sections, options={"fetch_first_post": True}, max_pages=200)

        first = crawl(tmp_path, source)
        assert first["reason"] == "finished" and health(first) == []
        by_id = {item["thread_id"]: item for item in first["items"]}
        assert len(by_id) == len(first["items"]) == 93  # 90 threads + one sticky per section
        assert len(site.listing_requests()) == 9  # 30 threads per section, 12 per page
        newest = next(t for t in forum.sections[0].threads if t.thread_id == 1)
        item = by_id["1"]
        assert item["title"].endswith(newest.title) and item["author"] == newest.author
        assert item["replies"] == newest.replies and item["text"].startswith(newest.body[:40])
        assert item["url"].startswith(site.base_url) and item["last_post_at"]
        assert sum(i["sticky"] for i in first["items"]) == 3

        site.requests.clear()
        unchanged = crawl(tmp_path, source, state=first["state"])
        assert unchanged["items"] == [] and health(unchanged) == []
        assert len(site.listing_requests()) == 3  # one page per section
        assert site.thread_requests() == []

        site.requests.clear()
        fresh = [
            forum.add_thread(2, f"Polyclinique {n} patients", author="seller") for n in range(3)
        ]
        forum.reply(2, author="buyer")  # an older thread of section 3 bumped to the top
        bumped = crawl(tmp_path, source, state=unchanged["state"])
        got = sorted(item["thread_id"] for item in bumped["items"])
        assert got == sorted([str(t.thread_id) for t in fresh] + ["2"])
        assert len(site.listing_requests()) <= 2 * 3
        assert len(site.thread_requests()) == 4


@pytest.mark.parametrize("engine", ENGINES)
def test_login_wall_then_login_form(engine: str, tmp_path: Path) -> None:
    forum = generate_forum(threads=12)
    with serve_forum(forum, engine, ForumModes(login_required=True)) as site:
        section = site.section_url(2)
        walled = crawl(tmp_path, source_for(engine, [section]))
        assert walled["reason"] == "auth_required" and health(walled) == ["auth_required"]
        assert walled["items"] == [] and len(site.requests) == 1  # reported once, no retry

        options = {"username_env": "FORUM_USER", "password_env": "FORUM_PASSWORD"}
        if engine == "custom":
            options["login_url"] = site.login_url  # XenForo's is found like MyBB's and phpBB's
        logged = crawl(tmp_path, source_for(engine, [section], options=options), env=LOGIN_ENV)
        assert health(logged) == [] and len(logged["items"]) == 5
        assert "correct horse" not in logged["log"]
        assert any(r.startswith("POST ") for r in site.requests)


def test_xenforo_login_page_next_to_its_sections() -> None:
    assert xenforo_login_url("https://f.example/forums/databases.12/") == (
        "https://f.example/login/"
    )
    assert xenforo_login_url("https://f.example/community/forums/leaks.3/page-2") == (
        "https://f.example/community/login/"
    )
    assert xenforo_login_url("https://f.example/index.php?forums/leaks.3/") == (
        "https://f.example/index.php?login/"
    )
    assert xenforo_login_url("https://f.example/board/7") is None


def test_wrong_password_is_auth_required(tmp_path: Path) -> None:
    with serve_forum(generate_forum(threads=6), "phpbb", ForumModes(login_required=True)) as site:
        options = {"username_env": "FORUM_USER", "password_env": "FORUM_PASSWORD"}
        env = {**LOGIN_ENV, "FORUM_PASSWORD": "wrong"}
        result = crawl(
            tmp_path, source_for("phpbb", [site.section_url(2)], options=options), env=env
        )
        assert health(result) == ["auth_required"] and "refused" in result["health"][0]["detail"]
        assert site.listing_requests() == []


def test_browser_cookies_open_a_walled_forum(tmp_path: Path) -> None:
    with serve_forum(generate_forum(threads=6), "xenforo", ForumModes(login_required=True)) as site:
        source = source_for("xenforo", [site.section_url(2)], options={"cookies_env": "COOKIES"})
        result = crawl(tmp_path, source, env={"COOKIES": site.open_session()})
        assert health(result) == [] and len(result["items"]) == 3
        assert not any(r.startswith("POST ") for r in site.requests)


@pytest.mark.parametrize(
    ("engine", "modes", "status", "detail"),
    [
        ("mybb", ForumModes(challenge="cloudflare"), "challenge", "Cloudflare"),
        ("phpbb", ForumModes(challenge="ddos-guard"), "challenge", "DDoS-Guard"),
        ("xenforo", ForumModes(banned=True), "auth_required", "banned"),
    ],
)
def test_blocked_sources_are_reported_once_and_not_retried(
    engine: str, modes: ForumModes, status: str, detail: str, tmp_path: Path
) -> None:
    with serve_forum(generate_forum(threads=6), engine, modes) as site:
        sections = [site.section_url(2), site.section_url(3)]
        result = crawl(tmp_path, source_for(engine, sections))
        assert health(result) == [status] and detail in result["health"][0]["detail"]
        assert result["reason"] == status and result["items"] == []
        assert len(site.requests) <= 2  # no retry of the interstitial
        assert result["health"][0]["page"]


@pytest.mark.parametrize("engine", ["mybb", "custom"])
def test_changed_markup_is_a_broken_parser(engine: str, tmp_path: Path) -> None:
    with serve_forum(generate_forum(threads=6), engine, ForumModes(markup_changed=True)) as site:
        result = crawl(tmp_path, source_for(engine, [site.section_url(2)]))
        assert health(result) == ["parser_broken"]
        report = result["health"][0]
        assert report["url"] == site.section_url(2) and report["page"]
        assert report["detail"] == f"no thread found by the {engine} selectors"


@pytest.mark.parametrize("engine", ["mybb", "phpbb", "xenforo"])
def test_a_board_index_is_reported_as_sub_forums(engine: str, tmp_path: Path) -> None:
    with serve_forum(generate_forum(threads=6), engine) as site:
        result = crawl(tmp_path, source_for(engine, [f"{site.base_url}/index.php"]))
        assert health(result) == ["parser_broken"] and result["items"] == []
        report = result["health"][0]
        assert report["detail"].startswith("the page lists sub-forums, not threads (3 sub-forums")
        assert site.section_url(2) in report["detail"] and report["page"]


@pytest.mark.parametrize(
    ("modes", "options", "detail"),
    [
        (ForumModes(oversize_bytes=300_000), {"max_page_bytes": 100_000}, "larger than"),
        (ForumModes(redirect_loop=True), {}, "redirect loop"),
        (ForumModes(offsite_redirect=True), {}, "off-site redirect refused"),
    ],
)
def test_pages_that_must_not_be_followed(
    modes: ForumModes, options: dict[str, Any], detail: str, tmp_path: Path
) -> None:
    with serve_forum(generate_forum(threads=6), "mybb", modes) as site:
        result = crawl(tmp_path, source_for("mybb", [site.section_url(2)], options=options))
        assert health(result) == ["degraded"] and detail in result["health"][0]["detail"]
        assert result["items"] == [] and result["reason"] == "finished"
        assert len(site.requests) <= 2
        assert not any("localhost" in r for r in site.requests)


def test_transient_errors_are_retried_with_backoff(tmp_path: Path) -> None:
    with serve_forum(generate_forum(threads=6), "xenforo", ForumModes(failures_per_path=2)) as site:
        result = crawl(tmp_path, source_for("xenforo", [site.section_url(2)]))
        assert health(result) == [] and len(result["items"]) == 3
        assert site.requests == [f"GET {site.section_url(2).removeprefix(site.base_url)}"] * 3
        assert result["stats"]["retry/count"] == 2


def test_page_cap_stops_paging(tmp_path: Path) -> None:
    forum = generate_forum(threads=90)
    with serve_forum(forum, "phpbb", ForumModes(per_page=5)) as site:
        source = source_for("phpbb", [site.section_url(2)], max_pages=3)
        result = crawl(tmp_path, source)
        assert len(site.listing_requests()) == 3
        assert len(result["items"]) == 1 + 3 * 5
        assert result["reason"] == "closespider_pagecount" and health(result) == []


CONFIG = """
database_url = "sqlite:///{db}"
data_dir = "{data}"

[[sources]]
name = "demo-mybb"
kind = "forum"
engine = "mybb"
start_urls = ["{section}"]
download_delay = 0
timezone = "Europe/Paris"

[sources.options]
fetch_first_post = true
username_env = "FORUM_USER"
password_env = "FORUM_PASSWORD"
"""


def test_leakwatch_crawl_logs_in_stores_posts_and_keeps_state(tmp_path: Path) -> None:
    forum = generate_forum(threads=30)
    with serve_forum(forum, "mybb", ForumModes(login_required=True)) as site:
        config = tmp_path / "leakwatch.toml"
        config.write_text(
            CONFIG.format(
                db=tmp_path / "lw.db", data=tmp_path / "data", section=site.section_url(2)
            )
        )
        first = leakwatch(config, "crawl", "demo-mybb")
        assert first.returncode == 0, first.stderr[-3000:]
        assert "11 item(s), 11 new post(s)" in first.stdout
        site.requests.clear()
        second = leakwatch(config, "crawl", "demo-mybb")
        assert second.returncode == 0, second.stderr[-3000:]
        assert "0 item(s)" in second.stdout and site.listing_requests() == [
            "/forumdisplay.php?fid=2"
        ]
        logged = (tmp_path / "data" / "logs" / "demo-mybb.log").read_text()
        assert "Spider opened" in logged  # the crawl's log is in the source's log file
        assert "correct horse" not in first.stderr + second.stderr + logged
    engine = make_engine(f"sqlite:///{tmp_path / 'lw.db'}")
    with make_session_factory(engine).begin() as session:
        posts = session.execute(select(Post)).scalars().all()
        assert len(posts) == 11 and all(post.raw_length > 0 for post in posts)
        source = session.execute(select(Source)).scalar_one()
        assert source.health == "ok"
        assert len(source.state["sections"][site.section_url(2)]["threads"]) == 11
    engine.dispose()


def leakwatch(config: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(config), *arguments],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[3],
        env={**os.environ, **LOGIN_ENV},
    )
