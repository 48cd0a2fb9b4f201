"""Feeds: parsers on saved RSS/Atom and victim-list files, real crawls of the loopback feed
site, and one crawl into the database."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select
from standardwebhooks import Webhook
from typer.testing import CliRunner

from crawler.cli import app
from crawler.demo.feeds.site import NEWS_HEADLINE, FeedSite, Victim
from crawler.demo.loopback import LoopbackServer
from crawler.demo.webhook_sink import WebhookSink
from db.engine import make_engine, make_session_factory
from db.models import Hit, Post, Source
from spiders.feeds.items import FeedPage
from spiders.feeds.parsers import (
    detect_engine,
    parse_feed,
    parse_rss_feed,
    recent_entries,
)
from spiders.feeds.victim_lists import parse_victim_list
from tests.alerts.support import SECRET, assert_valid_slack_message
from tests.spiders.forums.crawls import crawl
from tests.spiders.pastes.test_pastes import run_crawl_of

FIXTURES = Path(__file__).parents[2] / "fixtures" / "feed"
SPIDER = "spiders.feeds.spider:FeedSpider"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


# --- parsers on saved feeds ------------------------------------------------------------------


def test_rss20_with_cdata_html_and_content_encoded() -> None:
    page = parse_rss_feed(fixture("news_rss20_fr.xml"), "https://veille-cyber.example/feed/",
                          "application/rss+xml; charset=UTF-8")  # fmt: skip
    assert page.problem is None and len(page.entries) == 4
    sale, cert, patch, brief = page.entries
    assert sale.entry_id == "https://veille-cyber.example/?p=18231"  # guid, not a permalink
    assert sale.title.startswith("Fuite de données : 750 000 patients")
    assert sale.published == datetime(2026, 11, 23, 8, 50, tzinfo=UTC)
    assert sale.author == "Camille Le Floc'h" and sale.tags == ["Fuites de données", "Santé"]
    # content:encoded wins over the shorter description; HTML and scripts are gone
    assert "Hôpital privé de Thiais" in sale.summary and "Mediboard" in sale.summary
    assert "\nQuelles données ?\n" in sale.summary and "<" not in sale.summary
    assert "trackArticle" not in sale.summary and "758 912" in sale.summary
    assert cert.title.endswith("l’attaque du CHU de Rennes")
    assert cert.published == datetime(2026, 11, 22, 16, 5, 31, tzinfo=UTC)  # +0100
    assert patch.entry_id == "https://veille-cyber.example/2026/11/11/patch-tuesday-novembre/"
    assert brief.url is None and brief.entry_id.startswith("sha256:")  # neither guid nor link
    again = parse_rss_feed(fixture("news_rss20_fr.xml"), "https://veille-cyber.example/feed/")
    assert [e.entry_id for e in again.entries] == [e.entry_id for e in page.entries]


def test_atom_with_html_and_xhtml_content() -> None:
    page = parse_rss_feed(fixture("news_atom_fr.xml"), "https://observatoire.example/atom.xml")
    assert page.problem is None and len(page.entries) == 2
    claim, monthly = page.entries
    assert claim.title == "Revendication : le groupe nightveil cible un centre hospitalier"
    assert claim.entry_id.startswith("tag:observatoire.example,2026-11-23:")
    assert claim.published == datetime(2026, 11, 23, 6, 30, tzinfo=UTC)
    assert claim.author == "Équipe Observatoire"
    assert claim.summary.startswith("Le Centre Hospitalier de Cannes Simone Veil apparaît")
    assert "7 jours" in claim.summary and claim.tags == ["rançongiciel", "santé"]
    assert monthly.published == datetime(2026, 11, 2, 10, 0, tzinfo=UTC)  # updated only
    assert (
        monthly.summary == "48 revendications visant la France, dont 6 dans le secteur de la santé."
    )


def test_rss10_rdf_and_latin1_feeds() -> None:
    rdf = parse_rss_feed(fixture("news_rss10_rdf.xml"), "https://alertes.example/rss")
    assert [e.entry_id for e in rdf.entries] == [
        "https://alertes.example/alerte/2026-ALE-014/",
        "https://alertes.example/alerte/2026-ALE-013/",
    ]
    assert rdf.entries[0].published == datetime(2026, 11, 20, 15, 45, tzinfo=UTC)
    # served as text/xml without charset: the XML declaration's ISO-8859-1 still wins
    latin = parse_rss_feed(fixture("latin1_rss.xml"), "https://zone-securite.example/rss",
                           "text/xml")  # fmt: skip
    assert latin.problem is None
    assert (
        latin.entries[0].title
        == "Données de santé : une base « CHU de Rennes » proposée à la vente"
    )
    assert latin.entries[0].summary.startswith("Un pirate affirme détenir 120 000 fiches")


def test_invalid_xml_keeps_recovered_entries_and_says_so() -> None:
    page = parse_rss_feed(fixture("broken_ampersand_rss.xml"), "https://secu-sante.example/rss")
    assert [e.title for e in page.entries] == [
        "Clinique Sainte-Isabelle : retour sur l'incident",
        "Hôpitaux : budget cyber 2027",
    ]
    assert page.problem is not None and "invalid XML" in page.problem
    assert "2 entries recovered" in page.problem


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        (fixture("not_a_feed.html"), "not an RSS or Atom feed"),
        (b"<?xml version='1.0'?><rss><channel><<<", "no entry could be read"),
        (b"", "not an RSS or Atom feed"),
    ],
)
def test_what_is_not_a_feed(body: bytes, problem: str) -> None:
    page = parse_rss_feed(body, "https://feeds.example/rss")
    assert page.entries == [] and problem in (page.problem or "")


#: ransomwatch's RSS of leak-site posts: the victim as title, "Group: <name>" as description.
RANSOMWATCH_RSS = b"""<?xml version='1.0' encoding='utf-8'?>
<rss version="2.0"><channel><title>RansomWatch</title><link>https://rw.example/</link>
<description>Latest ransomware posts</description>
<item><title>Centre Hospitalier de Dax</title><description>Group: lockbit3</description>
<pubDate>Wed, 20 Nov 2026 14:02:11 +0000</pubDate>
<guid>Centre Hospitalier de Dax_2026-11-20 14:02:11.847070</guid>
<link>https://rw.example/#/profiles?id=lockbit3</link></item>
<item><title>Rapport annuel</title><description>Group: the group of the year, says our
survey</description><guid>news-1</guid></item>
</channel></rss>"""


def test_rss_of_leak_site_posts_carries_the_group() -> None:
    page = parse_rss_feed(RANSOMWATCH_RSS, "https://rw.example/rss.xml")
    listed, news = page.entries
    assert (listed.title, listed.group_name) == ("Centre Hospitalier de Dax", "lockbit3")
    assert listed.published == datetime(2026, 11, 20, 14, 2, 11, tzinfo=UTC)
    assert listed.to_post_record().extra["group_name"] == "lockbit3"
    assert news.group_name is None  # a description that only starts so is no listing


def test_ransomwatch_posts_json() -> None:
    page = parse_victim_list(
        fixture("ransomwatch_posts.json").decode(), "https://rw.example/posts.json"
    )
    assert page.problem is None and page.skipped == 1  # the record without a title
    ids = [entry.entry_id for entry in page.entries]
    assert ids == [
        "nightveil:transports-riviera.example",
        "corvus:mairie de saint-aubin",
        "corvus:brasserie lemaire",
        "nightveil:hôpital privé de thiais",
    ]
    old, _, brasserie, thiais = page.entries
    assert old.published == datetime(2026, 9, 24, 3, 11, 52, 118203, tzinfo=UTC)  # discovered
    assert old.url is None and old.summary == "" and old.group_name == "nightveil"
    assert brasserie.published == datetime(2026, 11, 21, 9, 0, tzinfo=UTC)  # published wins
    assert thiais.website == "hopital-prive-thiais.example" and thiais.country == "FR"
    assert thiais.summary.startswith("Patients records")


def test_ransomware_live_v1_and_v2_give_the_same_entries() -> None:
    v1 = parse_victim_list(
        fixture("ransomlive_v1_recentvictims.json").decode(), "https://rl.example/"
    )
    v2 = parse_victim_list(
        fixture("ransomlive_v2_recentvictims.json").decode(), "https://rl.example/"
    )
    assert len(v1.entries) == 3 and (len(v2.entries), v2.skipped) == (3, 1)  # one without group
    cannes_v1, cannes_v2 = v1.entries[0], v2.entries[0]
    assert (
        cannes_v1.entry_id
        == cannes_v2.entry_id
        == "nightveil:centre hospitalier de cannes simone veil"
    )
    for entry in (cannes_v1, cannes_v2):
        assert entry.title == "Centre Hospitalier de Cannes Simone Veil"
        assert entry.published == datetime(2026, 11, 23, 6, 58, 40, tzinfo=UTC)
        assert entry.website == "ch-cannes.example" and entry.country == "FR"
        assert entry.tags == ["Healthcare"] and entry.summary.startswith("Centre hospitalier")
    assert cannes_v1.url and cannes_v1.url.endswith(".onion/victim/ch-cannes")
    assert cannes_v2.url and cannes_v2.url.startswith("https://www.ransomware.example/id/")
    assert v1.entries[1].tags == []  # "Not Found" is no sector
    assert v2.entries[2].title == "Van den Berg & Partners" and v2.entries[2].url is None


def test_victim_lists_wrapped_broken_or_foreign() -> None:
    wrapped = json.dumps({"victims": [{"victim": "CHU de Rennes", "group": "corvus"}]})
    assert [e.entry_id for e in parse_victim_list(wrapped, "u").entries] == ["corvus:chu de rennes"]
    assert "not JSON" in (parse_victim_list("<html>502</html>", "u").problem or "")
    assert "without a list" in (parse_victim_list('{"error": "rate limited"}', "u").problem or "")
    foreign = parse_victim_list('[{"id": 1, "name": "x"}]', "u")
    assert foreign.entries == [] and "no record has a victim name" in (foreign.problem or "")
    assert parse_victim_list("[]", "u") == FeedPage()


def test_engine_detection_and_age_filter() -> None:
    assert detect_engine(b"\xef\xbb\xbf [{") == "ransomlive" and detect_engine(b"<?xml") == "rss"
    page = parse_feed("ransomwatch", fixture("ransomwatch_posts.json"), "u")
    recent = recent_entries(page, 20, now=datetime(2026, 11, 23, 12, tzinfo=UTC))
    assert [e.title for e in recent.entries] == ["Brasserie Lemaire", "Hôpital privé de Thiais"]
    assert recent.skipped == 3
    with pytest.raises(ValueError, match="unknown feed engine"):
        parse_feed("atom", b"", "u")


def test_leakwatch_parse_feed_kinds() -> None:
    runner = CliRunner()
    for kind, name, count in [
        ("rss", "news_rss20_fr.xml", 4),
        ("rss", "latin1_rss.xml", 2),
        ("feed", "news_atom_fr.xml", 2),
        ("feed", "ransomlive_v2_recentvictims.json", 3),
        ("ransomwatch", "ransomwatch_posts.json", 4),
    ]:
        result = runner.invoke(app, ["parse", "--kind", kind, str(FIXTURES / name)])
        assert result.exit_code == 0, result.output
        items = [json.loads(line) for line in result.stdout.splitlines()]
        assert len(items) == count, name
    latin = runner.invoke(app, ["parse", "--kind", "rss", str(FIXTURES / "latin1_rss.xml")])
    assert "« CHU de Rennes »" in latin.stdout
    broken = runner.invoke(app, ["parse", "--kind", "rss", str(FIXTURES / "not_a_feed.html")])
    assert broken.exit_code == 2 and "not an RSS or Atom feed" in broken.output


# --- real crawls of the loopback feed site ---------------------------------------------------


def source(server: LoopbackServer, engine: str, paths: list[str], **fields: Any) -> dict[str, Any]:
    return {
        "name": "demo-feed",
        "kind": "feed",
        "engine": engine,
        "start_urls": [server.base_url + path for path in paths],
        "download_delay": 0,
        **fields,
    }


def test_rss_atom_and_latin1_then_not_modified(tmp_path: Path) -> None:
    site = FeedSite()
    with LoopbackServer(site) as server:
        feeds = source(server, "rss", ["/rss.xml", "/atom.xml", "/latin1.xml"])
        first = crawl(tmp_path, feeds, spider=SPIDER)
        assert first["reason"] == "finished" and first["health"] == []
        assert len(first["items"]) == 8  # 3 + 3 + 2 (same guids: the storage upsert dedups)
        titles = {item["title"] for item in first["items"]}
        assert NEWS_HEADLINE in titles
        assert "Rançongiciel : les cliniques privées d'Île-de-France en alerte" in titles
        rss_url = server.base_url + "/rss.xml"
        assert first["state"]["validators"][rss_url]["etag"]

        server.requested.clear()
        site.add_news(
            "Hôpital privé de Thiais : plainte déposée", "<p>Suite à la revendication…</p>"
        )
        second = crawl(tmp_path, feeds, state=first["state"], spider=SPIDER)
        assert second["health"] == [] and "not modified" not in second["log"]
        assert len([i for i in second["items"] if i["title"].startswith("Hôpital privé")]) == 3

        server.requested.clear()
        third = crawl(tmp_path, feeds, state=second["state"], spider=SPIDER)
        assert "/rss.xml not modified" in third["log"]
        assert len(third["items"]) == 6  # Atom and Latin-1 feeds carry no validators


def test_invalid_xml_feeds(tmp_path: Path) -> None:
    with LoopbackServer(FeedSite()) as server:
        result = crawl(
            tmp_path, source(server, "rss", ["/broken.xml", "/garbage.xml", "/news.html"]),
            spider=SPIDER,
        )  # fmt: skip
    assert len(result["items"]) == 3  # recovered from /broken.xml
    assert "3 entries recovered" in result["log"]
    reports = {h["url"].rsplit("/", 1)[-1]: h for h in result["health"]}
    assert set(reports) == {"garbage.xml", "news.html"}
    assert all(h["status"] == "parser_broken" and h["page"] for h in reports.values())
    assert "not an RSS or Atom feed" in reports["news.html"]["detail"]
    assert "not well-formed" in reports["garbage.xml"]["detail"]


def test_ransomwatch_and_ransomware_live_feeds(tmp_path: Path) -> None:
    with LoopbackServer(FeedSite()) as server:
        watch = crawl(tmp_path, source(server, "ransomwatch", ["/posts.json"]), spider=SPIDER)
        live = crawl(
            tmp_path,
            source(server, "ransomlive", ["/api/recentvictims", "/v2/recentvictims"],
                   options={"max_age_days": 30}),
            spider=SPIDER,
        )  # fmt: skip
    assert watch["health"] == [] and len(watch["items"]) == 3
    assert {item["entry_id"] for item in watch["items"]} == {
        "nightveil:hôpital privé de thiais", "corvus:brasserie lemaire",
        "nightveil:transports riviera",
    }  # fmt: skip
    assert live["health"] == [] and len(live["items"]) == 4  # 2 recent claims x 2 API versions
    assert {item["entry_id"] for item in live["items"]} == {
        "nightveil:hôpital privé de thiais", "corvus:brasserie lemaire",
    }  # fmt: skip
    assert live["stats"]["leakwatch/feed/skipped"] == 2  # the 60-day-old claim, twice


def test_html_error_page_instead_of_json_is_a_broken_parser(tmp_path: Path) -> None:
    with LoopbackServer(FeedSite()) as server:
        result = crawl(tmp_path, source(server, "ransomlive", ["/news.html"]), spider=SPIDER)
    assert [h["status"] for h in result["health"]] == ["parser_broken"]
    assert "not JSON" in result["health"][0]["detail"]


# --- into the database -----------------------------------------------------------------------

CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"

[[sources]]
name = "demo-feed"
kind = "feed"
engine = "rss"
start_urls = ["{base}/rss.xml", "{base}/atom.xml"]
download_delay = 0
"""


