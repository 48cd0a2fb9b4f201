"""A synthetic feed site for tests, benchmarks and demos (served on 127.0.0.1).

:class:`FeedSite` serves, from invented content:

* ``/rss.xml``: RSS 2.0 security news in French (CDATA descriptions with HTML, categories,
  ``guid``), with ``ETag``/``Last-Modified`` and 304 answers to conditional requests;
* ``/atom.xml``: the same news as Atom 1.0 (HTML ``content``, ``updated``, ``author``);
* ``/latin1.xml``: RSS encoded in ISO-8859-1, as its XML declaration says;
* ``/posts.json``: ransomwatch ``posts.json`` (``post_title``, ``group_name``, ``discovered``…);
* ``/api/recentvictims`` and ``/v2/recentvictims``: ransomware.live v1 and v2 answers;
* ``/broken.xml``: RSS with an unescaped ``&`` (invalid XML, entries still recoverable);
* ``/garbage.xml``: invalid XML with no entry; ``/news.html``: an HTML page, not a feed.

:meth:`FeedSite.add_news` and :meth:`FeedSite.add_victim` publish while it runs.
"""

from __future__ import annotations

import hashlib
import html as html_entities
import json
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from crawler.demo.loopback import SiteRequest, SiteResponse, html, not_found

NEWS_HEADLINE = "Cyberattaque : le CHU de Rennes confirme une fuite de données patients"


@dataclass
class NewsItem:
    """One news article of the RSS/Atom feeds."""

    guid: str
    title: str
    html_summary: str
    published: datetime
    categories: list[str] = field(default_factory=list)
    author: str = "Rédaction"


@dataclass
class Victim:
    """One ransomware leak-site claim, as the victim-list feeds report it."""

    victim: str
    group: str
    discovered: datetime
    country: str = "FR"
    website: str = ""
    description: str = ""
    activity: str = "Healthcare"


class FeedSite:
    """Feeds of every supported format (see the module docstring); thread-safe while served."""

    def __init__(self, now: datetime | None = None) -> None:
        self._lock = threading.Lock()
        self.now = now or datetime.now(UTC)
        self.news: list[NewsItem] = _bundled_news(self.now)
        self.victims: list[Victim] = _bundled_victims(self.now)

    def add_news(self, title: str, html_summary: str, categories: list[str] | None = None) -> str:
        """Publish a news article now; returns its guid."""
        with self._lock:
            guid = f"urn:demo:news:{len(self.news) + 1}"
            item = NewsItem(guid, title, html_summary, datetime.now(UTC), categories or [])
            self.news.insert(0, item)
            return guid

    def add_victim(self, victim: str, group: str, **fields: str) -> Victim:
        """Publish a victim claim now (country, website, description, activity optional)."""
        with self._lock:
            claim = Victim(victim, group, datetime.now(UTC), **fields)
            self.victims.insert(0, claim)
            return claim

    def handle(self, request: SiteRequest) -> SiteResponse:
        """Answer one request."""
        route = request.route
        with self._lock:
            news = list(self.news)
            victims = list(self.victims)
        if route == "/rss.xml":
            return _conditional(request, _rss(news).encode("utf-8"), "application/rss+xml")
        if route == "/atom.xml":
            return SiteResponse(200, _atom(news).encode("utf-8"), "application/atom+xml")
        if route == "/latin1.xml":
            body = _rss(news[:2], encoding="ISO-8859-1").encode("iso-8859-1", "xmlcharrefreplace")
            return SiteResponse(200, body, "text/xml")
        if route == "/posts.json":
            return _json(_ransomwatch(victims))
        if route == "/api/recentvictims":
            return _json(_ransomlive_v1(victims))
        if route == "/v2/recentvictims":
            return _json(_ransomlive_v2(victims))
        if route == "/broken.xml":
            # An unescaped "&" makes the XML invalid; the entries can still be recovered.
            body = _rss(news).replace("Patch Tuesday", "Patch Tuesday & co").encode("utf-8")
            return SiteResponse(200, body, "application/rss+xml")
        if route == "/garbage.xml":
            return SiteResponse(200, b"<?xml version='1.0'?><rss><channel><<<", "text/xml")
        if route == "/news.html":
            return html("<html><body><h1>Actualités</h1><p>Nouveau site !</p></body></html>")
        return not_found()


def _conditional(request: SiteRequest, body: bytes, content_type: str) -> SiteResponse:
    etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
    if request.headers.get("if-none-match") == etag:
        return SiteResponse(304, b"", content_type, {"ETag": etag})
    return SiteResponse(200, body, content_type, {"ETag": etag})


def _json(data: object) -> SiteResponse:
    return SiteResponse(200, json.dumps(data, ensure_ascii=False).encode(), "application/json")


def _rss(news: list[NewsItem], encoding: str = "UTF-8") -> str:
    items = "".join(
        f"""
    <item>
      <title>{_e(item.title)}</title>
      <link>{_article_url(item)}</link>
      <guid isPermaLink="false">{_e(item.guid)}</guid>
      <pubDate>{format_datetime(item.published)}</pubDate>
      <dc:creator>{_e(item.author)}</dc:creator>
      {"".join(f"<category>{_e(c)}</category>" for c in item.categories)}
      <description><![CDATA[{item.html_summary}]]></description>
    </item>"""
        for item in news
    )
    return f"""<?xml version="1.0" encoding="{encoding}"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/"
     xmlns:atom="http://www.w3.org/2005/Atom">
  <channel>
    <title>Actu Cyber (démo)</title>
    <link>https://actu-cyber.example/</link>
    <description>Actualité de la cybersécurité en France</description>
    <language>fr-FR</language>
    <atom:link href="https://actu-cyber.example/rss.xml" rel="self" type="application/rss+xml"/>
    {items}
  </channel>
</rss>
"""


