"""The loopback Telegram preview site serves pages the real-page parser reads like t.me's."""

from __future__ import annotations

import urllib.parse
import urllib.request
from datetime import UTC, datetime
from http.client import HTTPResponse

from crawler.demo.loopback import LoopbackServer, SiteRequest
from crawler.demo.telegram.data import DEFAULT_CHANNEL, SALE_POSTS
from crawler.demo.telegram.site import TelegramPreviewSite
from spiders.telegram.parsers import parse_channel_page

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)


def get(site: TelegramPreviewSite, path: str) -> tuple[int, str, dict[str, str]]:
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(path).query)
    response = site.handle(SiteRequest("GET", path, query, {}))
    return response.status, response.body.decode("utf-8"), response.headers


def test_pages_are_twenty_messages_newest_last_with_before_paging() -> None:
    site = TelegramPreviewSite(now=NOW)
    status, body, _ = get(site, "/s/leakmarketfr")
    newest = parse_channel_page(body, "http://127.0.0.1/s/leakmarketfr")
    assert status == 200 and newest.message_ids == list(range(51, 71)) and newest.before_id == 51
    assert newest.title == "Leak Market FR"
    dates = [m.date for m in newest.messages if m.date is not None and m.date <= NOW]
    assert len(dates) == 20 and dates == sorted(dates)
    _, body, _ = get(site, "/s/leakmarketfr?before=11")
    oldest = parse_channel_page(body, "http://127.0.0.1/s/leakmarketfr?before=11")
    assert oldest.message_ids == list(range(1, 11)) and oldest.before_id is None
    assert oldest.service_messages == 1 and len(oldest.messages) == 9


def test_the_default_channel_re_announces_sales_of_health_data() -> None:
    site = TelegramPreviewSite(now=NOW)
    texts = [m.text for m in site.channels[DEFAULT_CHANNEL].messages]
    assert [text for text in texts if text in SALE_POSTS] == list(SALE_POSTS)
    assert "Clinique Sainte-Isabelle / HP Thiais 758k lignes, Mediboard, 15k USDT" in SALE_POSTS[0]
    assert len(texts) == 70


def test_no_preview_redirects_and_info_pages() -> None:
    site = TelegramPreviewSite(now=NOW)
    status, _, headers = get(site, "/s/santeprivee")
    assert status == 302 and headers == {"Location": "/santeprivee"}
    status, _, headers = get(site, "/s/nobody")
    assert status == 302 and headers == {"Location": "/nobody"}
    _, body, _ = get(site, "/santeprivee")
    info = parse_channel_page(body, "http://127.0.0.1/santeprivee")
    assert (
        info.kind == "info" and info.title == "Santé Privée VIP" and info.info == "212 subscribers"
    )
    assert "Preview channel" not in body
    _, body, _ = get(site, "/leakmarketfr")
    assert "Preview channel" in body and get(site, "/a/b/c")[0] == 404


def test_messages_published_while_running_appear_over_http() -> None:
    site = TelegramPreviewSite(now=NOW)
    with LoopbackServer(site) as server:
        added = site.add_message(
            DEFAULT_CHANNEL,
            "Nouvelle base CHU de Rennes #vente @vendeur",
            author="vendeur",
            documents=[("rennes.csv", "3 MB")],
            views=1234,
        )
        response: HTTPResponse = urllib.request.urlopen(f"{server.base_url}/s/{DEFAULT_CHANNEL}")
        parsed = parse_channel_page(response.read().decode("utf-8"), response.url)
    last = parsed.messages[-1]
    assert added.message_id == last.message_id == 71 and parsed.message_ids[0] == 52
    assert last.text == "Nouvelle base CHU de Rennes #vente @vendeur"
    assert last.author == "vendeur" and last.documents == ["rennes.csv"] and last.views == 1230
    assert last.links == ["https://t.me/vendeur"]
    assert last.url == f"{server.base_url}/{DEFAULT_CHANNEL}/71"
    assert server.requested == [f"/s/{DEFAULT_CHANNEL}"]
