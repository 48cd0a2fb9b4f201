"""A source's proxy for plain requests (Tor stream isolation) and for browser contexts."""

from __future__ import annotations

from typing import Any

from crawler.core.config import SourceConfig
from crawler.fetch.proxies import browser_proxy, parse_proxy, request_proxy_url, uses_socks


def source(**fields: Any) -> SourceConfig:
    return SourceConfig(
        name="leak-site.a",
        kind="leaksite",
        engine="generic",
        start_urls=["http://x.onion/"],
        **fields,
    )


def test_socks_requests_are_isolated_by_source_name() -> None:
    tor = source(proxy="socks5h://127.0.0.1:9050")
    assert request_proxy_url(tor) == "socks5h://leak-site.a:leakwatch@127.0.0.1:9050"
    assert uses_socks(tor)
    # Chromium cannot authenticate to SOCKS5 and always resolves through it.
    assert browser_proxy(tor) == {"server": "socks5://127.0.0.1:9050"}


def test_isolation_can_be_switched_off_and_given_credentials_win() -> None:
    bare = source(proxy="socks5h://127.0.0.1:1080", proxy_isolation=False)
    assert request_proxy_url(bare) == "socks5h://127.0.0.1:1080"
    own = source(proxy="socks5h://me:s%40cret@10.0.0.2:9050")
    assert request_proxy_url(own) == "socks5h://me:s%40cret@10.0.0.2:9050"
    assert parse_proxy("socks5h://[::1]:9050").host == "::1"
    assert request_proxy_url(source(proxy="socks5h://[::1]:9050")) == (
        "socks5h://leak-site.a:leakwatch@[::1]:9050"
    )


def test_http_proxies_are_left_alone() -> None:
    privoxy = source(proxy="http://user:pw@127.0.0.1:8118")
    assert request_proxy_url(privoxy) == "http://user:pw@127.0.0.1:8118"
    assert not uses_socks(privoxy)
    assert browser_proxy(privoxy) == {
        "server": "http://127.0.0.1:8118",
        "username": "user",
        "password": "pw",
    }
    assert request_proxy_url(source()) is None and browser_proxy(source()) is None
