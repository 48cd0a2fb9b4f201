"""Who the client is and whether it came over HTTPS, believing forwarded headers only from a
configured reverse proxy (``web.trusted_proxies``).

Behind a TLS proxy the app sees plain HTTP from the proxy's address; the proxy says what it saw
in ``X-Forwarded-Proto`` and ``X-Forwarded-For``. Anyone can send those headers, so they count
only when the connection comes from a trusted proxy: otherwise a client could make its own
address anything (escaping the per-address login lockout) or claim HTTPS. uvicorn's own proxy
header handling is off (``leakwatch web``) so that this module is the only one to decide.
"""

from __future__ import annotations

from collections.abc import Sequence
from ipaddress import IPv4Network, IPv6Address, IPv6Network, ip_address

from starlette.requests import Request

Network = IPv4Network | IPv6Network


def client_address(request: Request, trusted: Sequence[Network]) -> str:
    """The client's address: the connection's peer, or, when the peer is a trusted proxy, the
    nearest address in ``X-Forwarded-For`` that is not one (read right to left, since a client
    may put anything on the left). ``unknown`` when there is no peer."""
    peer = request.client.host if request.client else "unknown"
    if not _is_trusted(peer, trusted):
        return peer
    hops = [hop.strip() for hop in ",".join(request.headers.getlist("x-forwarded-for")).split(",")]
    for hop in reversed([hop for hop in hops if hop]):
        if not _is_valid(hop):
            break  # garbage written by someone before the trusted proxies: stop believing
        if not _is_trusted(hop, trusted):
            return hop
        peer = hop
    return peer


def request_scheme(request: Request, trusted: Sequence[Network]) -> str:
    """``https`` or ``http`` as the client used it: the connection's own scheme, or, from a
    trusted proxy, the last value of ``X-Forwarded-Proto`` (the one that proxy wrote)."""
    scheme = request.url.scheme
    peer = request.client.host if request.client else "unknown"
    forwarded = request.headers.get("x-forwarded-proto")
    if forwarded and _is_trusted(peer, trusted):
        value = forwarded.split(",")[-1].strip().lower()
        if value in ("http", "https"):
            return value
    return scheme


def _is_valid(address: str) -> bool:
    try:
        ip_address(address)
    except ValueError:
        return False
    return True


def _is_trusted(address: str, trusted: Sequence[Network]) -> bool:
    try:
        parsed = ip_address(address)
    except ValueError:
        return False
    if isinstance(parsed, IPv6Address) and parsed.ipv4_mapped is not None:
        parsed = parsed.ipv4_mapped  # ::ffff:127.0.0.1 on a dual-stack socket
    return any(parsed in network for network in trusted)
