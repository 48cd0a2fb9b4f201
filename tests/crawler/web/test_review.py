"""Possible hits in the web UI and the JSON API, and a real crawl whose ambiguous name an analyst
resolves through the API."""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import httpx
from sqlalchemy import select

from crawler.core.config import load_config
from db.accounts import create_user, issue_token
from db.engine import make_engine, make_session_factory
from db.models import Entity, Exclusion, Hit, OutboxMessage, PossibleHit
from tests.crawler.web.conftest import PASSWORD, LiveServer, csrf_token, login, serve_app
from tests.loopback import serve


def test_pages_list_and_show_possible_hits(
    live_server: LiveServer, journalist_client: httpx.Client
) -> None:
    seeded = live_server.seeded
    listing = journalist_client.get("/possible-hits")
    assert listing.status_code == 200
    assert "CH de Saint-Denis" in listing.text and "Félix Guyon" in listing.text
    redirect = journalist_client.get("/hits", params={"severity": "review", "department": "974"})
    assert redirect.status_code == 303
    assert redirect.headers["location"] == "/possible-hits?department=974"
    assert "CH de Saint-Denis" in journalist_client.get(redirect.headers["location"]).text
    assert "No possible hit" in journalist_client.get("/possible-hits?department=69").text
    detail = journalist_client.get(f"/possible-hits/{seeded.possible}")
    assert detail.status_code == 200 and "Centre hospitalier de Saint-Denis" in detail.text
    assert "Resolve to this entity" not in detail.text and "Read-only account" in detail.text
    exported = journalist_client.get("/possible-hits", params={"format": "csv"})
    [row] = list(csv.DictReader(io.StringIO(exported.text)))
    assert row["matched"] == "CH de Saint-Denis" and row["severity"] == "review"
    assert journalist_client.get("/possible-hits/999999").status_code == 404


def test_the_possible_hit_page_escapes_crawled_text(
    live_server: LiveServer, analyst_client: httpx.Client
) -> None:
    html = analyst_client.get(f"/possible-hits/{live_server.seeded.possible}").text
    assert "<img src=x" not in html and "&lt;img src=x" in html  # the seeded author
    assert "Resolve to this entity" in html and "Dismiss" in html


def test_analyst_dismisses_with_the_form(
    live_server: LiveServer, analyst_client: httpx.Client, journalist_client: httpx.Client
) -> None:
    possible = live_server.seeded.possible
    path = f"/possible-hits/{possible}/dismiss"
    refused = journalist_client.post(
        path, data={"csrf_token": csrf_token(journalist_client.get("/possible-hits").text)}
    )
    assert refused.status_code == 403
    token = csrf_token(analyst_client.get(f"/possible-hits/{possible}").text)
    assert analyst_client.post(path, data={"exclude": "phrase"}).status_code == 403  # no CSRF
    bad = analyst_client.post(path, data={"csrf_token": token, "exclude": "entity"})
    assert bad.status_code == 400
    done = analyst_client.post(path, data={"csrf_token": token, "exclude": "phrase"})
    assert done.status_code == 303
    page = analyst_client.get(f"/possible-hits/{possible}").text
    assert "Already dismissed" in page
    entity = analyst_client.get(f"/entities/{live_server.seeded.saint_denis}").text
    assert "phrase “ch de saint-denis”" in entity
    again = analyst_client.post(path, data={"csrf_token": token})
    assert again.status_code == 409


