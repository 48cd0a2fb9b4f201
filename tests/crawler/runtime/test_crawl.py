"""A real Scrapy crawl of a loopback page stores posts, records the run and the source health;
personal data in what it crawled is never stored, shown, exported or searchable."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select, text

from crawler.demo.forums.data import generate_forum
from crawler.demo.forums.server import serve_forum
from db.engine import make_engine, make_session_factory
from db.models import CrawlRun, Hit, Post, Source
from tests.crawler.web.conftest import add_accounts, login, make_settings, serve_app
from tests.loopback import serve

LISTING = b"""<html><body><ul>
<li class="thread" data-id="101">
  <a href="/t/101">[SELLING] HP Thiais patients db (Mediboard), 2 BTC</a>
  <span class="author">seller1</span></li>
<li class="thread" data-id="102"><a href="/t/102">Looking for combolists</a>
  <span class="author">kid</span></li>
</ul></body></html>"""

CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "fixture-forum"
kind = "forum"
engine = "custom"
start_urls = ["{base}/forum"]
download_delay = 0
"""

RUNNER = """
import json, sys
from crawler.core.config import load_config
from crawler.runtime.crawl import run_crawl
from pathlib import Path
# Retries wait 0.05 s, then 0.1 s (not 2 s, then 4 s): no test here is about the backoff.
summary = run_crawl(load_config(Path(sys.argv[1])), "fixture-forum",
                    scrapy_overrides={"SPIDER_MODULES": ["tests.crawler.runtime.sample_spiders"],
                                      "RETRY_BACKOFF_BASE": 0.05, "RETRY_BACKOFF_MAX": 0.5})
print(json.dumps(summary.__dict__))
import gc
gc.freeze()  # the process ends: exit without walking the matcher's objects (~0.7 s)
"""


def _crawl(config: Path) -> dict[str, object]:
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[3],
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return dict(json.loads(result.stdout.strip().splitlines()[-1]))


@pytest.fixture
def config_for(tmp_path: Path, migrated_url: str):  # type: ignore[no-untyped-def]
    def write(base: str) -> Path:
        path = tmp_path / "leakwatch.toml"
        path.write_text(
            CONFIG.format(database_url=migrated_url, data_dir=tmp_path / "data", base=base)
        )
        return path

    return write


def test_crawl_stores_posts_once_and_records_runs(config_for, migrated_url: str) -> None:  # type: ignore[no-untyped-def]
    with serve({"/forum": (200, "text/html", LISTING)}) as site:
        config = config_for(site.base_url)
        first = _crawl(config)
        second = _crawl(config)
    assert first["status"] == "ok" and first["items"] == 2 and first["new_posts"] == 2
    assert first["hits"] == 2  # the hospital and the vendor, in the same transaction
    assert second["status"] == "ok" and second["items"] == 2 and second["new_posts"] == 0
    assert second["hits"] == 0  # a re-crawl adds no hit
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        posts = session.execute(select(Post).order_by(Post.external_id)).scalars().all()
        assert [p.external_id for p in posts] == ["101", "102"]
        assert posts[0].title == "[SELLING] HP Thiais patients db (Mediboard), 2 BTC"
        assert posts[0].sale_score > 0.5 and posts[1].sale_score < 0.5
        hits = session.execute(select(Hit)).scalars().all()
        assert {hit.matched for hit in hits} == {"HP Thiais", "Mediboard"}
        assert {hit.post_id for hit in hits} == {posts[0].id}
        assert posts[0].last_seen > posts[0].first_seen
        runs = session.execute(select(CrawlRun)).scalars().all()
        assert [r.status for r in runs] == ["ok", "ok"]
        assert all(r.pages == 1 and r.bytes > 0 for r in runs)
        source = session.execute(select(Source)).scalar_one()
        assert source.health == "ok"
        assert source.state == {"max_id": 102}
    engine.dispose()


_REFUSE_POSTS = {
    "sqlite": [
        "CREATE TRIGGER refuse_posts BEFORE INSERT ON posts "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse_posts() RETURNS trigger LANGUAGE plpgsql "
        "AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$",
        "CREATE TRIGGER refuse_posts BEFORE INSERT ON posts "
        "FOR EACH ROW EXECUTE FUNCTION refuse_posts()",
    ],
}


_ON_POSTS = {"sqlite": "", "postgresql": " ON posts"}


