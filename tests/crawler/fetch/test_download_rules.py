"""The rules on what a crawl may fetch: page types, onion names, private hosts.

File links: tests/crawler/core/test_file_links.py."""

from __future__ import annotations

import pytest

from crawler.fetch.download_rules import (
    content_refusal,
    is_onion,
    is_private_host,
    onion_refusal,
)


@pytest.mark.parametrize(
    ("content_type", "disposition", "reason"),
    [
        ("text/html; charset=UTF-8", None, None),
        ("TEXT/HTML", None, None),
        ("application/xhtml+xml", None, None),
        ("application/json", None, None),
        ("application/rss+xml; charset=utf-8", None, None),
        ("text/plain", "inline", None),
        (None, None, None),  # the body is checked instead
        ("application/zip", None, "content type 'application/zip'"),
        ("application/octet-stream", None, "content type 'application/octet-stream'"),
        ("text/csv", None, "content type 'text/csv'"),
        ("image/png", None, "content type 'image/png'"),
        ("text/html", 'attachment; filename="patients.sql"', "attachment refused"),
        ("text/html", "ATTACHMENT", "attachment refused"),
    ],
)
def test_content_types_and_attachments(
    content_type: str | None, disposition: str | None, reason: str | None
) -> None:
    refusal = content_refusal(content_type, disposition)
    assert (refusal is None) == (reason is None)
    if reason is not None:
        assert refusal is not None and reason in refusal


@pytest.mark.parametrize(
    ("proxy", "refused"),
    [
        (None, "has no proxy"),
        ("socks5://127.0.0.1:9050", "socks5:// resolves names locally"),
        ("socks5h://127.0.0.1:9050", None),
        ("http://127.0.0.1:8118", None),  # privoxy in front of Tor: the proxy gets the name
    ],
)
def test_onion_needs_a_remote_dns_proxy(proxy: str | None, refused: str | None) -> None:
    url = "http://leakxyzabcdefghij.onion/posts"
    assert is_onion(url) and is_onion("http://A.B.ONION./") and not is_onion("http://onion.fr/")
    refusal = onion_refusal(url, proxy)
    assert (refusal is None) == (refused is None)
    if refused is not None:
        assert refusal is not None and refused in refusal and url in refusal
    assert onion_refusal("http://forum.example/", None) is None


@pytest.mark.parametrize(
    ("host", "private"),
    [
        ("127.0.0.1", True),
        ("10.1.2.3", True),
        ("192.168.0.10", True),
        ("169.254.169.254", True),  # cloud metadata
        ("0.0.0.0", True),
        ("[::1]", True),
        ("::ffff:127.0.0.1", True),
        ("fc00::1", True),
        ("localhost", True),
        ("admin.localhost", True),
        ("93.184.215.14", False),
        ("2a00:1450:4007:80c::200e", False),
        ("forum.example", False),
    ],
)
def test_private_hosts(host: str, private: bool) -> None:
    assert is_private_host(host) is private


def test_csv_is_a_page_type_for_tracker_exports_only() -> None:
    assert content_refusal("text/csv; charset=utf-8", None) is not None
    assert content_refusal("text/csv; charset=utf-8", None, tracker_export=True) is None
    assert content_refusal("application/zip", None, tracker_export=True) is not None
    assert content_refusal("text/csv", "attachment; filename=x.csv", tracker_export=True)
