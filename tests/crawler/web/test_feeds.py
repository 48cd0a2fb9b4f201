"""Feeds out: a saved hit search as Atom and RSS, read with a revocable per-user token.

The documents are checked with feedparser (what feed readers use) and a strict XML parser.
"""

from __future__ import annotations

import re
from dataclasses import replace
from xml.etree import ElementTree

import feedparser
import httpx
import pytest

from crawler.core.errors import InvalidFilter
from crawler.web.errors import BadRequest
from crawler.web.feed_xml import ATOM, atom_feed, clean, rss_feed
from crawler.web.feeds import search_query
from db.engine import make_engine, make_session_factory
from db.hits import HitFilters, hit_list
from db.models import User
from tests.crawler.web.conftest import LiveServer, csrf_token
from tests.seed import HOSTILE_TITLE


def _make_feed(client: httpx.Client, query: str, label: str = "") -> dict[str, str]:
    page = client.get("/hits")
    response = client.post(
        "/feeds", data={"csrf_token": csrf_token(page.text), "query": query, "label": label}
    )
    assert response.status_code == 200, response.text
    urls = dict(re.findall(r'data-kind="(atom|rss)">([^<]+)</code>', response.text))
    assert set(urls) == {"atom", "rss"}
    return urls


def test_a_saved_search_reads_as_atom_and_rss(
    live_server: LiveServer, analyst_client: httpx.Client
) -> None:
    urls = _make_feed(analyst_client, "?q=Thiais&cursor=abc&format=csv", "Thiais")
    assert urls["atom"].startswith(f"{live_server.base_url}/feeds/lwf_")
    with httpx.Client() as reader:  # a feed reader: no session cookie, no API token
        atom = reader.get(urls["atom"])
        rss = reader.get(urls["rss"])
    assert atom.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert rss.headers["content-type"] == "application/rss+xml; charset=utf-8"
    ElementTree.fromstring(atom.content)  # strict XML, or it raises
    ElementTree.fromstring(rss.content)

    parsed = feedparser.parse(atom.content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "leakwatch: Thiais"
    assert parsed.feed.link == f"{live_server.base_url}/hits?q=Thiais"
    assert len(parsed.entries) == 3
    titles = [entry.title for entry in parsed.entries]
    assert titles[-1] == "Hôpital privé de Thiais — Selling HP Thiais patient database 758k"
    assert titles[0] == f"Hôpital privé de Thiais — {HOSTILE_TITLE}"  # text, exactly
    first = parsed.entries[-1]
    assert first.id == f"urn:leakwatch:hit:{live_server.seeded.thiais_hits[0]}"
    assert first.link == f"{live_server.base_url}/hits/{live_server.seeded.thiais_hits[0]}"
    assert "758,912 records" in first.summary and "seller darkseller" in first.summary
    assert first.tags[0].term == "critical"

    channel = feedparser.parse(rss.content)
    assert not channel.bozo and channel.version == "rss20"
    assert [entry.title for entry in channel.entries] == titles
    assert channel.entries[-1].id == first.id

    feeds = analyst_client.get("/feeds")
    assert ">q=Thiais</a>" in feeds.text and "lwf_" not in feeds.text  # token shown once only


def test_revoked_or_unknown_feeds_answer_404(
    live_server: LiveServer, analyst_client: httpx.Client, journalist_client: httpx.Client
) -> None:
    urls = _make_feed(analyst_client, "")
    feed_id = re.search(r'action="/feeds/(\d+)/revoke"', analyst_client.get("/feeds").text)
    assert feed_id
    with httpx.Client() as reader:
        assert len(feedparser.parse(reader.get(urls["rss"]).content).entries) == 7
        page = journalist_client.get("/feeds")
        theirs = journalist_client.post(
            f"/feeds/{feed_id.group(1)}/revoke", data={"csrf_token": csrf_token(page.text)}
        )
        assert theirs.status_code == 404  # not the journalist's feed
        assert reader.get(urls["atom"]).status_code == 200
        mine = analyst_client.get("/feeds")
        revoked = analyst_client.post(
            f"/feeds/{feed_id.group(1)}/revoke", data={"csrf_token": csrf_token(mine.text)}
        )
        assert revoked.status_code == 303
        assert reader.get(urls["atom"]).status_code == 404
        assert reader.get(urls["rss"]).status_code == 404
        base = live_server.base_url
        assert reader.get(f"{base}/feeds/lwf_forged.atom").status_code == 404
        assert reader.get(f"{base}/feeds/{live_server.token}.atom").status_code == 404
        assert reader.get(urls["atom"].replace(".atom", ".xml")).status_code == 404
        assert "revoked" in analyst_client.get("/feeds").text


def test_a_disabled_users_feeds_stop(
    live_server: LiveServer, journalist_client: httpx.Client
) -> None:
    urls = _make_feed(journalist_client, "severity=critical")
    with httpx.Client() as reader:
        assert len(feedparser.parse(reader.get(urls["atom"]).content).entries) == 4
        engine = make_engine(live_server.database_url)
        try:
            with make_session_factory(engine).begin() as session:
                session.query(User).filter(User.username == "jo").update({"disabled": True})
        finally:
            engine.dispose()
        assert reader.get(urls["atom"]).status_code == 404


def test_bad_searches_and_forged_forms_are_refused(
    live_server: LiveServer, analyst_client: httpx.Client
) -> None:
    page = analyst_client.get("/hits")
    token = csrf_token(page.text)
    bad = analyst_client.post("/feeds", data={"csrf_token": token, "query": "since=yesterday"})
    assert bad.status_code == 400 and "since" in bad.text
    review = analyst_client.post("/feeds", data={"csrf_token": token, "query": "severity=review"})
    assert review.status_code == 400
    forged = analyst_client.post("/feeds", data={"query": "q=x"})
    assert forged.status_code == 403
    with httpx.Client(base_url=live_server.base_url) as anonymous:
        assert anonymous.post("/feeds", data={"query": "q=x"}).status_code == 303


def test_search_query_keeps_only_the_search() -> None:
    assert search_query("?q=Thiais&cursor=x&format=csv&sep=semicolon&bom=1&kind=") == "q=Thiais"
    assert search_query("") == ""
    with pytest.raises(InvalidFilter):
        search_query("min_score=2")
    with pytest.raises(BadRequest):
        search_query("severity=review")


def test_control_characters_never_reach_the_xml(migrated_url: str) -> None:
    from tests.seed import seed

    seed(migrated_url)
    engine = make_engine(migrated_url)
    try:
        with make_session_factory(engine).begin() as session:
            hits = hit_list(session, HitFilters()).items
    finally:
        engine.dispose()
    hostile = [hit for hit in hits if hit.title == HOSTILE_TITLE]
    assert hostile
    broken = [replace(hostile[0], title="a\x00b\x1bc\ufffe", excerpt="\x07")]
    atom = atom_feed("t", "urn:x", "http://127.0.0.1/hits", "http://127.0.0.1", broken)
    root = ElementTree.fromstring(atom)
    assert root.find(f"{{{ATOM}}}entry/{{{ATOM}}}title").text.endswith("abc")  # type: ignore[union-attr]
    ElementTree.fromstring(rss_feed("t", "http://127.0.0.1/hits", "http://127.0.0.1", "d", broken))
    assert clean("ok\ttab\nline\r") == "ok\ttab\nline\r"