def test_api_lists_resolves_and_refuses(live_server: LiveServer) -> None:
    seeded = live_server.seeded
    headers = {"Authorization": f"Bearer {live_server.token}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers) as api:
        [item] = api.get("/api/possible-hits", params={"region": "La Réunion"}).json()["items"]
        assert item["id"] == seeded.possible and item["severity"] == "review"
        assert api.get("/api/possible-hits", params={"department": "69"}).json()["items"] == []
        assert api.get("/api/possible-hits", params={"severity": "high"}).status_code == 422
        path = f"/api/possible-hits/{seeded.possible}"
        wrong = api.post(f"{path}/resolve", json={"entity_id": seeded.thiais})
        assert wrong.status_code == 404 and "not a candidate" in wrong.json()["detail"]
        body = {"entity_id": seeded.saint_denis, "note": "Delafontaine", "alias": "CH Delafontaine"}
        resolved = api.post(f"{path}/resolve", json=body)
        assert resolved.status_code == 200, resolved.text
        result = resolved.json()
        assert result["new"] and result["alias_added"]
        assert result["hit"]["entity_name"] == "Centre hospitalier de Saint-Denis"
        assert result["hit"]["triage_status"] == "confirmed" and result["hit"]["incident_id"]
        assert api.get(path).json()["triage_status"] == "confirmed"
        assert api.post(f"{path}/resolve", json=body).status_code == 409
        assert api.post(f"{path}/dismiss", json={}).status_code == 409
        hits = api.get("/api/hits", params={"entity": "930110051"}).json()["items"]
        assert [hit["id"] for hit in hits] == [result["hit"]["id"]]


def test_api_triage_needs_an_analyst_and_csrf_with_a_session(live_server: LiveServer) -> None:
    path = f"/api/possible-hits/{live_server.seeded.possible}/dismiss"
    engine = make_engine(live_server.database_url)
    with make_session_factory(engine).begin() as session:
        journalist_token = issue_token(session, "jo", "tests")
    engine.dispose()
    refused = httpx.post(
        live_server.base_url + path,
        json={},
        headers={"Authorization": f"Bearer {journalist_token}"},
    )
    assert refused.status_code == 403
    client = login(live_server.base_url, "ana")
    token = csrf_token(client.get("/possible-hits").text)
    assert client.post(path, json={}).status_code == 403
    dismissed = client.post(path, json={"note": "news item"}, headers={"X-CSRF-Token": token})
    assert dismissed.status_code == 200 and dismissed.json()["exclusions"] == 0
    assert dismissed.json()["possible_hit"]["triage_status"] == "false_positive"
    client.close()


def test_api_triages_a_hit_with_the_same_rules_as_the_form(live_server: LiveServer) -> None:
    hit = live_server.seeded.thiais_hits[0]
    path = f"/api/hits/{hit}/triage"
    engine = make_engine(live_server.database_url)
    with make_session_factory(engine).begin() as session:
        journalist_token = issue_token(session, "jo", "tests")
    engine.dispose()
    refused = httpx.post(
        live_server.base_url + path,
        json={"status": "handled"},
        headers={"Authorization": f"Bearer {journalist_token}"},
    )
    assert refused.status_code == 403
    api = httpx.Client(
        base_url=live_server.base_url, headers={"Authorization": f"Bearer {live_server.token}"}
    )
    done = api.post(path, json={"status": "confirmed", "note": "CERT informed"})
    assert done.status_code == 200, done.text
    assert done.json()["triage_status"] == "confirmed" and done.json()["triaged_by"] == "ana"
    assert api.post(path, json={"status": "maybe"}).status_code == 422
    excluded = api.post(path, json={"status": "handled", "exclude": "entity"})
    assert excluded.status_code == 400 and "false positive" in excluded.json()["detail"]
    assert api.post("/api/hits/999999/triage", json={"status": "new"}).status_code == 404
    api.close()
    client = login(live_server.base_url, "ana")
    token = csrf_token(client.get(f"/hits/{hit}").text)
    assert client.post(path, json={"status": "handled"}).status_code == 403  # no CSRF header
    handled = client.post(path, json={"status": "handled"}, headers={"X-CSRF-Token": token})
    assert handled.status_code == 200 and handled.json()["triage_status"] == "handled"
    assert client.get(f"/api/hits/{hit}").json()["triage_status"] == "handled"
    client.close()


LISTING = """<html><body><ul>
<li class="thread" data-id="{id}"><a href="/t/{id}">{title}</a>
  <span class="author">seller1</span></li>
</ul></body></html>"""
CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[web]
secret_key = "test-secret-key-0123456789abcdef"

[watchlist]
bundled = false

[[watchlist.entries]]
name = "Clinique Saint-Joseph"
kind = "establishment"
finess = "130785652"
city = "Marseille"
department = "13"

[[watchlist.entries]]
name = "Clinique Saint Joseph"
kind = "establishment"
finess = "490000262"
city = "Trélazé"
department = "49"

[[sources]]
name = "fixture-forum"
kind = "forum"
engine = "custom"
start_urls = ["{base}/forum"]
download_delay = 0

[[channels]]
name = "cert"
type = "webhook"
url = "http://127.0.0.1:9/cert"
signing_secret = "whsec_bGVha3dhdGNoLXRlc3Qtc2lnbmluZy1rZXktMDEyMw=="

[[routes]]
channel = "cert"

[[routes]]
channel = "cert"
possible_hits = true
"""
RUNNER = """
import sys
from pathlib import Path
from crawler.core.config import load_config
from crawler.runtime.crawl import run_crawl
run_crawl(load_config(Path(sys.argv[1])), "fixture-forum",
          scrapy_overrides={"SPIDER_MODULES": ["tests.crawler.runtime.sample_spiders"]})
import gc
gc.freeze()  # the process ends: exit without walking the matcher's objects (~0.7 s)
"""


def _crawl(config: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-c", RUNNER, str(config)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[3],
    )
    assert result.returncode == 0, result.stderr[-3000:]


def test_a_crawled_ambiguous_name_is_resolved_through_the_api(
    tmp_path: Path, migrated_url: str
) -> None:
    config = tmp_path / "leakwatch.toml"
    title = "[VENTE] Clinique Saint-Joseph : base patients 120k lignes, 2 BTC"
    with serve({"/forum": (200, "text/html", LISTING.format(id=1, title=title).encode())}) as site:
        config.write_text(
            CONFIG.format(database_url=migrated_url, data_dir=tmp_path / "data", base=site.base_url)
        )
        _crawl(config)
        engine = make_engine(migrated_url)
        sessions = make_session_factory(engine)
        with sessions.begin() as session:
            assert session.execute(select(Hit)).first() is None
            possible = session.execute(select(PossibleHit)).scalar_one()
            assert possible.matched == "Clinique Saint-Joseph"
            assert possible.reasons == ["health", "sale"]
            keys = [candidate.entity.key for candidate in possible.candidates]
            assert sorted(keys) == ["finess:130785652", "finess:490000262"]
            marseille = session.execute(
                select(Entity.id).where(Entity.key == "finess:130785652")
            ).scalar_one()
            held = session.execute(select(OutboxMessage)).scalar_one()
            assert (held.channel, held.kind, held.status) == ("cert", "possible_hit", "held")
            create_user(session, "ana", "analyst", PASSWORD)
            token = issue_token(session, "ana", "tests")
        with serve_app(load_config(config)) as base_url:
            api = httpx.Client(base_url=base_url, headers={"Authorization": f"Bearer {token}"})
            [item] = api.get("/api/possible-hits", params={"status": "new"}).json()["items"]
            body = {"entity_id": marseille, "alias": "Clinique St-Jo Prado"}
            resolved = api.post(f"/api/possible-hits/{item['id']}/resolve", json=body)
            api.close()
        assert resolved.status_code == 200, resolved.text
        hit = resolved.json()["hit"]
        assert hit["entity_name"] == "Clinique Saint-Joseph" and hit["severity"] == "critical"
        with sessions.begin() as session:
            alert = session.execute(
                select(OutboxMessage).where(OutboxMessage.kind == "alert")
            ).scalar_one()
            assert (alert.channel, alert.status, alert.hit_id) == ("cert", "pending", hit["id"])
        # The analyst's alias reaches the matcher of the next crawl: the clinic is now named.
        alias_post = "Dump Clinique St-Jo Prado, dossiers patients"
        site.routes["/forum"] = (200, "text/html", LISTING.format(id=2, title=alias_post).encode())
        _crawl(config)
        with sessions.begin() as session:
            new = session.execute(
                select(Hit).where(Hit.matched == "Clinique St-Jo Prado")
            ).scalar_one()
            assert new.entity_id == marseille
            assert session.execute(select(Exclusion)).first() is None
        engine.dispose()