def test_feed_crawl_into_the_database(tmp_path: Path, migrated_url: str) -> None:
    config = tmp_path / "leakwatch.toml"
    with LoopbackServer(FeedSite()) as server:
        config.write_text(
            CONFIG.format(
                database_url=migrated_url, data_dir=tmp_path / "data", base=server.base_url
            )  # fmt: skip
        )
        first = run_crawl_of(config, "demo-feed")
        second = run_crawl_of(config, "demo-feed")
    assert first["status"] == "ok" and first["items"] == 6 and first["new_posts"] == 3
    assert first["hits"] >= 2
    assert second["status"] == "ok" and second["new_posts"] == 0 and second["hits"] == 0
    assert second["items"] == 3  # the RSS feed answered 304
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        posts = {post.external_id: post for post in session.execute(select(Post)).scalars()}
        assert set(posts) == {"urn:demo:news:1", "urn:demo:news:2", "urn:demo:news:3"}
        news = posts["urn:demo:news:3"]
        assert news.title == NEWS_HEADLINE and news.url == "https://actu-cyber.example/articles/3"
        assert news.tags == ["Santé", "Fuite de données"] and news.author == "Rédaction"
        assert "CHU de Rennes" in news.excerpt
        matched = {hit.matched for hit in session.execute(select(Hit)).scalars()}
        assert "CHU de Rennes" in matched
        assert session.execute(select(Source)).scalar_one().health == "ok"
    engine.dispose()


