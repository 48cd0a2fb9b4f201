"""Forwarded headers are believed from trusted proxies only, read right to left."""

from __future__ import annotations

from ipaddress import ip_network

from starlette.requests import Request

from crawler.web.forwarded import client_address, request_scheme


def request(peer: str, **headers: str) -> Request:
    """A plain-HTTP request from ``peer`` with these headers (``x_forwarded_for=…``)."""
    raw = [(name.replace("_", "-").encode(), value.encode()) for name, value in headers.items()]
    scope = {
        "type": "http",
        "method": "GET",
        "scheme": "http",
        "path": "/login",
        "query_string": b"",
        "headers": raw,
        "client": (peer, 50000),
        "server": ("127.0.0.1", 8080),
    }
    return Request(scope)


TRUSTED = [ip_network("10.0.0.0/8"), ip_network("::1")]


def test_the_nearest_untrusted_hop_is_the_client() -> None:
    chain = "198.51.100.1, 203.0.113.9, 10.0.0.2"  # the client lied on the left
    assert client_address(request("10.0.0.1", x_forwarded_for=chain), TRUSTED) == "203.0.113.9"
    assert client_address(request("::1", x_forwarded_for="203.0.113.9"), TRUSTED) == "203.0.113.9"
    assert client_address(request("10.0.0.1"), TRUSTED) == "10.0.0.1"
    # Garbage before the trusted hops: the last trusted hop is as far as we can see.
    assert client_address(request("10.0.0.1", x_forwarded_for="nope, 10.0.0.2"), TRUSTED) == (
        "10.0.0.2"
    )


def test_headers_from_anyone_else_are_ignored() -> None:
    spoofed = request("192.0.2.7", x_forwarded_for="10.0.0.5", x_forwarded_proto="https")
    assert client_address(spoofed, TRUSTED) == "192.0.2.7"
    assert request_scheme(spoofed, TRUSTED) == "http"
    assert request_scheme(spoofed, []) == "http"


def test_the_scheme_a_trusted_proxy_wrote() -> None:
    assert request_scheme(request("10.0.0.1", x_forwarded_proto="https"), TRUSTED) == "https"
    assert request_scheme(request("10.0.0.1", x_forwarded_proto="http, https"), TRUSTED) == "https"
    assert request_scheme(request("10.0.0.1", x_forwarded_proto="gopher"), TRUSTED) == "http"
    mapped = request("::ffff:10.0.0.1", x_forwarded_proto="https")
    assert request_scheme(mapped, TRUSTED) == "https"
