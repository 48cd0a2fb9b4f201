"""Issue 17 on the web: entity lookup folded as the matcher folds, claims in exports, CSV for
French spreadsheets."""

from __future__ import annotations

import csv
import io

import httpx

from tests.crawler.web.conftest import LiveServer
from tests.seed import HOSTILE_AUTHOR

THIAIS = "Hôpital privé de Thiais"


def test_entity_search_folds_accents_case_and_reads_aliases(analyst_client: httpx.Client) -> None:
    for query in ("Thiais", "hopital PRIVE de thiais", "HP-Thiais", "940000565"):
        page = analyst_client.get("/entities", params={"q": query})
        assert page.status_code == 200
        assert f">{THIAIS}</a>" in page.text, query
    watched = analyst_client.get("/entities", params={"q": "hôpital foch"}).text
    assert "Hôpital Foch" in watched and "watched, no post yet" in watched


def test_api_entity_filters_and_lookup(live_server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {live_server.token}"}
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as api:
        for entity in ("hopital prive de thiais", "HP THIAIS", "Hôpital-Privé"):
            items = api.get("/api/hits", params={"entity": entity}).json()["items"]
            assert {hit["entity_name"] for hit in items} == {THIAIS}, entity
            assert len(items) == 3
        group = api.get("/api/hits", params={"group": "ramsay sante"}).json()["items"]
        assert len(group) == 4  # the group and its member, accents aside
        incidents = api.get("/api/incidents", params={"entity": "hp thiais"}).json()["items"]
        assert [incident["entity_name"] for incident in incidents] == [THIAIS]
        found = api.get("/api/entities", params={"q": "HOPITAL FOCH"}).json()
        assert [(e["name"], e["id"], e["finess_et"]) for e in found] == [
            ("Hôpital Foch", None, "920000650")
        ]
        stored = api.get("/api/entities", params={"q": "thiais"}).json()
        assert stored[0]["id"] == live_server.seeded.thiais  # stored entities come first
        assert api.get("/api/entities").status_code == 422


def test_hit_and_timeline_exports_carry_claims(
    live_server: LiveServer, analyst_client: httpx.Client
) -> None:
    hits = analyst_client.get("/hits", params={"q": "Thiais", "format": "csv"}).text
    rows = {row["title"][:10]: row for row in csv.DictReader(io.StringIO(hits))}
    first = rows["Selling HP"]
    assert (first["records"], first["data_types"], first["price"]) == (
        "758912",
        "identity|nir",
        "2.0",
    )
    assert (first["currency"], first["seller"]) == ("BTC", "darkseller")
    as_json = analyst_client.get("/hits", params={"entity": "lyon", "format": "json"}).json()
    assert {(hit["records"], hit["currency"], hit["seller"]) for hit in as_json} == {
        (120000, "USD", "lyonleaker")
    }
    timeline = analyst_client.get(
        f"/entities/{live_server.seeded.thiais}", params={"format": "csv"}
    ).text
    entries = list(csv.DictReader(io.StringIO(timeline)))
    assert {entry["seller"] for entry in entries} == {"darkseller", "'" + HOSTILE_AUTHOR}
    assert "758912" in {entry["records"] for entry in entries}


def test_csv_for_french_spreadsheets(analyst_client: httpx.Client) -> None:
    plain = analyst_client.get("/hits", params={"q": "Thiais", "format": "csv"})
    assert not plain.content.startswith(b"\xef\xbb\xbf")
    french = analyst_client.get(
        "/hits", params={"q": "Thiais", "format": "csv", "bom": "1", "sep": "semicolon"}
    )
    assert french.status_code == 200 and french.content.startswith(b"\xef\xbb\xbf")
    text = french.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("id;created_at;severity;")
    rows = list(csv.DictReader(io.StringIO(text), delimiter=";"))
    assert len(rows) == 3 and "'" + HOSTILE_AUTHOR in {row["author"] for row in rows}
    page = analyst_client.get("/hits").text
    assert "bom=1&amp;sep=semicolon" in page  # the export link
    assert analyst_client.get("/hits", params={"format": "csv", "sep": "tab"}).status_code == 400


def test_page_exports_accept_an_api_token_and_html_pages_do_not(live_server: LiveServer) -> None:
    headers = {"Authorization": f"Bearer {live_server.token}"}
    thiais = live_server.seeded.thiais
    with httpx.Client(base_url=live_server.base_url, headers=headers, timeout=30) as script:
        hits = script.get("/hits", params={"q": "Thiais", "format": "csv"})
        assert hits.status_code == 200 and hits.headers["content-type"].startswith("text/csv")
        assert len(list(csv.DictReader(io.StringIO(hits.text)))) == 3
        timeline = script.get(f"/entities/{thiais}", params={"format": "jsonl"})
        assert timeline.status_code == 200 and len(timeline.text.splitlines()) == 3
        assert script.get("/incidents", params={"format": "json"}).status_code == 200
        assert script.get("/sources", params={"format": "csv"}).status_code == 200
        assert script.get("/incidents/1/misp.json").status_code == 200
        assert script.get("/hits").status_code == 401  # an HTML page needs a session
    forged = httpx.get(
        live_server.base_url + "/hits?format=csv", headers={"Authorization": "Bearer lw_forged"}
    )
    assert forged.status_code == 401