LISTING_CONFIG = """
database_url = "{database_url}"
data_dir = "{data_dir}"
log_level = "WARNING"

[[sources]]
name = "ransomwatch"
kind = "feed"
engine = "ransomwatch"
start_urls = ["{base}/posts.json"]
download_delay = 0

[[channels]]
name = "cert-slack"
type = "slack"
url = "{sink}/slack"

[[channels]]
name = "cert-webhook"
type = "webhook"
url = "{sink}/hook"
signing_secret = "{secret}"

[[routes]]  # the docs' national CERT: everything serious
channel = "cert-slack"
min_severity = "high"

[[routes]]
channel = "cert-webhook"
min_severity = "high"
"""


def test_a_listed_hospital_is_critical_and_alerts_say_who_listed_it(
    tmp_path: Path, migrated_url: str
) -> None:
    # A ransomwatch victim list naming a hospital by its name alone: no sale words, no claims.
    site = FeedSite()
    listed = (datetime.now(UTC) - timedelta(days=1)).replace(microsecond=0)
    day = f"{listed:%Y-%m-%d}"
    site.victims.insert(0, Victim("Centre Hospitalier de Dax", "lockbit3", listed))
    config = tmp_path / "leakwatch.toml"
    with LoopbackServer(site) as server, WebhookSink() as sink:
        config.write_text(
            LISTING_CONFIG.format(database_url=migrated_url, data_dir=tmp_path / "data",
                                  base=server.base_url, sink=sink.url, secret=SECRET)
        )  # fmt: skip
        summary = run_crawl_of(config, "ransomwatch")
        delivered = CliRunner().invoke(app, ["--config", str(config), "alerts", "deliver"])
        requests = sink.requests
    assert summary["status"] == "ok" and summary["hits"] >= 2, summary
    assert delivered.exit_code == 0, delivered.output
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        severities = dict(
            session.execute(select(Post.title, Hit.severity).join(Hit.post)).unique().all()
        )
    engine.dispose()
    assert severities == {
        "Centre Hospitalier de Dax": "critical",
        "Hôpital privé de Thiais": "critical",
    }
    slack = {r.json()["text"]: r.json() for r in requests if r.path == "/slack"}
    hooks = [r for r in requests if r.path == "/hook"]
    assert len(slack) == len(hooks) == 2  # one alert per listed hospital and channel
    dax = next(body for text, body in slack.items() if ": Centre Hospitalier de Dax (" in text)
    assert_valid_slack_message(dax)
    assert dax["blocks"][0]["text"]["text"].endswith("CRITICAL · Centre hospitalier de Dax")
    assert f"listed by lockbit3 on {day}" in dax["blocks"][1]["text"]["text"]
    assert dax["text"].endswith(f"(listed by lockbit3 on {day})")
    documents = [Webhook(SECRET).verify(r.body, r.headers) for r in hooks]
    by_title = {doc["data"]["post"]["title"]: doc["data"] for doc in documents}
    assert by_title["Centre Hospitalier de Dax"]["severity"] == "critical"
    assert by_title["Centre Hospitalier de Dax"]["listing"] == {
        "group": "lockbit3",
        "listed_at": listed.isoformat().replace("+00:00", "Z"),
        "reason": f"listed by lockbit3 on {day}",
    }
    assert by_title["Centre Hospitalier de Dax"]["group"] == "lockbit3"
    thiais = by_title["Hôpital privé de Thiais"]["listing"]
    assert thiais["group"] == "nightveil" and thiais["reason"].startswith("listed by nightveil on")


