"""Refuse redirects that leave the source's sites, go to private addresses, or loop.

Scrapy's ``RedirectMiddleware`` follows any ``Location``; a dupefilter then silently drops a
redirect back to a page already seen, and the offsite filter silently drops one to another
host. :class:`RedirectGuardMiddleware` runs before it and turns those cases into an
``IgnoreRequest`` with a readable reason, which reaches the request's errback so the spider
can report it. Allowed hosts are the spider's ``allowed_domains`` (and their subdomains);
private and loopback IP literals are refused unless the source sets
``allow_private_redirects`` or the redirect stays on the same host.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest

REDIRECT_STATUSES = (301, 302, 303, 307, 308)


class RedirectGuardMiddleware:
    """Checks every redirect before ``RedirectMiddleware`` follows it."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectGuardMiddleware:
        """Build the middleware for ``crawler``."""
        return cls(crawler)

    def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        """Pass ``response`` on, or raise IgnoreRequest for a refused redirect."""
        location = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or location is None:
            return response
        if request.meta.get("dont_redirect"):
            return response
        target = urljoin(request.url, location.decode("latin-1"))
        reason = refused_redirect(
            request.url,
            target,
            [*request.meta.get("redirect_urls", []), request.url],
            getattr(self.crawler.spider, "allowed_domains", None) or [],
            _allows_private(self.crawler.spider),
        )
        if reason:
            self.crawler.stats.inc_value("leakwatch/redirects_refused")
            raise IgnoreRequest(reason)
        return response


def refused_redirect(
    source: str, target: str, chain: list[str], allowed: list[str], allow_private: bool
) -> str | None:
    """Why the redirect from ``source`` to ``target`` is refused, or None when it is fine."""
    target_host = (urlsplit(target).hostname or "").lower()
    if urlsplit(target).scheme not in ("http", "https"):
        return f"redirect to a non-HTTP URL refused: {target}"
    if target.split("#", 1)[0] in [url.split("#", 1)[0] for url in chain]:
        return f"redirect loop: {source} -> {target}"
    if allowed and not any(
        target_host == domain or target_host.endswith(f".{domain}") for domain in allowed
    ):
        return f"off-site redirect refused: {source} -> {target}"
    source_host = (urlsplit(source).hostname or "").lower()
    if target_host != source_host and not allow_private and _is_private(target_host):
        return f"redirect to a private address refused: {source} -> {target}"
    return None


def _is_private(host: str) -> bool:
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return host == "localhost" or host.endswith(".localhost")
    return address.is_private or address.is_loopback or address.is_link_local


def _allows_private(spider: Any) -> bool:
    source = getattr(spider, "source", None)
    return bool(getattr(source, "allow_private_redirects", False))
