"""The layout-free generic reader on real pages, on every layout's fixture page without its
layout, on pages that are no listing, and on small pages for each rule; and the spider's use of
it (sources without a layout, and the fallback when a layout finds nothing)."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import pytest

from crawler.core.config import SourceConfig
from crawler.demo.loopback import LoopbackServer
from spiders.leaksites.family import parse_leak_site
from spiders.leaksites.generic import GENERIC, parse_generic_page
from spiders.leaksites.layout import bundled_layout
from spiders.leaksites.parsers import parse_leak_listing
from tests.spiders.leaksites.crawls import crawl, source_for
from tests.spiders.leaksites.test_bundled_layouts import VICTIMS, FixtureSite

FIXTURES = Path(__file__).parents[2] / "fixtures" / "leaksite"
SITE = "http://leaks.example.onion/"
NOW = datetime(2024, 10, 4, 12, 0, tzinfo=UTC)
#: Pages the generic reader cannot read, and why: the layout is needed there.
NEEDS_LAYOUT = {
    "clop": "the victims are the site's menu entries, and menus are page chrome",
    "cuba": "the victim's name is only in its link's path (/company/<name>)",
}


@cache
def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def generic(html: str, group: str = "unknown") -> list:  # type: ignore[type-arg]
    return parse_generic_page(html, SITE, group, NOW).posts


# --- real pages -----------------------------------------------------------------------------


def test_real_lockbit_page_without_a_layout() -> None:
    found = generic(fixture("LockBit3.0.html"), "lockbit3")
    expected = parse_leak_listing(fixture("LockBit3.0.html"), SITE, bundled_layout("lockbit3"), NOW)
    assert len(found) == len(expected) == 463
    assert [p.post_title for p in found] == [p.post_title for p in expected]
    assert [p.post_url for p in found] == [p.post_url for p in expected]
    assert [p.website for p in found] == [p.website for p in expected]
    assert Counter(p.status for p in found) == Counter({"published": 459, "countdown": 4})
    assert [p.status for p in found] == [p.status for p in expected]
    assert [p.discovered for p in found] == [p.discovered for p in expected]
    countdowns = [p for p in found if p.status == "countdown"]
    assert [p.published for p in countdowns] == [
        p.published for p in expected if p.status == "countdown"
    ]
    assert {p.layout for p in found} == {GENERIC} and {p.group_name for p in found} == {"lockbit3"}


def test_real_play_page_without_a_layout() -> None:
    found = generic(fixture("Play.html"), "play")
    expected = parse_leak_listing(fixture("Play.html"), SITE, bundled_layout("play"), NOW)
    assert len(found) == len(expected) == 24
    for field in ("post_title", "website", "country", "discovered", "published", "status"):
        assert [getattr(p, field) for p in found] == [getattr(p, field) for p in expected], field
    # Play opens victim pages with a script (viewtopic('…')): no link to read.
    assert {p.post_url for p in found} == {None}


# --- every fixture page without its layout -------------------------------------------------


@pytest.mark.parametrize("group", sorted(set(VICTIMS) - set(NEEDS_LAYOUT)))
def test_fixture_pages_without_their_layout(group: str) -> None:
    found = generic(fixture(f"layouts/{group}.html"), group)
    assert [post.post_title for post in found] == VICTIMS[group]
    assert {post.layout for post in found} == {GENERIC}


@pytest.mark.parametrize("group", sorted(NEEDS_LAYOUT))
def test_pages_only_a_layout_reads(group: str) -> None:
    assert generic(fixture(f"layouts/{group}.html"), group) == []


def test_fields_read_without_a_layout() -> None:
    qilin = generic(fixture("layouts/qilin.html"))[0]
    assert qilin.website == "www.ch-dax.fr"
    assert qilin.discovered == datetime(2024, 11, 20, tzinfo=UTC)
    assert qilin.post_url == f"{SITE}site/view?uuid=6c1f2a90-11aa-4c2e-9f00-000000000001"
    assert "Patients' medical records" in qilin.description
    noescape = generic(fixture("layouts/noescape.html"))[0]
    assert noescape.website == "ch-stmalo.fr"
    assert noescape.post_url == f"{SITE}post/9962b964-ac11-4bac-811d-d0bf10d81b24"
    daixin = generic(fixture("layouts/daixin.html"))[0]
    assert daixin.website == "www.chi-alpes.fr" and daixin.status == "published"
    bianlian = generic(fixture("layouts/bianlian.html"))[0]
    assert bianlian.website == "www.jardins-arcadie.fr"
    assert bianlian.post_url == f"{SITE}companies/ehpad-les-jardins-d-arcadie/"
    monti = generic(fixture("layouts/monti.html"))[0]
    assert monti.discovered == datetime(2023, 6, 9, 15, 4, 11, tzinfo=UTC)
    eight_base = generic(fixture("layouts/8base.html"))
    assert eight_base[0].discovered == datetime(2023, 6, 14, tzinfo=UTC)  # 14.06.2023: day first
    assert eight_base[2].status == "published"  # "[DISCLOSED]" cut from the name


# --- pages that are no listing --------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["login.html", "error.html", "article.html", "article_sections.html"]
)
def test_pages_that_are_no_listing_give_nothing(name: str) -> None:
    assert generic(fixture(f"not_listings/{name}")) == []


def cards(count: int, extra: str = "") -> str:
    body = "".join(
        f'<div class="card"><h3>Clinique Numéro {n}</h3><p>Private clinic. {n}00 GB of data.</p>'
        f'<a href="/leak/{n}">Read more</a>{extra}</div>'
        for n in range(count)
    )
    return f"<html><body><main>{body}</main></body></html>"


def test_fewer_than_three_blocks_are_no_listing() -> None:
    assert generic(cards(2)) == []
    assert [post.post_title for post in generic(cards(3))] == [
        "Clinique Numéro 0",
        "Clinique Numéro 1",
        "Clinique Numéro 2",
    ]


def test_navigation_hidden_parts_and_forms_are_never_victims() -> None:
    menu = "".join(
        f'<li class="menu-item"><a href="/p{n}">Page {n} of the site</a></li>' for n in range(6)
    )
    page = (
        f'<html><body><nav><ul>{menu}</ul></nav><ul class="main-menu">{menu}</ul>'
        '<div class="card"><h3>Hôpital A</h3><p>Data of patients.</p><a href="/a">Read more</a>'
        '<span class="d-none">published</span></div>'
        '<div class="card"><h3>Hôpital B</h3><p>Data of patients.</p><a href="/b">Read more</a>'
        '</div><div class="card"><h3>Hôpital C</h3><p>Data of patients.</p>'
        '<a href="/c">Read more</a></div></body></html>'
    )
    found = generic(page)
    assert [post.post_title for post in found] == ["Hôpital A", "Hôpital B", "Hôpital C"]
    assert found[0].status is None  # the hidden "published" is not shown
    assert found[0].post_url == f"{SITE}a"
    with_fields = cards(4, '<input type="text" name="q">')
    assert generic(with_fields) == []


def test_labelled_lines_countdowns_and_dates() -> None:
    block = (
        '<div class="victim"><h2>{name} (SOLD)</h2><p>Website: www.{site}.fr</p>'
        "<p>Country: France</p><p>added: 2024-09-29</p><p>3D 04h 12m</p>"
        "<p>Hospital group; HR and patients.</p></div>"
    )
    page = "<html><body>" + "".join(
        block.format(name=name, site=site)
        for name, site in (("CH Alpha", "ch-alpha"), ("CH Beta", "ch-beta"), ("CH Gamma", "ch-g"))
    )
    first = generic(page + "</body></html>")[0]
    assert first.post_title == "CH Alpha" and first.status == "sold"
    assert first.website == "www.ch-alpha.fr" and first.country == "FR"
    assert first.discovered == datetime(2024, 9, 29, tzinfo=UTC)
    assert first.published == NOW + timedelta(days=3, hours=4, minutes=12)
    assert first.description == "Hospital group; HR and patients."


def test_next_link_is_found_on_the_site_only() -> None:
    page = cards(3).replace(
        "</main>", '</main><div class="pages"><a href="/?page=2">Next</a></div>'
    )
    assert parse_generic_page(page, SITE, "g", NOW).next_url == f"{SITE}?page=2"
    rel = cards(3).replace("<body>", '<head><link rel="next" href="/page/2/"></head><body>')
    assert parse_generic_page(rel, SITE, "g", NOW).next_url == f"{SITE}page/2/"
    elsewhere = cards(3).replace("</main>", '</main><a href="http://other.onion/2">Next</a>')
    assert parse_generic_page(elsewhere, SITE, "g", NOW).next_url is None


# --- leakwatch parse and the spider ----------------------------------------------------------


def test_parse_without_a_layout_falls_back_to_the_generic_reader() -> None:
    page = fixture("not_listings/article.html").replace("<main>", "<main>" + cards(4)[12:-15])
    items = parse_leak_site(page, SITE, None)
    assert len(items) == 4 and {item.layout for item in items} == {GENERIC}  # type: ignore[attr-defined]
    source = SourceConfig(
        name="anon", kind="leaksite", engine="generic", start_urls=[SITE], options={}
    )
    from_source = parse_leak_site(fixture("layouts/monti.html"), SITE, source)
    assert [item.post_title for item in from_source] == VICTIMS["monti"]  # type: ignore[attr-defined]
    assert {item.group_name for item in from_source} == {"anon"}  # type: ignore[attr-defined]


def test_source_without_a_layout_is_read_by_the_generic_reader(tmp_path: Path) -> None:
    with LoopbackServer(FixtureSite(fixture("layouts/qilin.html"))) as server:
        source = source_for(server.base_url, name="qilin-mirror")
        source["options"] = {"group": "qilin"}  # no layout
        result = crawl(tmp_path, source)
    assert result["health"] == []
    assert [item["post_title"] for item in result["items"]] == VICTIMS["qilin"]
    assert {item["layout"] for item in result["items"]} == {GENERIC}
    assert {item["group_name"] for item in result["items"]} == {"qilin"}
    # A heuristic read may miss victims: it never marks the others removed.
    assert "listing_complete" not in result["state"]


def test_broken_layout_falls_back_and_is_reported(tmp_path: Path) -> None:
    with LoopbackServer(FixtureSite(fixture("layouts/noescape.html"))) as server:
        result = crawl(tmp_path, source_for(server.base_url, options={"layout": "medusa"}))
    assert [item["post_title"] for item in result["items"]] == VICTIMS["noescape"]
    assert {item["layout"] for item in result["items"]} == {GENERIC}
    assert {item["group_name"] for item in result["items"]} == {"medusa"}
    assert [(r["status"], r["page"]) for r in result["health"]] == [("parser_broken", True)]
    assert (
        "no victim found by the medusa layout; the generic reader found 4"
        in (result["health"][0]["detail"])
    )


def test_page_neither_reads_is_a_broken_source(tmp_path: Path) -> None:
    with LoopbackServer(FixtureSite(fixture("not_listings/error.html"))) as server:
        with_layout = crawl(tmp_path, source_for(server.base_url, options={"layout": "qilin"}))
        source = source_for(server.base_url)
        source["options"] = {}
        without = crawl(tmp_path, source)
    assert with_layout["items"] == [] and without["items"] == []
    assert [r["status"] for r in with_layout["health"]] == ["parser_broken"]
    assert (
        "no victim found by the qilin layout nor by the generic reader"
        in (with_layout["health"][0]["detail"])
    )
    assert [r["status"] for r in without["health"]] == ["parser_broken"]
    assert "no victim found by the generic reader" in without["health"][0]["detail"]


def test_table_rows_without_their_header_row() -> None:
    rows = "".join(
        f"<tr><td>{name}</td><td>{site}</td><td>2024-0{n + 1}-1{n}</td><td>{state}</td></tr>"
        for n, (name, site, state) in enumerate(
            [
                ("Clinique du Littoral", "clinique-littoral.fr", "PUBLISHED"),
                ("Acme Corp", "acme.com", "3D 4H"),
                ("CH du Nord", "ch-nord.fr", "SOLD"),
            ]
        )
    )
    header = "<tr><th>Company</th><th>Website</th><th>Date</th><th>Status</th></tr>"
    found = generic(f"<html><body><table class='table'>{header}{rows}</table></body></html>")
    assert [post.post_title for post in found] == [
        "Clinique du Littoral",
        "Acme Corp",
        "CH du Nord",
    ]
    assert [post.status for post in found] == ["published", "countdown", "sold"]
    assert found[0].website == "clinique-littoral.fr"
    assert found[0].discovered == datetime(2024, 1, 10, tzinfo=UTC)
    assert found[1].published == NOW + timedelta(days=3, hours=4)


def test_json_answers_are_read_as_records() -> None:
    api = (
        '{"items": [{"id": "a1", "title": "Clinique du Parc", "createdDt": 1700000000000,'
        ' "publication": {"description": "<p>Private clinic</p>", "url": "www.clinique-parc.fr"}},'
        ' {"id": "a2", "title": "Acme Corp", "createdDt": 1690000000000, "publication": null},'
        ' {"id": "a3", "title": "CH de Brive [SOLD]", "createdDt": 1680000000000}]}'
    )
    found = generic(api)
    assert [post.post_title for post in found] == ["Clinique du Parc", "Acme Corp", "CH de Brive"]
    assert found[0].website == "www.clinique-parc.fr" and found[0].description == "Private clinic"
    assert found[0].discovered == datetime.fromtimestamp(1_700_000_000, UTC)
    assert found[2].status == "sold" and {post.layout for post in found} == {GENERIC}
    shown = (
        '<html><body><pre>[{"name": "EHPAD Soleil", "date": "2024-03-01", "content": "Nursing'
        ' home", "url": "ehpad-soleil.fr"}, {"name": "Foo Inc", "date": "2024-02-01"}]</pre>'
        "</body></html>"
    )
    found = generic(shown)
    assert [post.post_title for post in found] == ["EHPAD Soleil", "Foo Inc"]
    assert found[0].website == "ehpad-soleil.fr"
    assert found[0].discovered == datetime(2024, 3, 1, tzinfo=UTC)
    assert generic('{"error": "not found"}') == [] and generic("[1, 2, 3]") == []


def test_deeply_wrapped_cards_are_read_once() -> None:
    wrapped = "".join(
        "<div class='card'>" + "<div class='w'>" * 40 + f"<h3>Company {n}</h3>"
        f"<p>Text about company {n}.</p>" + "</div>" * 40 + "</div>"
        for n in range(300)
    )
    found = generic(f"<html><body>{wrapped}</body></html>")
    assert [post.post_title for post in found] == [f"Company {n}" for n in range(300)]


def test_json_answer_to_a_layout_source_is_read_by_the_generic_reader(tmp_path: Path) -> None:
    api = '[{"title": "Clinique des Lilas", "date": "2024-05-02"}, {"title": "Acme Corp"}]'
    assert parse_leak_listing(api, SITE, bundled_layout("qilin"), NOW) == []
    with LoopbackServer(FixtureSite(api)) as server:
        result = crawl(tmp_path, source_for(server.base_url, options={"layout": "qilin"}))
    assert [item["post_title"] for item in result["items"]] == ["Clinique des Lilas", "Acme Corp"]
    assert [r["status"] for r in result["health"]] == ["parser_broken"]


def test_date_shapes_and_title_labels() -> None:
    block = (
        '<div class="leak"><h4>Company: {name} Data Leak</h4><p>Date: {date}</p>'
        "<p>All files of the company are here.</p></div>"
    )
    shown = [("CH Alpha", "2024.05.12"), ("CH Beta", "12-05-2024"), ("CH Gamma", "25/10/2024")]
    page = "".join(block.format(name=name, date=date) for name, date in shown)
    found = generic(f"<html><body>{page}</body></html>")
    assert [post.post_title for post in found] == ["CH Alpha", "CH Beta", "CH Gamma"]
    assert [post.discovered for post in found] == [
        datetime(2024, 5, 12, tzinfo=UTC),
        datetime(2024, 5, 12, tzinfo=UTC),
        datetime(2024, 10, 25, tzinfo=UTC),
    ]


def test_victims_of_every_section_are_read() -> None:
    card = '<div class="card"><h5>{}</h5><p>Data of the company, 100 GB.</p></div>'
    counting = "".join(card.format(name) for name in ("Clinique Alpha", "Hôpital Beta"))
    published = "".join(
        card.format(name) for name in ("CH Gamma", "Acme Delta", "EHPAD Epsilon", "Zeta GmbH")
    )
    page = (
        f'<html><body><section class="new"><h2>New</h2><div class="row">{counting}</div>'
        f'</section><section class="done"><h2>Published</h2><div class="grid">{published}</div>'
        "</section></body></html>"
    )
    assert [post.post_title for post in generic(page)] == [
        "Clinique Alpha", "Hôpital Beta", "CH Gamma", "Acme Delta", "EHPAD Epsilon", "Zeta GmbH",
    ]  # fmt: skip


def test_parse_prefers_the_generic_reader_when_a_bundled_layout_reads_less() -> None:
    news = "".join(
        f"<article><h2>Update {n}</h2><p>Site news number {n}.</p></article>" for n in (1, 2)
    )
    page = cards(5).replace("<main>", f"<aside>{news}</aside><main>")
    assert len(parse_leak_listing(page, SITE, bundled_layout("cactus"), NOW)) == 2
    items = parse_leak_site(page, SITE, None)
    assert [item.post_title for item in items] == [f"Clinique Numéro {n}" for n in range(5)]  # type: ignore[attr-defined]
    lockbit = parse_leak_site(fixture("LockBit3.0.html"), SITE, None)
    assert len(lockbit) == 463 and {item.group_name for item in lockbit} == {"lockbit3"}  # type: ignore[attr-defined]