def test_a_feed_history_is_stored_and_matched_but_only_recent_listings_alert(
    tmp_path: Path, migrated_url: str
) -> None:
    # First crawl of a feed holding years of history: a hospital listed 400 days ago is stored
    # with its critical hit, quietly; the one listed 5 hours ago alerts.
    site = FeedSite()
    old = datetime.now(UTC) - timedelta(days=400)
    site.victims.insert(0, Victim("Centre Hospitalier de Dax", "lockbit3", old))
    config = tmp_path / "leakwatch.toml"
    with LoopbackServer(site) as server, WebhookSink() as sink:
        config.write_text(
            LISTING_CONFIG.format(database_url=migrated_url, data_dir=tmp_path / "data",
                                  base=server.base_url, sink=sink.url, secret=SECRET)
        )  # fmt: skip
        summary = run_crawl_of(config, "ransomwatch")
        delivered = CliRunner().invoke(app, ["--config", str(config), "alerts", "deliver"])
        requests = sink.requests
    assert summary["status"] == "ok" and delivered.exit_code == 0, delivered.output
    assert "2 older item(s) entered the history quietly, 1 of them naming" in summary["log"]
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        severities = dict(
            session.execute(select(Post.title, Hit.severity).join(Hit.post)).unique().all()
        )
    engine.dispose()
    assert severities == {
        "Centre Hospitalier de Dax": "critical",
        "Hôpital privé de Thiais": "critical",
    }
    hooks = [Webhook(SECRET).verify(r.body, r.headers) for r in requests if r.path == "/hook"]
    assert [doc["data"]["post"]["title"] for doc in hooks] == ["Hôpital privé de Thiais"]


