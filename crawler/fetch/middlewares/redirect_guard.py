"""Refuse redirects that leave the source's sites, go to private addresses, or loop.

Scrapy's ``RedirectMiddleware`` follows any ``Location``; a dupefilter then silently drops a
redirect back to a page already seen, and the offsite filter silently drops one to another
host. :class:`RedirectGuardMiddleware` runs before it and turns those cases into an
``IgnoreRequest`` with a readable reason, which reaches the request's errback so the spider
can report it; each refusal is logged and counted (``leakwatch/redirects_refused``). Allowed
hosts are the spider's ``allowed_domains`` (and their subdomains).

A hostile page of the open web may redirect the crawler to the machine's own services or the
internal network. Unless the source sets ``allow_private_redirects``, a redirect to another
host is refused when that host is a private, loopback or link-local IP literal, ``localhost``,
or (for a source without a proxy, which resolves names itself) a name that resolves to such an
address. A redirect within the same host is fine, so a source on a private address works.
Browser pages follow redirects inside Chromium: the final page is checked the same way.
"""

from __future__ import annotations

import asyncio
import ipaddress
import logging
import socket
from typing import Any
from urllib.parse import urljoin, urlsplit

from scrapy.exceptions import IgnoreRequest

from crawler.fetch.download_rules import is_private_address, is_private_host

logger = logging.getLogger(__name__)
REDIRECT_STATUSES = (301, 302, 303, 307, 308)
#: Seconds allowed to resolve a redirect target's name before the redirect is let through.
RESOLVE_TIMEOUT = 5.0


class RedirectGuardMiddleware:
    """Checks every redirect before ``RedirectMiddleware`` follows it."""

    def __init__(self, crawler: Any) -> None:
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Any) -> RedirectGuardMiddleware:
        """Build the middleware for ``crawler``."""
        return cls(crawler)

    async def process_response(self, request: Any, response: Any, spider: Any = None) -> Any:
        """Pass ``response`` on, or raise IgnoreRequest for a refused redirect."""
        source = getattr(self.crawler.spider, "source", None)
        allow_private = bool(getattr(source, "allow_private_redirects", False))
        if "playwright" in response.flags and response.url != request.url:
            return self._check_final_page(request, response, allow_private)
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
            allow_private,
        )
        if reason is None and not allow_private and getattr(source, "proxy", None) is None:
            reason = await resolves_private(request.url, target)
        if reason:
            self._refuse(reason)
        return response

    def _check_final_page(self, request: Any, response: Any, allow_private: bool) -> Any:
        reason = refused_redirect(request.url, response.url, [request.url], [], allow_private)
        if reason is not None and "private" in reason:
            self._refuse(reason)
        return response

    def _refuse(self, reason: str) -> None:
        logger.warning(reason)
        self.crawler.stats.inc_value("leakwatch/redirects_refused")
        raise IgnoreRequest(reason)


def refused_redirect(
    source: str, target: str, chain: list[str], allowed: list[str], allow_private: bool
) -> str | None:
    """Why the redirect from ``source`` to ``target`` is refused, or None when it is fine.

    Decided on the URLs alone; names that resolve to private addresses are checked by the
    middleware.
    """
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
    if target_host != source_host and not allow_private and is_private_host(target_host):
        return f"redirect to a private address refused: {source} -> {target}"
    return None


async def resolves_private(source: str, target: str) -> str | None:
    """Why the redirect is refused when ``target``'s host is another name that resolves to a
    private address, or None (IP literals are left to :func:`refused_redirect`)."""
    source_host = (urlsplit(source).hostname or "").lower()
    target_host = (urlsplit(target).hostname or "").lower()
    if target_host == source_host or _is_ip_literal(target_host):
        return None
    loop = asyncio.get_running_loop()
    try:
        infos = await asyncio.wait_for(
            loop.getaddrinfo(target_host, None, type=socket.SOCK_STREAM), RESOLVE_TIMEOUT
        )
    except (OSError, TimeoutError):
        return None  # the download will fail on its own
    for *_, address in infos:
        if is_private_address(ipaddress.ip_address(address[0])):
            return (
                f"redirect to a private address refused: {source} -> {target} "
                f"({target_host} resolves to {address[0]})"
            )
    return None


def _is_ip_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return False
    return True
