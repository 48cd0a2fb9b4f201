"""The bundled group layouts on loopback fixture pages written to each group's markup.

Each page (tests/fixtures/leaksite/layouts/<group>.html) follows the listing markup that public
scrapers read (the layout's header names the source): page chrome, scripts, several victims
with French and foreign names, status markers. Every layout is checked offline and through a
real crawl of a loopback server serving its page.
"""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from crawler.demo.loopback import LoopbackServer, SiteRequest, SiteResponse, html, not_found
from spiders.leaksites.layout import LAYOUT_FOLDER, bundled_layout, bundled_layout_names
from spiders.leaksites.parsers import parse_leak_listing
from tests.spiders.leaksites.crawls import crawl, source_for

FIXTURES = Path(__file__).parents[2] / "fixtures" / "leaksite" / "layouts"
SITE = "http://leaks.example.onion/"
NOW = datetime(2024, 12, 1, 12, 0, tzinfo=UTC)

#: The victims each fixture page lists, in page order, as written in it.
VICTIMS = {
    "8base": ["Groupe Hospitalier Sainte-Marthe", "Kansai Precision Works",
              "Laboratoire Biomédical du Rhône", "Oakridge Logistics LLC"],
    "alphv": ["Groupement Hospitalier de Territoire Cœur Grand Est",
              "Westbrook Pharmaceutical Distribution", "Clinique Chirurgicale du Val de Seine",
              "Andersen Maritime A/S"],
    "bianlian": ["EHPAD Les Jardins d'Arcadie", "Meridian Dental Partners",
                 "Centre de Radiologie de la Loire", "Nordholm Shipping AS"],
    "blackbasta": ["Centre Hospitalier de Vienne", "Hartwell Engineering",
                   "Clinique Pasteur Royan", "Vogel Metallbau GmbH"],
    "blacksuit": ["Hôpital Privé de la Loire", "Pinecrest Municipal Utilities",
                  "Centre de Dialyse Artois", "Kerrigan & Daughters Ltd"],
    "cactus": ["Clinique des Cèdres", "Hollister Tooling Inc.", "Groupe Ambulancier du Var",
               "Stavanger Offshore Services"],
    "clop": ["CLINIQUE-SAINT-HILAIRE.FR", "TRISTATE-FREIGHT.COM", "CHU-EXEMPLE.FR",
             "HALDANE-PHARMA.CO.UK"],
    "cuba": ["ch-montargis.fr", "bristow-valves.com", "ehpad-beausoleil.fr",
             "almeida-transportes.pt"],
    "daixin": ["Centre Hospitalier Intercommunal des Alpes", "Lakeshore Community Health",
               "Ambulances Pyrénées Secours", "Sunward Travel Group"],
    "everest": ["Centre Hospitalier de la Côte Basque", "Redwood County Government",
                "Pharmacie Centrale des Hôpitaux", "Bergmann Elektro AG"],
    "incransom": ["Centre Hospitalier de Cannes Simone Veil", "NHS Dumfries and Galloway",
                  "Clinique Mutualiste de Bretagne Occidentale", "Yamato Kogyo Trading"],
    "lorenz": ["Groupe Hospitalier Nord-Essonne", "Kessler Brothers Roofing",
               "Institut de Cancérologie de l'Ouest Privé", "Hanwell Port Authority"],
    "medusa": ["Centre Hospitalier de Brive", "Tri-Valley Unified School District",
               "Clinique Vétérinaire et Laboratoire d'Analyses Médicales Sud-Ouest",
               "Pemberton Mills Ltd"],
    "monti": ["Polyclinique de l'Atlantique", "Cordova Regional Bank",
              "Ehpad Résidence Les Tilleuls", "Kowalczyk Logistyka"],
    "noescape": ["Centre Hospitalier de Saint-Malo", "Ridgeline Dental Group",
                 "Centre de Santé Mutualiste de Lens", "Ferretti Costruzioni S.p.A."],
    "qilin": ["Centre Hospitalier de Dax-Côte d'Argent", "Synnovis Pathology",
              "Clinique de l'Union", "Yanfeng Auto Parts"],
    "ransomhub": ["www.chu-exemple-nord.fr", "lmgroup.com", "Clinique Saint-Vincent Besançon",
                  "halcyonmarine.com.au"],
    "rhysida": ["Centre Hospitalier d'Armentières", "Kingsbridge Library Trust",
                "Mutuelle Santé Provence", "Municipalidad de Puerto Claro"],
    "vicesociety": ["Centre Hospitalier d'Arles", "Lincoln Unified School District",
                    "Institut Médico-Éducatif Les Cigales", "Hochschule Rheinland"],
}  # fmt: skip