def test_posts_that_cannot_be_stored_are_an_error_of_the_run(config_for, migrated_url: str) -> None:  # type: ignore[no-untyped-def]
    engine = make_engine(migrated_url)
    with engine.begin() as connection:
        for statement in _REFUSE_POSTS[engine.dialect.name]:
            connection.execute(text(statement))
    with serve({"/forum": (200, "text/html", LISTING)}) as site:
        summary = _crawl(config_for(site.base_url))
        # The storage thread's failure comes back to the crawl: logged, counted, not swallowed.
        assert summary["errors"] >= 1 and summary["health"] == "degraded"
        assert summary["new_posts"] == 0
        with make_session_factory(engine).begin() as session:
            assert session.execute(select(Post)).first() is None
            source = session.execute(select(Source)).scalar_one()
            # …and the incremental state is not advanced past posts that were never stored.
            assert not source.state and "state is kept" in (source.health_detail or "")
        with engine.begin() as connection:
            connection.execute(text("DROP TRIGGER refuse_posts" + _ON_POSTS[engine.dialect.name]))
        summary = _crawl(config_for(site.base_url))
        assert summary["new_posts"] == 2 and summary["health"] == "ok"
    engine.dispose()


def test_empty_listing_is_a_broken_parser_with_a_snapshot(config_for, migrated_url: str) -> None:  # type: ignore[no-untyped-def]
    with serve({"/forum": (200, "text/html", b"<html><body>new theme</body></html>")}) as site:
        summary = _crawl(config_for(site.base_url))
    assert summary["status"] == "failed" and summary["health"] == "parser_broken"
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        run = session.execute(select(CrawlRun)).scalar_one()
        assert run.snapshot_path is not None
        assert Path(run.snapshot_path).read_bytes() == b"<html><body>new theme</body></html>"
        assert session.execute(select(Source)).scalar_one().health == "parser_broken"
    engine.dispose()


HOSTILE_PAGE = (
    b"<html><body>new theme<p>NIR 1 85 05 78 006 084 91, jean.dupont@proton.me, "
    b"IBAN FR76 3000 6000 0112 3456 7890 189</p></body></html>"
)


def test_broken_page_snapshots_are_redacted_private_and_pruned(
    config_for, migrated_url: str, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    with serve({"/forum": (200, "text/html", HOSTILE_PAGE)}) as site:
        config = config_for(site.base_url)
        config.write_text(config.read_text() + "\n[retention]\nsnapshots_per_source = 2\n")
        for _ in range(3):
            assert _crawl(config)["health"] == "parser_broken"
    folder = tmp_path / "data" / "snapshots" / "fixture-forum"
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        runs = session.execute(select(CrawlRun).order_by(CrawlRun.id)).scalars().all()
        # The oldest snapshot was pruned, and its run no longer points at it.
        assert runs[0].snapshot_path is None
        kept = sorted(Path(run.snapshot_path) for run in runs[1:] if run.snapshot_path)
    engine.dispose()
    assert kept == sorted(folder.iterdir()) and len(kept) == 2
    for path in kept:
        page = path.read_bytes()
        assert b"[NIR]" in page and b"[EMAIL]" in page and b"[IBAN]" in page
        assert b"006 084" not in page and b"dupont" not in page and b"3456 7890" not in page
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert stat.S_IMODE(folder.stat().st_mode) == stat.S_IMODE(folder.parent.stat().st_mode)
    assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_dead_source_is_down(config_for) -> None:  # type: ignore[no-untyped-def]
    summary = _crawl(config_for("http://127.0.0.1:9"))
    assert summary["status"] == "failed" and summary["health"] == "down"


def test_scrapy_list_works_from_the_project_root() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=Path(__file__).parents[3],
    )
    assert result.returncode == 0, result.stderr[-2000:]