def _atom(news: list[NewsItem]) -> str:
    entries = "".join(
        f"""
  <entry>
    <title type="html">{_e(item.title)}</title>
    <link rel="alternate" href="{_article_url(item)}"/>
    <id>{_e(item.guid)}</id>
    <updated>{item.published.isoformat()}</updated>
    <author><name>{_e(item.author)}</name></author>
    {"".join(f'<category term="{_e(c)}"/>' for c in item.categories)}
    <content type="html">{_e(item.html_summary)}</content>
  </entry>"""
        for item in news
    )
    updated = max((item.published for item in news), default=datetime.now(UTC))
    return f"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="fr">
  <title>Actu Cyber (démo)</title>
  <id>urn:demo:actu-cyber</id>
  <updated>{updated.isoformat()}</updated>
  <link rel="self" href="https://actu-cyber.example/atom.xml"/>
  {entries}
</feed>
"""


def _ransomwatch(victims: list[Victim]) -> list[dict[str, str]]:
    posts = []
    for claim in reversed(victims):  # posts.json is appended to: oldest first
        post = {
            "post_title": claim.victim,
            "group_name": claim.group,
            "discovered": claim.discovered.strftime("%Y-%m-%d %H:%M:%S.%f"),
        }
        if claim.description:
            post["description"] = claim.description
        if claim.website:
            post["website"] = claim.website
        posts.append(post)
    return posts


def _ransomlive_v1(victims: list[Victim]) -> list[dict[str, str]]:
    return [
        {
            "post_title": claim.victim,
            "group_name": claim.group,
            "discovered": claim.discovered.strftime("%Y-%m-%d %H:%M:%S.%f"),
            "published": (claim.discovered - timedelta(hours=3)).strftime("%Y-%m-%d %H:%M:%S"),
            "post_url": f"http://{claim.group}leaks.example.onion/post/{index}",
            "country": claim.country,
            "activity": claim.activity,
            "website": claim.website,
            "description": claim.description,
            "screenshot": "",
        }
        for index, claim in enumerate(victims)
    ]


def _ransomlive_v2(victims: list[Victim]) -> list[dict[str, object]]:
    return [
        {
            "victim": claim.victim,
            "group": claim.group,
            "attackdate": (claim.discovered - timedelta(hours=3)).isoformat(),
            "discovered": claim.discovered.isoformat(),
            "country": claim.country,
            "activity": claim.activity,
            "domain": claim.website,
            "description": claim.description,
            "claim_url": f"http://{claim.group}leaks.example.onion/post/{index}",
            "url": f"https://www.ransomware.example/id/{index}",
            "infostealer": "",
            "press": None,
        }
        for index, claim in enumerate(victims)
    ]


def _bundled_news(now: datetime) -> list[NewsItem]:
    return [
        NewsItem(
            "urn:demo:news:3",
            NEWS_HEADLINE,
            "<p>Le <strong>CHU de Rennes</strong> a confirmé jeudi qu'un attaquant a "
            "exfiltré des données de patients. Une annonce de vente est apparue sur un forum "
            "russophone&nbsp;: <em>« 120 000 dossiers, NIR et mutuelle »</em>.</p>"
            "<p>L'ARS Bretagne et l'ANSSI accompagnent l'établissement.</p>",
            now - timedelta(hours=1),
            ["Santé", "Fuite de données"],
        ),
        NewsItem(
            "urn:demo:news:2",
            "Rançongiciel : les cliniques privées d'Île-de-France en alerte",
            "<p>Après l'attaque contre l'<a href='https://actu-cyber.example/t'>Hôpital privé "
            "de Thiais</a>, le CERT Santé publie des recommandations.</p>",
            now - timedelta(days=1),
            ["Santé"],
        ),
        NewsItem(
            "urn:demo:news:1",
            "Patch Tuesday : 60 vulnérabilités corrigées",
            "<p>Rien de spécifique au secteur de la santé ce mois-ci.</p>",
            now - timedelta(days=40),
            ["Vulnérabilités"],
        ),
    ]


def _bundled_victims(now: datetime) -> list[Victim]:
    return [
        Victim(
            "Hôpital privé de Thiais",
            "nightveil",
            now - timedelta(hours=5),
            website="hopital-prive-thiais.example",
            description="Patient records, HR files and invoices. 412 GB. Deadline 7 days.",
        ),
        Victim(
            "Brasserie Lemaire",
            "corvus",
            now - timedelta(days=2),
            activity="Manufacturing",
            website="brasserie-lemaire.example",
        ),
        Victim(
            "Transports Riviera",
            "nightveil",
            now - timedelta(days=60),
            activity="Transportation",
        ),
    ]


def _article_url(item: NewsItem) -> str:
    return f"https://actu-cyber.example/articles/{item.guid.rsplit(':', 1)[-1]}"


def _e(text: str) -> str:
    return html_entities.escape(text, quote=True)
