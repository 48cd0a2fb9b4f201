"""The web app over HTTP: logins, roles, CSRF, pages, exports and hostile content."""

from __future__ import annotations

import csv
import io

import httpx
import pytest

from tests.crawler.web.conftest import LiveServer, csrf_token, login
from tests.seed import HOSTILE_AUTHOR, HOSTILE_URL

PAGES = ["/hits", "/hits/1", "/entities", "/entities/1", "/incidents", "/incidents/1", "/sources"]


def test_every_page_and_api_call_needs_a_login(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.base_url) as anonymous:
        for path in [*PAGES, "/incidents/1/misp.json", "/hits?format=csv"]:
            response = anonymous.get(path)
            assert response.status_code == 303, path
            assert response.headers["location"].startswith("/login?next="), path
        for path in ["/api/hits", "/api/entities/1", "/api/incidents", "/api/sources",
                     "/api/openapi.json"]:  # fmt: skip
            response = anonymous.get(path)
            assert response.status_code == 401, path
            assert response.headers["www-authenticate"] == "Bearer"
        bad = anonymous.get("/api/hits", headers={"Authorization": "Bearer lw_forged"})
        assert bad.status_code == 401
        health = anonymous.get("/healthz")
        assert health.status_code == 200 and health.json() == {"status": "ok"}


def test_login_rejects_a_wrong_password_and_a_missing_csrf_token(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.base_url) as client:
        token = csrf_token(client.get("/login").text)
        wrong = client.post(
            "/login", data={"username": "ana", "password": "nope", "csrf_token": token}
        )
        assert wrong.status_code == 401 and "wrong password" in wrong.text
        forged = client.post("/login", data={"username": "ana", "password": "x" * 12})
        assert forged.status_code == 403


def test_login_redirects_only_to_local_paths(live_server: LiveServer) -> None:
    with httpx.Client(base_url=live_server.base_url) as client:
        token = csrf_token(client.get("/login").text)
        response = client.post(
            "/login",
            data={
                "username": "jo",
                "password": "correct horse battery staple",
                "csrf_token": token,
                "next": "//evil.example/",
            },  # fmt: skip
        )
        assert response.headers["location"] == "/hits"


def test_pages_render_for_a_journalist(journalist_client: httpx.Client) -> None:
    for path in PAGES:
        response = journalist_client.get(path)
        assert response.status_code == 200, path
        assert "Content-Security-Policy" in response.headers
    search = journalist_client.get("/hits", params={"q": "Thiais"})
    assert "Hôpital privé de Thiais" in search.text
    assert "Clinique du Parc Lyon" not in search.text
    entity = journalist_client.get("/entities/1")
    assert "First seen" in entity.text and "758,912 records" in entity.text
    assert "Save triage" not in journalist_client.get("/hits/1").text


def test_analyst_triages_and_journalist_cannot(
    live_server: LiveServer, analyst_client: httpx.Client, journalist_client: httpx.Client
) -> None:
    hit = live_server.seeded.thiais_hits[0]
    page = analyst_client.get(f"/hits/{hit}")
    response = analyst_client.post(
        f"/hits/{hit}/triage",
        data={"csrf_token": csrf_token(page.text), "status": "confirmed", "note": "seller known"},
    )
    assert response.status_code == 303
    assert "seller known" in analyst_client.get(f"/hits/{hit}").text
    missing_token = analyst_client.post(f"/hits/{hit}/triage", data={"status": "handled"})
    assert missing_token.status_code == 403
    journalist_page = journalist_client.get(f"/hits/{hit}")
    refused = journalist_client.post(
        f"/hits/{hit}/triage",
        data={"csrf_token": csrf_token(journalist_page.text), "status": "handled"},
    )
    assert refused.status_code == 403 and "read-only" in refused.text
    assert "confirmed" in analyst_client.get("/hits", params={"status": "confirmed"}).text