def test_crawl_works_from_any_working_directory(tmp_path: Path, migrated_url: str) -> None:
    # systemd starts the daemon in its home directory, where there is no scrapy.cfg.
    elsewhere = tmp_path / "home"
    elsewhere.mkdir()
    with serve_forum(generate_forum(threads=5), "mybb") as forum:
        config = tmp_path / "leakwatch.toml"
        config.write_text(
            f'database_url = "{migrated_url}"\ndata_dir = "{tmp_path / "data"}"\n'
            f'[[sources]]\nname = "mybb"\nkind = "forum"\nengine = "mybb"\n'
            f'start_urls = ["{forum.section_url(2)}"]\ndownload_delay = 0\n'
        )
        result = subprocess.run(
            [sys.executable, "-m", "crawler", "--config", str(config), "crawl", "mybb"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=elsewhere,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])},
        )
        verbose = subprocess.run(
            [sys.executable, "-m", "crawler", "--config", str(config), "crawl", "mybb", "-v"],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=elsewhere,
            env={**os.environ, "PYTHONPATH": str(Path(__file__).parents[3])},
        )
    assert result.returncode == 0, result.stderr[-3000:]
    # A short summary; Scrapy's log goes to the source's log file, -v shows it instead.
    log = tmp_path / "data" / "logs" / "mybb.log"
    assert result.stdout.splitlines() == [
        "run 1: ok (health ok): 1 page(s), 3 item(s), 3 new post(s), 0 hit(s), 0 error(s)",
        f"log: {log}",
    ], result.stdout
    assert "Spider opened" not in result.stderr and "Spider opened" in log.read_text()
    assert verbose.returncode == 0 and "Spider opened" in verbose.stderr
    assert "log:" not in verbose.stdout and log.read_text().count("Spider opened") == 1
    # No telnet console nor remote-control server listens during a crawl.
    for output in (log.read_text(), verbose.stderr):
        assert "Telnet console listening" not in output
        assert "Remote control HTTP server listening" not in output


#: Personal data a hostile thread title carries, in the written forms redaction once missed.
NIR, EMAIL, PHONE = "1-85-05-78-006-084-91", "jean.dupont (at) proton.me", "+33 (0)6 12 34 56 78"
LEAKY_TITLE = (
    f"[SELLING] Hopital Prive de Thiais patients FINESS 940300445 NIR {NIR} {EMAIL} {PHONE}"
)
RAW_PIECES = ("006-084", "006 084", "dupont", "proton", "12 34 56 78", "0612345678")


def _crawl_forum(tmp_path: Path, url: str, section_url: str) -> None:
    config = tmp_path / "leakwatch.toml"
    config.write_text(
        f'database_url = "{url}"\ndata_dir = "{tmp_path / "data"}"\n'
        f'[[sources]]\nname = "board"\nkind = "forum"\nengine = "mybb"\n'
        f'start_urls = ["{section_url}"]\ndownload_delay = 0\n'
    )
    result = subprocess.run(
        [sys.executable, "-m", "crawler", "--config", str(config), "crawl", "board"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[3],
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _assert_no_raw(text: str) -> None:
    assert not [piece for piece in RAW_PIECES if piece in text], text[:3000]


def test_personal_data_in_a_thread_title_is_never_stored_shown_or_searchable(
    tmp_path: Path, migrated_url: str
) -> None:
    forum = generate_forum(threads=3)
    forum.add_thread(2, LEAKY_TITLE, author="jean.dupont@proton.me", body="Sample in PM.")
    with serve_forum(forum, "mybb") as site:
        _crawl_forum(tmp_path, migrated_url, site.section_url(2))
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        post = session.execute(select(Post).where(Post.title.contains("Thiais"))).scalar_one()
        assert post.title == (
            "[SELLING] Hopital Prive de Thiais patients FINESS 940300445 NIR [NIR] [EMAIL] [PHONE]"
        )
        assert post.author == "[EMAIL]"
        # Matching read the raw title: its FINESS number is a hit.
        assert "940300445" in {hit.matched for hit in post.hits}
        incidents = sorted({hit.incident_id for hit in post.hits})
        rows = session.execute(text("SELECT * FROM posts")).all()
        _assert_no_raw(repr(rows) + repr(session.execute(text("SELECT * FROM hits")).all()))
    engine.dispose()
    add_accounts(migrated_url)
    with serve_app(make_settings(migrated_url)) as base_url:
        client = login(base_url, "ana")
        try:
            hits = client.get("/api/hits").json()["items"]
            assert any("[NIR]" in hit["title"] for hit in hits)
            paths = ["/api/hits", "/hits", "/hits?format=csv"]
            for incident in incidents:
                paths += [f"/api/incidents/{incident}{view}" for view in ("", "/misp", "/stix")]
            for path in paths:
                response = client.get(path)
                assert response.status_code == 200, path
                _assert_no_raw(response.text)
            assert client.get("/api/hits", params={"q": "Thiais"}).json()["items"]
            for words in ("proton", "dupont", "006 084", "0612345678"):
                assert client.get("/api/hits", params={"q": words}).json()["items"] == [], words
        finally:
            client.close()