OPERATIONS_CONFIG = """
[[channels]]
name = "ops-slack"
type = "slack"
url = "{sink}/ops-slack"

[[channels]]
name = "ops-webhook"
type = "webhook"
url = "{sink}/ops-hook"
signing_secret = "{secret}"

[[channels]]
name = "ops-apprise"
type = "apprise"
url = "{apprise}/ops-apprise"

[[routes]]
channel = "ops-slack"
operations = true

[[routes]]
channel = "ops-webhook"
operations = true

[[routes]]
channel = "ops-apprise"
operations = true
"""


def test_a_quiet_history_sends_one_summary_line_per_run_to_the_operations_channels(
    tmp_path: Path, migrated_url: str
) -> None:
    # Years of history on a first crawl: two hospitals listed long ago, a firm listed 60 days
    # ago and a hospital listed 5 hours ago. The analysts are paged for the
    # new one only; operations hear once that the rest entered quietly; a second run that
    # stores nothing old says nothing.
    site = FeedSite()
    now = datetime.now(UTC)
    site.victims.insert(0, Victim("Centre Hospitalier de Dax", "lockbit3", now - timedelta(400)))
    site.victims.insert(0, Victim("CHU de Rennes", "akira", now - timedelta(days=90)))
    config = tmp_path / "leakwatch.toml"
    with LoopbackServer(site) as server, WebhookSink() as sink:
        config.write_text(
            LISTING_CONFIG.format(database_url=migrated_url, data_dir=tmp_path / "data",
                                  base=server.base_url, sink=sink.url, secret=SECRET)
            + OPERATIONS_CONFIG.format(sink=sink.url, secret=SECRET,
                                       apprise=sink.url.replace("http://", "json://"))
        )  # fmt: skip
        first = run_crawl_of(config, "ransomwatch")
        delivered = CliRunner().invoke(app, ["--config", str(config), "alerts", "deliver"])
        after_first = list(sink.requests)
        second = run_crawl_of(config, "ransomwatch")
        again = CliRunner().invoke(app, ["--config", str(config), "alerts", "deliver"])
        after_second = list(sink.requests)
    assert first["status"] == second["status"] == "ok", first
    assert delivered.exit_code == 0 and again.exit_code == 0, delivered.output + again.output
    assert after_second == after_first  # nothing quiet the second time: nothing said
    by_path: dict[str, list[Any]] = {}
    for request in after_first:
        by_path.setdefault(request.path, []).append(request)
    line = (
        "ransomwatch: 3 older item(s) entered the history quietly, 2 of them naming watched "
        "entities (2 hit(s) stored without alert); newest published "
        f"{now - timedelta(days=60):%Y-%m-%d}; items of the last 7 day(s) alert as usual "
        "(1 newer hit(s) this run)."
    )
    assert f"source {line}" in first["log"]
    [hook] = by_path["/ops-hook"]
    document = Webhook(SECRET).verify(hook.body, hook.headers)
    assert document["type"] == "source.history_quiet"
    assert hook.headers["webhook-id"].startswith("quiet:")
    data = document["data"]
    assert data["summary"] == line and data["source"] == {"name": "ransomwatch", "kind": "feed"}
    assert (data["older_items"], data["named_entities"], data["quiet_hits"]) == (3, 2, 2)
    assert data["alert_max_age_days"] == 7 and data["alerted_hits"] == 1
    assert data["newest_quiet"][:10] == f"{now - timedelta(days=60):%Y-%m-%d}"
    [slack] = by_path["/ops-slack"]
    body = slack.json()
    assert_valid_slack_message(body)
    assert body["blocks"][1]["text"]["text"] == line
    [apprise] = by_path["/ops-apprise"]
    assert apprise.json()["message"] == line
    assert "history entered quietly" in apprise.json()["title"]
    paged = [Webhook(SECRET).verify(r.body, r.headers) for r in by_path["/hook"]]
    assert [doc["data"]["post"]["title"] for doc in paged] == ["Hôpital privé de Thiais"]
