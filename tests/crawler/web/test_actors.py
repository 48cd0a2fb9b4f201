"""Pages of ransomware groups and seller handles, the source page, and the charts on pages."""

from __future__ import annotations

import re

import httpx

from tests.crawler.web.conftest import LiveServer
from tests.seed import HOSTILE_AUTHOR


def test_who_named_french_health_entities_in_a_year(journalist_client: httpx.Client) -> None:
    page = journalist_client.get("/actors", params={"year": "2024", "kind": "establishment"})
    assert page.status_code == 200
    assert 'href="/actors/seller?year=2024&amp;kind=establishment&amp;name=darkseller"' in page.text
    assert ">lyonleaker</a>" in page.text
    assert "lockbit" not in page.text  # it named a lab, not an establishment
    everything = journalist_client.get("/actors")
    assert 'href="/actors/group?name=lockbit"' in everything.text
    assert "None in this period." not in everything.text
    empty = journalist_client.get("/actors", params={"year": "2025"})
    assert empty.text.count("None in this period.") == 2
    for bad in ({"year": "24"}, {"year": "abc"}, {"kind": "hospital"}):
        assert journalist_client.get("/actors", params=bad).status_code == 400, bad


def test_a_group_page_lists_what_it_named_and_links_to_the_hits(
    live_server: LiveServer, journalist_client: httpx.Client
) -> None:
    page = journalist_client.get("/actors/group", params={"name": "LOCKBIT"})
    assert page.status_code == 200
    assert "<h1>lockbit" in page.text
    assert f'href="/entities/{live_server.seeded.biolab}">Biolab Sud</a>' in page.text
    assert 'href="/hits?ransomware_group=lockbit"' in page.text
    assert 'data-chart="actor-weekly"' in page.text and "<rect" in page.text
    hits = journalist_client.get("/hits", params={"ransomware_group": "lockbit"})
    assert hits.text.count("<tr>") == 2  # header and the Biolab hit


def test_a_seller_page_with_a_year(journalist_client: httpx.Client) -> None:
    page = journalist_client.get("/actors/seller", params={"name": "darkseller", "year": "2024"})
    assert page.status_code == 200
    assert "Hôpital privé de Thiais" in page.text
    assert "2 hit(s)" in page.text
    link = 'href="/hits?seller=darkseller&amp;since=2024-01-01&amp;until=2024-12-31"'
    assert link in page.text
    hits = journalist_client.get("/hits?seller=darkseller&since=2024-01-01&until=2024-12-31")
    assert hits.text.count("/hits/") >= 2
    assert journalist_client.get("/actors/seller", params={"name": "nobody"}).status_code == 404
    assert journalist_client.get("/actors/seller").status_code == 400
    assert journalist_client.get("/actors/other", params={"name": "x"}).status_code == 400


def test_hostile_handles_stay_text(journalist_client: httpx.Client) -> None:
    page = journalist_client.get("/actors/seller", params={"name": HOSTILE_AUTHOR})
    assert page.status_code == 200
    assert "=HYPERLINK(&#34;http://evil.example/&#34;,&#34;clic&#34;)" in page.text
    assert 'href="http://evil.example/' not in page.text


def test_hit_pages_link_to_the_people_behind_the_posts(
    live_server: LiveServer, journalist_client: httpx.Client
) -> None:
    listing = journalist_client.get("/hits")
    assert 'href="/actors/seller?name=darkseller"' in listing.text
    assert 'href="/actors/group?name=lockbit"' in listing.text
    hit = journalist_client.get(f"/hits/{live_server.seeded.thiais_hits[0]}")
    assert 'href="/actors/seller?name=darkseller"' in hit.text


def test_charts_on_the_hit_list_entity_and_source_pages(
    live_server: LiveServer, journalist_client: httpx.Client
) -> None:
    listing = journalist_client.get("/hits")
    assert 'data-chart="hits-weekly"' in listing.text
    assert "7 hit(s) per week by severity" in listing.text
    filtered = journalist_client.get("/hits", params={"source": "tg-leaks"})
    assert "1 hit(s) per week by severity" in filtered.text
    none = journalist_client.get("/hits", params={"seller": "nobody"})
    assert "data-chart" not in none.text
    entity = journalist_client.get(f"/entities/{live_server.seeded.thiais}")
    assert 'data-chart="entity-weekly"' in entity.text
    assert "3 hit(s) per week by severity" in entity.text

    sources = journalist_client.get("/sources")
    source_id = re.search(r'href="/sources/(\d+)">breachforum', sources.text)
    assert source_id
    source = journalist_client.get(f"/sources/{source_id.group(1)}")
    assert source.status_code == 200
    assert 'data-chart="source-runs"' in source.text
    assert "1 run(s) from 2024-11-19 to 2024-11-19" in source.text
    assert journalist_client.get("/sources/99999").status_code == 404