def test_false_positive_adds_an_exclusion(
    live_server: LiveServer, analyst_client: httpx.Client
) -> None:
    hit = live_server.seeded.thiais_hits[1]
    token = csrf_token(analyst_client.get(f"/hits/{hit}").text)
    response = analyst_client.post(
        f"/hits/{hit}/triage",
        data={"csrf_token": token, "status": "false_positive", "exclude": "source"},
    )
    assert response.status_code == 303
    entity = analyst_client.get(f"/entities/{live_server.seeded.thiais}")
    assert "on tg-leaks" in entity.text
    bad_scope = analyst_client.post(
        f"/hits/{hit}/triage",
        data={"csrf_token": token, "status": "confirmed", "exclude": "phrase", "phrase": "x"},
    )
    assert bad_scope.status_code == 400


def test_hostile_content_is_inert(live_server: LiveServer, analyst_client: httpx.Client) -> None:
    for path in ["/hits", f"/hits/{live_server.seeded.hostile_hit}", "/entities/1"]:
        html = analyst_client.get(path).text
        assert "<script>alert" not in html and "<img src=x" not in html, path
        assert "&lt;script&gt;" in html, path
        assert 'href="javascript:' not in html.lower(), path
        assert '<a href="javascript' not in html
    detail = analyst_client.get(f"/hits/{live_server.seeded.hostile_hit}").text
    assert HOSTILE_URL in detail and "not an http(s) link" in detail


def test_csv_export_neutralises_formulas(analyst_client: httpx.Client) -> None:
    response = analyst_client.get("/hits", params={"q": "Thiais", "format": "csv"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/csv")
    assert "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.text)))
    assert len(rows) == 3
    authors = {row["author"] for row in rows}
    assert "'" + HOSTILE_AUTHOR in authors and HOSTILE_AUTHOR not in authors
    assert not any(cell.startswith(("=", "+", "-", "@")) for row in rows for cell in row.values())


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_json_exports_of_every_list(analyst_client: httpx.Client, fmt: str) -> None:
    for path in ["/hits", "/entities/1", "/incidents", "/sources"]:
        response = analyst_client.get(path, params={"format": fmt})
        assert response.status_code == 200, path
        text = response.text.strip()
        assert text.startswith("[") if fmt == "json" else text.startswith("{"), path


def test_bad_parameters_are_400(analyst_client: httpx.Client) -> None:
    for params in ({"since": "yesterday"}, {"min_score": "2"}, {"kind": "castle"},
                   {"cursor": "garbage"}, {"format": "xml"}):  # fmt: skip
        assert analyst_client.get("/hits", params=params).status_code == 400, params
    assert analyst_client.get("/hits/999999").status_code == 404


def test_api_with_a_token(live_server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {live_server.token}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers) as api:
        first = api.get("/api/hits", params={"limit": 2}).json()
        second = api.get("/api/hits", params={"limit": 2, "cursor": first["next_cursor"]}).json()
        ids = [hit["id"] for hit in first["items"] + second["items"]]
        assert len(ids) == len(set(ids)) == 4
        thiais = api.get(f"/api/entities/{live_server.seeded.thiais}").json()
        assert thiais["entity"]["first_seen"].startswith("2024-11-19")
        assert thiais["claims"][0]["records"] == 758912
        incidents = api.get("/api/incidents", params={"entity": "940000573"}).json()["items"]
        assert incidents[0]["sources"] == ["breachforum", "tg-leaks"]
        misp = api.get(f"/api/incidents/{incidents[0]['id']}/misp").json()["Event"]
        assert {obj["name"] for obj in misp["Object"]} == {"organization", "url"}
        sources = api.get("/api/sources").json()["items"]
        assert {s["name"]: s["health"] for s in sources}["paste-watch"] == "parser_broken"
        assert api.get("/api/hits", params={"kind": "castle"}).status_code == 422
        listed = api.get("/api/hits", params={"ransomware_group": "LOCKBIT"}).json()["items"]
        assert [(hit["entity_name"], hit["ransomware_group"]) for hit in listed] == [
            ("Biolab Sud", "lockbit")
        ]
        assert api.get("/api/entities/999999").status_code == 404


def test_logout_ends_the_session(live_server: LiveServer) -> None:
    client = login(live_server.base_url, "jo")
    token = csrf_token(client.get("/hits").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 303
    assert client.get("/hits").status_code == 303
    client.close()
