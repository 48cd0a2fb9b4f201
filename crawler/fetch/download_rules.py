"""What a crawl may fetch from a hostile site: the rules, as plain functions.

The downloader middlewares (crawler/fetch/middlewares/file_links.py, content_guard.py,
proxy.py, redirect_guard.py) and the browser's request filter (crawler/fetch/handlers/browser.py)
all ask these functions, so a plain request and a request made by a rendered page obey the same
rules:

* never follow a link to a file host or to an archive, dump or office file
  (:func:`crawler.core.file_links.file_link_refusal`, shared with the leak-site parser);
* only keep pages whose ``Content-Type`` is on the allow-list, and never a response sent as an
  attachment (:func:`content_refusal`);
* never resolve a ``.onion`` name outside the proxy (:func:`onion_refusal`);
* treat private, loopback and link-local addresses as off limits for pages of the open web
  (:func:`is_private_host`).

Each function returns a one-line reason, or None when the fetch is fine.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

#: Media types a page may have. Feeds need the XML and JSON ones; everything else is refused.
ALLOWED_CONTENT_TYPES = frozenset(
    {
        "application/atom+xml",
        "application/feed+json",
        "application/json",
        "application/ld+json",
        "application/rdf+xml",
        "application/rss+xml",
        "application/xhtml+xml",
        "application/xml",
        "text/html",
        "text/plain",
        "text/xml",
    }
)
#: Media types a tracker's CSV victim list may have (requests marked TRACKER_EXPORT only).
CSV_CONTENT_TYPES = frozenset({"text/csv", "application/csv"})
ONION_SUFFIX = ".onion"
#: Proxy schemes that resolve names on the proxy side (an HTTP proxy receives the name too).
REMOTE_DNS_SCHEMES = ("socks5h", "http", "https")


def content_refusal(
    content_type: str | None, disposition: str | None, tracker_export: bool = False
) -> str | None:
    """Why a response with these headers is refused, or None when it is a page we may read.

    A missing ``Content-Type`` is let through here: the caller checks that the body is text. A
    ``tracker_export`` (:data:`crawler.core.file_links.TRACKER_EXPORT`) may also be CSV.
    """
    if disposition and disposition.split(";", 1)[0].strip().lower() == "attachment":
        return f"attachment refused (Content-Disposition: {disposition.strip()[:80]})"
    if not content_type:
        return None
    media_type = content_type.split(";", 1)[0].strip().lower()
    if media_type not in ALLOWED_CONTENT_TYPES and not (
        tracker_export and media_type in CSV_CONTENT_TYPES
    ):
        return f"content type {media_type or content_type!r} is not a page type"
    return None


def is_onion(url: str) -> bool:
    """True when ``url``'s host is a Tor onion service."""
    host = (urlsplit(url).hostname or "").lower().rstrip(".")
    return host == ONION_SUFFIX[1:] or host.endswith(ONION_SUFFIX)


def onion_refusal(url: str, proxy: str | None) -> str | None:
    """Why ``url`` must not be fetched with ``proxy``: an onion name must reach the proxy
    unresolved, so it needs ``socks5h://`` (or an HTTP proxy such as privoxy in front of Tor)."""
    if not is_onion(url):
        return None
    if proxy is None:
        return f"{url} is an onion service and the source has no proxy (use socks5h://)"
    scheme = urlsplit(proxy).scheme.lower()
    if scheme not in REMOTE_DNS_SCHEMES:
        return f"{url} is an onion service: proxy scheme {scheme}:// resolves names locally"
    return None


def is_private_host(host: str) -> bool:
    """True for a private, loopback, link-local or unspecified IP literal, or ``localhost``."""
    host = host.strip("[]").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")
    return is_private_address(address)


def is_private_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> bool:
    """True for an address that is not on the public Internet."""
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return (
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_unspecified
        or address.is_reserved
        or address.is_multicast
    )
