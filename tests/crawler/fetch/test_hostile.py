"""Hostile sites: every cap stops its attack with a clear log line, and the good items are kept.

Two real crawls of the forum spider against one loopback site that attacks its crawler
(tests/hostile_server.py): one direct (Scrapy's HTTP/1.1 handler), one through a SOCKS5 proxy
started by the test (the httpx-based SOCKS handler), since each path enforces the caps itself.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from crawler.demo.browser_site import SELECTORS
from tests.hostile_server import serve_hostile
from tests.socks_server import SocksServer
from tests.spiders.forums.crawls import crawl, source_for

CAP = 1024 * 1024
MAXSIZE = f"which is larger than download max size ({CAP})"
ONION = "forumabcdefghijklmnop.onion"
#: No retries: a retried attack only repeats the same refusal more slowly.
SETTINGS = {"RETRY_TIMES": 0}


def hostile_source(name: str, start_urls: list[str], **fields: Any) -> dict[str, Any]:
    options = {"selectors": SELECTORS, "max_page_bytes": CAP, **fields.pop("options", {})}
    return source_for(
        "custom",
        start_urls,
        name=name,
        options=options,
        max_response_bytes=CAP,
        page_timeout=2,
        **fields,
    )


def failed_urls(result: dict[str, Any]) -> set[str]:
    return {report["url"] for report in result["health"] if report["status"] == "degraded"}


def test_direct_crawl_caps(tmp_path: Path) -> None:
    with serve_hostile() as site:
        base = site.base_url
        attacks = [
            "/gzip-bomb",
            "/brotli-bomb",
            "/huge",
            "/endless",
            "/slow",
            "/attachment",
            "/archive",
            "/files/patients.zip",
        ]
        urls = [f"{base}/html/section/1", *(base + path for path in attacks)]
        source = hostile_source("hostile", [*urls, f"http://{ONION}/html/section/1"])
        result = crawl(tmp_path, source, settings=SETTINGS)
    log = result["log"]
    assert result["reason"] == "finished"
    assert len(result["items"]) == 10  # the good listing's threads, all kept
    assert failed_urls(result) == set(urls[1:]) | {f"http://{ONION}/html/section/1"}
    for bomb in ("gzip-bomb", "brotli-bomb"):
        assert f"Ignored response <200 {base}/{bomb}> because its body" in log
    assert f"exceeded DOWNLOAD_MAXSIZE ({CAP} B) during decompression" in log
    assert f"Expected to receive 100000000 bytes {MAXSIZE} in request <GET {base}/huge>" in log
    assert f"{MAXSIZE} in request <GET {base}/endless>" in log
    assert f"Getting {base}/slow took longer than 2.0 seconds" in log
    assert f"refused {base}/attachment: attachment refused" in log
    assert "content type 'application/zip' is not a page type" in log
    assert f"link to a .zip file refused: {base}/files/patients.zip" in log
    assert f"http://{ONION}/html/section/1 is an onion service and the source has no proxy" in log
    assert "DNS lookup failed" not in log  # the onion name was never resolved
    assert "/files/patients.zip" not in site.paths
    stats = result["stats"]
    assert stats["leakwatch/refused/attachment"] == 1
    assert stats["leakwatch/refused/content_type"] == 1
    assert stats["leakwatch/refused/file_link"] == 1
    assert stats["leakwatch/refused/onion_without_proxy"] == 1


def test_socks_crawl_caps_and_onion(tmp_path: Path) -> None:
    with serve_hostile() as site:
        port = urlsplit(site.base_url).port
        assert port is not None
        shop = f"http://shop.example:{port}"
        routes = {ONION: ("127.0.0.1", port), "shop.example": ("127.0.0.1", port)}
        with SocksServer(routes=routes) as proxy:
            attacks = ["/gzip-bomb", "/huge", "/endless", "/slow", f"/to-private?port={port}"]
            urls = [f"http://{ONION}:{port}/html/section/1", *(shop + path for path in attacks)]
            urls.append(f"http://mega.nz:{port}/file/abc")
            source = hostile_source(
                "hostile-tor", urls, proxy=proxy.url, options={"allowed_domains": ["127.0.0.1"]}
            )
            result = crawl(tmp_path, source, settings=SETTINGS)
    log = result["log"]
    assert result["reason"] == "finished"
    assert len(result["items"]) == 10
    assert failed_urls(result) == set(urls[1:])
    # Names reached the proxy unresolved, with the source's name as SOCKS username.
    assert {(c.host, c.address_type) for c in proxy.connects} == {
        (ONION, "domain"),
        ("shop.example", "domain"),
    }
    assert {c.username for c in proxy.connects} == {"hostile-tor"}
    assert "mega.nz" not in proxy.hosts()
    assert f"Ignored response <200 {shop}/gzip-bomb> because its body" in log
    assert f"exceeded DOWNLOAD_MAXSIZE ({CAP} B) during decompression" in log
    assert f"Expected to receive 100000000 bytes {MAXSIZE} in request <GET {shop}/huge>" in log
    assert f"{MAXSIZE} in request <GET {shop}/endless>" in log
    assert f"Getting {shop}/slow took longer than 2 seconds (whole download)" in log
    assert f"redirect to a private address refused: {shop}/to-private" in log
    assert "/html/section/2" not in site.paths  # the redirect was not followed
    assert f"link to the file host mega.nz refused: http://mega.nz:{port}/file/abc" in log


#: Cloud-drive and file-host links as posted; each host is routed to the loopback site by the
#: test's proxy, so a link the guard missed would show in the proxy's and the site's logs.
FILE_HOST_LINKS = [
    ("drive.google.com", "/file/d/1AbC/view"),
    ("docs.google.com", "/spreadsheets/d/1AbC/edit"),
    ("drive.usercontent.google.com", "/download?id=1AbC"),
    ("onedrive.live.com", "/?cid=ABC&resid=ABC%21123"),
    ("1drv.ms", "/u/s!AbCdEf"),
    ("contoso.sharepoint.com", "/:x:/g/personal/a_b/EAbC"),
    ("www.dropbox.com", "/s/abc/patients"),
    ("buzzheavier.com", "/AbC"),
]


def test_file_host_links_are_never_fetched(tmp_path: Path) -> None:
    with serve_hostile() as site:
        port = urlsplit(site.base_url).port
        assert port is not None
        hosts = ["forum.example", *(host for host, _ in FILE_HOST_LINKS)]
        routes = {host: ("127.0.0.1", port) for host in hosts}
        with SocksServer(routes=routes) as proxy:
            links = [f"http://{host}:{port}{path}" for host, path in FILE_HOST_LINKS]
            source = hostile_source(
                "file-hosts",
                [f"http://forum.example:{port}/html/section/1", *links],
                proxy=proxy.url,
            )
            result = crawl(tmp_path, source, settings=SETTINGS)
    assert result["reason"] == "finished"
    assert len(result["items"]) == 10
    assert failed_urls(result) == set(links)
    assert set(proxy.hosts()) == {"forum.example"}
    assert all(path.startswith("/html/") for path in site.paths)
    assert result["stats"]["leakwatch/refused/file_link"] == len(links)
    refused = [line for line in result["log"].splitlines() if "link to the file host" in line]
    assert all(any(line.endswith(f"refused: {link}") for line in refused) for link in links)


def test_a_trickling_page_costs_two_page_timeouts_not_three(tmp_path: Path) -> None:
    """With the default two retries, a page trickling one byte every 0.3 s is fetched twice:
    its deadline hit twice, it is given up, and the good listing is kept."""
    with serve_hostile() as site:
        base = site.base_url
        source = hostile_source("trickle", [f"{base}/html/section/1", f"{base}/slow"])
        source["page_timeout"] = 1
        result = crawl(tmp_path, source, settings={"RETRY_TIMES": 2})
    assert result["reason"] == "finished"
    assert len(result["items"]) == 10
    assert failed_urls(result) == {f"{base}/slow"}
    assert site.paths.count("/slow") == 2, site.paths
    assert f"gave up {base}/slow: its download deadline was hit 2 times" in result["log"]
    assert result["stats"]["leakwatch/retry/deadline_given_up"] == 1
