"""The demo leak site: routes, pages, victims added, removed and restored while it runs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from crawler.demo.leaksites.site import LeakSite
from crawler.demo.loopback import SiteRequest


def get(site: LeakSite, path: str) -> tuple[int, str]:
    request = SiteRequest("GET", path, parse_qs(urlsplit(path).query), {})
    response = site.handle(request)
    return response.status, response.body.decode("utf-8")


def test_play_pages_and_victim_pages() -> None:
    site = LeakSite(layout="play", per_page=12)
    status, first = get(site, "/")
    assert status == 200 and first.count('class="News"') == 12 and site.pages == 3
    assert "goto_page('3')" in first and "Centre Hospitalier de Cannes" in first
    assert get(site, "/index.php?page=3")[1].count('class="News"') == 4
    victim = site.victims[0]
    status, topic = get(site, f"/topic.php?id={victim.victim_id}")
    assert status == 200 and f"information: {victim.description}" in topic
    assert "/download/" in topic
    assert get(site, "/topic.php?id=nope")[0] == 404


def test_victims_come_and_go() -> None:
    site = LeakSite(layout="lockbit3", victims=3)
    added = site.add_victim("Clinique Saint-Jean", "www.clinique-saint-jean.fr")
    assert site.victims[0] == added
    assert 'href="/post/' + added.victim_id in get(site, "/")[1]
    gone = site.remove_victim("Clinique Saint-Jean")
    assert "clinique-saint-jean.fr" not in get(site, "/")[1]
    site.restore_victim(gone)
    assert "clinique-saint-jean.fr" in get(site, "/")[1]
    with pytest.raises(KeyError):
        site.remove_victim("Nobody")
    site.markup_changed = True
    assert "post-block" not in get(site, "/")[1]
    with pytest.raises(ValueError, match="layout must be one of"):
        LeakSite(layout="conti")
