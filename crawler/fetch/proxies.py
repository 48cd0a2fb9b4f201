"""A source's proxy, as plain requests and browser pages each need it.

A source sets ``proxy = "socks5h://127.0.0.1:9050"`` (Tor), ``socks5://…`` or ``http(s)://…``.

* Plain requests go through Scrapy's ``meta["proxy"]``. For a SOCKS proxy and
  ``proxy_isolation = true`` (the default), the SOCKS username is the source's name, so Tor
  (``IsolateSOCKSAuth``, see deploy/torrc) gives every source its own circuits: one site cannot
  link two sources' traffic, and one source's slow circuit does not stall the others.
* Browser pages get a Playwright context proxy. Chromium cannot authenticate to a SOCKS5 proxy,
  so browser pages are isolated by destination instead (``IsolateDestAddr`` in deploy/torrc);
  Chromium always hands host names to a SOCKS5 proxy unresolved, so ``socks5h`` becomes
  ``socks5`` there without changing where names are resolved.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, unquote, urlsplit

from crawler.core.config import SourceConfig

#: SOCKS password sent with the isolation username (Tor accepts any; it only compares them).
ISOLATION_PASSWORD = "leakwatch"
DEFAULT_PORTS = {"http": 8080, "https": 443, "socks5": 1080, "socks5h": 1080}


@dataclass(frozen=True)
class ProxyAddress:
    """Where a proxy listens and how it is spoken to."""

    scheme: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None

    @property
    def is_socks(self) -> bool:
        """True for ``socks5://`` and ``socks5h://``."""
        return self.scheme.startswith("socks")


def parse_proxy(url: str) -> ProxyAddress:
    """Split a proxy URL (credentials percent-decoded); raises ValueError without a host."""
    parts = urlsplit(url)
    if not parts.hostname:
        raise ValueError(f"proxy URL without a host: {url!r}")
    scheme = parts.scheme.lower()
    return ProxyAddress(
        scheme=scheme,
        host=parts.hostname,
        port=parts.port or DEFAULT_PORTS.get(scheme, 1080),
        username=unquote(parts.username) if parts.username is not None else None,
        password=unquote(parts.password) if parts.password is not None else None,
    )


def source_proxy(source: SourceConfig) -> ProxyAddress | None:
    """The source's proxy with its isolation credentials, or None without a proxy."""
    if source.proxy is None:
        return None
    proxy = parse_proxy(source.proxy)
    if proxy.is_socks and proxy.username is None and source.proxy_isolation:
        return ProxyAddress(proxy.scheme, proxy.host, proxy.port, source.name, ISOLATION_PASSWORD)
    return proxy


def request_proxy_url(source: SourceConfig) -> str | None:
    """``meta["proxy"]`` for the source's plain requests (credentials in the URL), or None."""
    proxy = source_proxy(source)
    if proxy is None:
        return None
    credentials = ""
    if proxy.username is not None:
        credentials = quote(proxy.username, safe="")
        if proxy.password is not None:
            credentials += ":" + quote(proxy.password, safe="")
        credentials += "@"
    return f"{proxy.scheme}://{credentials}{_host_port(proxy)}"


def browser_proxy(source: SourceConfig) -> dict[str, str] | None:
    """Playwright's ``proxy`` for the source's browser context, or None without a proxy."""
    if source.proxy is None:
        return None
    proxy = parse_proxy(source.proxy)
    scheme = "socks5" if proxy.is_socks else proxy.scheme
    settings = {"server": f"{scheme}://{_host_port(proxy)}"}
    if not proxy.is_socks and proxy.username is not None:
        settings["username"] = proxy.username
        settings["password"] = proxy.password or ""
    return settings


def uses_socks(source: SourceConfig) -> bool:
    """True when the source's requests go through a SOCKS proxy."""
    return source.proxy is not None and parse_proxy(source.proxy).is_socks


def _host_port(proxy: ProxyAddress) -> str:
    host = f"[{proxy.host}]" if ":" in proxy.host else proxy.host
    return f"{host}:{proxy.port}"
