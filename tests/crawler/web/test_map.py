"""The map of France: the tile grid is complete, counts land on the right tiles and regions,
and every tile links to its filtered hits."""

from __future__ import annotations

import re

import httpx

from crawler.matching.display_names import REGION_OF, REGIONS
from crawler.web.france import DEPARTMENTS, region_counts, shade, tiles
from tests.crawler.web.conftest import LiveServer


def test_every_department_has_one_tile_of_its_own() -> None:
    assert set(DEPARTMENTS) == set(REGION_OF)  # 96 metropolitan and 5 overseas departments
    cells = [(column, row) for _, column, row in DEPARTMENTS.values()]
    assert len(cells) == len(set(cells)) == 101


def test_shades_and_region_totals() -> None:
    counted = (0, 1, 2, 4, 5, 9, 10, 24, 25, 1000)
    assert [shade(n) for n in counted] == [0, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    counts = {"94": 3, "75": 2, "69": 1}
    regions = region_counts(counts)
    assert regions[0].name == "Île-de-France" and regions[0].count == 5
    assert regions[1].name == "Auvergne-Rhône-Alpes" and regions[1].count == 1
    assert len(regions) == len(REGIONS)
    by_code = {tile.code: tile for tile in tiles(counts)}
    assert by_code["94"].count == 3 and by_code["94"].region == "Île-de-France"
    assert by_code["2A"].count == 0 and by_code["2A"].shade == 0


def test_map_page_links_tiles_and_regions_to_their_hits(
    live_server: LiveServer, journalist_client: httpx.Client
) -> None:
    page = journalist_client.get("/map")
    assert page.status_code == 200
    assert page.text.count('class="tile"') == 101
    tile = r'data-department="94">\s*<title>94 Val-de-Marne \(Île-de-France\): 1 '
    assert re.search(tile, page.text)
    assert 'href="/hits?kind=establishment&amp;department=94"' in page.text
    assert 'href="/hits?kind=establishment&amp;region=%C3%8Ele-de-France"' in page.text
    hits = journalist_client.get("/hits?kind=establishment&department=94")
    assert "Hôpital privé de Thiais" in hits.text
    filtered = journalist_client.get("/map", params={"source": "tg-leaks", "department": "69"})
    assert 'href="/hits?source=tg-leaks&amp;kind=establishment&amp;department=69"' in filtered.text
    assert "Map of France: 1 establishment(s) named" in filtered.text
    assert journalist_client.get("/map", params={"severity": "review"}).status_code == 400
    assert journalist_client.get("/map", params={"since": "x"}).status_code == 400
    french = journalist_client.get("/map", headers={"Accept-Language": "fr"})
    assert "Carte de France : 2 établissement(s) cité(s)" in french.text
