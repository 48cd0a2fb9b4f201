"""``leakwatch doctor``: is this machine ready to crawl? Each check says what is wrong, and how.

* **data_dir**: the data directory can be written, and the folders holding evidence and
  browser cookies are private (0700);
* **database**: reachable and migrated to the newest revision;
* **proxy**: every proxy of an enabled source answers; a SOCKS5 proxy completes the handshake
  the crawl will use (username/password for plain requests with Tor stream isolation, no
  authentication for browser pages). Only the handshake: no connection is asked for;
* **onion**: no enabled source has an onion start URL without a proxy resolving names remotely;
* **chromium**: when a source uses the browser, Chromium starts headless and opens a blank page.

:func:`run_checks` returns the checks; the CLI (crawler/cli/doctor.py) prints them.
"""

from __future__ import annotations

import asyncio
import os
import stat
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.exc import SQLAlchemyError

from crawler.core.config import Settings, SourceConfig
from crawler.fetch.browser import CHROMIUM_ARGS
from crawler.fetch.download_rules import onion_refusal
from crawler.fetch.proxies import ProxyAddress, source_proxy
from db.migrate import current_revision, head_revision

PRIVATE_FOLDERS = ("evidence", "browser")


@dataclass(frozen=True)
class Check:
    """One check: what was checked, on what, whether it passed, and the details or the fix."""

    name: str
    target: str
    ok: bool
    detail: str


def run_checks(settings: Settings, timeout: float = 5.0) -> list[Check]:
    """Every check for ``settings``, in a fixed order."""
    sources = [source for source in settings.sources if source.enabled]
    checks = [check_data_dir(settings.data_dir), check_database(settings.database_url)]
    for probe, users in sorted(proxy_probes(sources).items(), key=lambda item: str(item[0])):
        checks.append(asyncio.run(check_proxy(probe, sorted(users), timeout)))
    checks += [check for source in sources if (check := check_onion(source)) is not None]
    browser_sources = [source.name for source in sources if source.browser]
    if browser_sources:
        checks.append(asyncio.run(check_chromium(settings.chromium_path, timeout * 6)))
    else:
        checks.append(Check("chromium", str(settings.chromium_path), True, "no browser source"))
    return checks


def check_data_dir(data_dir: Path) -> Check:
    """The data directory exists (or can be created), is writable, and keeps secrets private."""
    try:
        data_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".doctor-"):
            pass
    except OSError as exc:
        return Check("data_dir", str(data_dir), False, f"not writable: {exc}")
    for name in PRIVATE_FOLDERS:
        folder = data_dir / name
        if folder.is_dir():
            mode = stat.S_IMODE(folder.stat().st_mode)
            if mode & 0o077:
                detail = f"{folder} is readable by others (mode {mode:o}): chmod 700 it"
                return Check("data_dir", str(data_dir), False, detail)
    return Check("data_dir", str(data_dir), True, "writable")


def check_database(url: str) -> Check:
    """The database answers and is at the newest schema revision."""
    target = url.split("@")[-1] if "@" in url else url
    try:
        current = current_revision(url)
    except SQLAlchemyError as exc:
        message = str(exc).strip().splitlines()[0]
        return Check("database", target, False, f"not reachable: {message}")
    head = head_revision()
    if current != head:
        detail = f"at revision {current or 'empty'}, newest is {head}: run leakwatch db upgrade"
        return Check("database", target, False, detail)
    return Check("database", target, True, f"reachable, at revision {head}")


def proxy_probes(sources: list[SourceConfig]) -> dict[ProxyAddress, set[str]]:
    """Each distinct proxy handshake the crawls will make, with the sources making it."""
    probes: dict[ProxyAddress, set[str]] = {}
    for source in sources:
        proxy = source_proxy(source)
        if proxy is None:
            continue
        if source.browser and proxy.is_socks:
            # Chromium speaks SOCKS5 without authentication.
            proxy = ProxyAddress(proxy.scheme, proxy.host, proxy.port)
        probes.setdefault(proxy, set()).add(source.name)
    return probes


async def check_proxy(proxy: ProxyAddress, users: list[str], timeout: float) -> Check:
    """The proxy accepts a connection and, for SOCKS5, the crawl's handshake."""
    auth = f" as {proxy.username}" if proxy.username else ""
    target = f"{proxy.scheme}://{proxy.host}:{proxy.port}{auth} ({', '.join(users)})"
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection(proxy.host, proxy.port), timeout
        )
    except TimeoutError:
        return Check("proxy", target, False, f"no answer within {timeout:g} s")
    except OSError as exc:
        return Check("proxy", target, False, f"no answer: {exc}")
    try:
        if not proxy.is_socks:
            return Check("proxy", target, True, "accepts connections (HTTP proxy)")
        detail = await asyncio.wait_for(socks5_handshake(reader, writer, proxy), timeout)
    except TimeoutError:
        detail = f"no SOCKS5 answer within {timeout:g} s (not a SOCKS5 proxy?)"
    except asyncio.IncompleteReadError:
        detail = "closed the connection during the SOCKS5 handshake (not a SOCKS5 proxy?)"
    except OSError as exc:
        detail = f"handshake failed: {exc}"
    finally:
        writer.close()
    return Check("proxy", target, detail == "", detail or "SOCKS5 handshake ok")


async def socks5_handshake(
    reader: asyncio.StreamReader, writer: asyncio.StreamWriter, proxy: ProxyAddress
) -> str:
    """Greet a SOCKS5 proxy (RFC 1928) and authenticate (RFC 1929) as the crawl will; "" when
    it accepts, else what went wrong."""
    method = 0x02 if proxy.username is not None else 0x00
    writer.write(bytes([5, 1, method]))
    await writer.drain()
    answer = await reader.readexactly(2)
    if answer[0] != 5:
        return f"not a SOCKS5 proxy (answered {answer!r})"
    if answer[1] != method:
        wanted = "username/password" if method == 0x02 else "no"
        hint = " (set proxy_isolation = false?)" if method == 0x02 else ""
        return f"refuses {wanted} authentication{hint}"
    if method == 0x02:
        user = (proxy.username or "").encode()
        password = (proxy.password or "").encode()
        writer.write(bytes([1, len(user)]) + user + bytes([len(password)]) + password)
        await writer.drain()
        status = await reader.readexactly(2)
        if status[1] != 0:
            return "refuses the username/password"
    return ""


def check_onion(source: SourceConfig) -> Check | None:
    """A failed check when one of the source's start URLs is an onion it cannot reach safely."""
    for url in source.start_urls:
        reason = onion_refusal(url, source.proxy)
        if reason is not None:
            return Check("onion", source.name, False, reason)
    return None


async def check_chromium(path: Path, timeout: float) -> Check:
    """Chromium at ``path`` starts headless, with the crawl's flags, and opens about:blank."""
    from playwright.async_api import Error as PlaywrightError
    from playwright.async_api import async_playwright

    if not os.access(path, os.X_OK):
        return Check("chromium", str(path), False, "not found: make system-deps")
    started = time.monotonic()
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(
                executable_path=str(path), args=list(CHROMIUM_ARGS), timeout=timeout * 1000
            )
            try:
                page = await browser.new_page()
                await page.goto("about:blank", timeout=timeout * 1000)
                version = browser.version
            finally:
                await browser.close()
    except PlaywrightError as exc:
        return Check("chromium", str(path), False, str(exc).strip().splitlines()[0])
    seconds = time.monotonic() - started
    return Check("chromium", str(path), True, f"Chromium {version} started in {seconds:.1f} s")