#: One victim of each page, field by field (dates as ISO 8601, UTC).
FIRST_VICTIM: dict[str, dict[str, Any]] = {
    "8base": {"post_url": f"{SITE}post/Groupe-Hospitalier-Sainte-Marthe",
              "discovered": "2023-06-14T00:00:00+00:00"},
    "alphv": {"description": "Hospital group. We have downloaded 1.4 TB: patients' medical "
              "records, employees' personal data, contracts. The data will be published if no "
              "contact."},
    "bianlian": {"website": "www.jardins-arcadie.fr",
                 "post_url": f"{SITE}companies/ehpad-les-jardins-d-arcadie/"},
    "blackbasta": {"website": "www.ch-vienne.fr"},
    "blacksuit": {"website": "https://www.hpl-saint-etienne.fr",
                  "post_url": f"{SITE}index.php?id=4f2a61"},
    "cactus": {"discovered": "2024-03-12T00:00:00+00:00",
               "post_url": f"{SITE}posts/clinique-des-cedres"},
    "clop": {"post_url": f"{SITE}clinique-saint-hilaire-fr"},
    "cuba": {"website": "ch-montargis.fr", "post_url": f"{SITE}company/ch-montargis.fr"},
    "daixin": {"website": "www.chi-alpes.fr"},
    "everest": {"discovered": "2024-02-14T09:12:44+00:00",
                "post_url": f"{SITE}news/centre-hospitalier-de-la-cote-basque-data-leak/"},
    "incransom": {"discovered": "2024-04-17T00:00:00+00:00",
                  "post_url": f"{SITE}blog/disclosures/6650a1f2c3d4e5f6a7b8c9d0"},
    "lorenz": {"website": "https://www.ghne.fr", "discovered": "2023-03-14T00:00:00+00:00"},
    "medusa": {"discovered": "2024-01-10T14:22:00+00:00",
               "post_url": f"{SITE}detail?id=7a1c0e52-4b1f-4a4e-9c0b-2f11d3a0e001"},
    "monti": {"published": "2023-06-09T15:04:11+00:00", "post_url": f"{SITE}lk/3f9a1b"},
    "noescape": {"website": "ch-stmalo.fr", "discovered": "2023-11-12T00:00:00+00:00",
                 "post_url": f"{SITE}post/9962b964-ac11-4bac-811d-d0bf10d81b24"},
    "qilin": {"website": "https://www.ch-dax.fr", "discovered": "2024-11-20T00:00:00+00:00",
              "post_url": f"{SITE}site/view?uuid=6c1f2a90-11aa-4c2e-9f00-000000000001"},
    "ransomhub": {"website": "www.chu-exemple-nord.fr", "status": "published"},
    "rhysida": {"website": "https://www.ch-armentieres.fr",
                "post_url": f"{SITE}archive.php?company=ch-armentieres"},
    "vicesociety": {"website": "https://www.ch-arles.fr"},
}  # fmt: skip

#: Status markers written into names on the pages: cut from the title, kept as the status.
STATUSES = {("8base", "Laboratoire Biomédical du Rhône"): "published",
            ("ransomhub", "lmgroup.com"): "published"}  # fmt: skip


@cache
def page(group: str) -> str:
    return (FIXTURES / f"{group}.html").read_text(encoding="utf-8")


def as_json(value: Any) -> Any:
    return value.isoformat() if isinstance(value, datetime) else value


def test_every_new_layout_has_a_fixture_page_and_says_what_it_is_based_on() -> None:
    assert set(VICTIMS) == set(bundled_layout_names()) - {"lockbit3", "play"}
    for group in VICTIMS:
        header = (LAYOUT_FOLDER / f"{group}.yaml").read_text(encoding="utf-8")
        assert "Based on " in header and " @ " in header, group
        assert (FIXTURES / f"{group}.html").is_file(), group


@pytest.mark.parametrize("group", sorted(VICTIMS))
def test_layout_reads_its_page(group: str) -> None:
    posts = parse_leak_listing(page(group), SITE, bundled_layout(group), NOW)
    assert [post.post_title for post in posts] == VICTIMS[group]
    assert {post.group_name for post in posts} == {group}
    assert {post.layout for post in posts} == {None}
    first = posts[0]
    for name, expected in FIRST_VICTIM[group].items():
        assert as_json(getattr(first, name)) == expected, name
    for post in posts:
        assert STATUSES.get((group, post.post_title)) in (None, post.status)


class FixtureSite:
    """Serves one fixture page as the listing; every other path is a 404."""

    def __init__(self, body: str) -> None:
        self.body = body

    def handle(self, request: SiteRequest) -> SiteResponse:
        return html(self.body) if request.route == "/" else not_found()


#: Every layout is read offline above; the crawl path is the same for all of them (a Scrapy
#: process costs ~8 s of CPU), so three layouts of different shapes go through a real crawl.
CRAWLED = ("alphv", "lorenz", "ransomhub")


@pytest.mark.parametrize("group", CRAWLED)
def test_crawl_of_a_loopback_site_with_the_layout(tmp_path: Path, group: str) -> None:
    with LoopbackServer(FixtureSite(page(group))) as server:
        result = crawl(tmp_path, source_for(server.base_url, options={"layout": group}))
    assert result["health"] == []
    assert [item["post_title"] for item in result["items"]] == VICTIMS[group]
    assert {item["group_name"] for item in result["items"]} == {group}
    assert {item["layout"] for item in result["items"]} == {None}
    assert result["state"]["listing_complete"] is True
    assert len(result["state"]["seen_ids"]) == len(VICTIMS[group])
