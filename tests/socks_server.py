"""A small SOCKS5 proxy on 127.0.0.1 for tests: it logs what clients ask for and never resolves.

Clients connect as they would to Tor. Each CONNECT is logged as a :class:`SocksConnect` (the SOCKS
username, the requested host exactly as it arrived, its address type and port). Hostnames are
looked up only in ``routes`` (a name such as ``forumxyz.onion`` → a loopback ``(host, port)``),
never in DNS: an unknown name is answered "host unreachable", like Tor for a dead onion. IP
literals are refused unless they are loopback. Username/password authentication (RFC 1929) is
accepted with any credentials, as Tor does for ``IsolateSOCKSAuth``; so is no authentication.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
import struct
import threading
from dataclasses import dataclass, field
from types import TracebackType

NO_AUTH, USER_PASS, NO_METHOD = 0x00, 0x02, 0xFF
CONNECT = 0x01
ATYP_IPV4, ATYP_DOMAIN, ATYP_IPV6 = 0x01, 0x03, 0x04
SUCCEEDED, HOST_UNREACHABLE, CONNECTION_REFUSED, NOT_SUPPORTED = 0x00, 0x04, 0x05, 0x07


@dataclass(frozen=True)
class SocksConnect:
    """One CONNECT request as the proxy received it."""

    username: str | None
    host: str
    address_type: str  # "domain", "ipv4" or "ipv6"
    port: int


@dataclass
class SocksServer:
    """A SOCKS5 proxy on an ephemeral loopback port, run in its own thread while in a ``with``."""

    routes: dict[str, tuple[str, int]] = field(default_factory=dict)
    connects: list[SocksConnect] = field(default_factory=list)
    #: The username of every completed handshake (None without authentication).
    handshakes: list[str | None] = field(default_factory=list)
    port: int = 0

    def __post_init__(self) -> None:
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._server: asyncio.Server | None = None

    @property
    def url(self) -> str:
        """``socks5h://127.0.0.1:PORT``."""
        return f"socks5h://127.0.0.1:{self.port}"

    def hosts(self) -> list[str]:
        """The hosts requested so far, as they arrived."""
        return [connect.host for connect in self.connects]

    def __enter__(self) -> SocksServer:
        self._thread.start()
        if not self._ready.wait(10):
            raise RuntimeError("SOCKS test server did not start")
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._server = self._loop.run_until_complete(
            asyncio.start_server(self._serve, "127.0.0.1", 0)
        )
        self.port = self._server.sockets[0].getsockname()[1]
        self._ready.set()
        try:
            self._loop.run_forever()
        finally:
            self._server.close()
            for task in asyncio.all_tasks(self._loop):
                task.cancel()
            self._loop.run_until_complete(asyncio.sleep(0))
            self._loop.close()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            await self._handshake(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, ValueError):
            pass
        finally:
            writer.close()

    async def _handshake(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        version, count = await reader.readexactly(2)
        if version != 5:
            raise ValueError("not SOCKS5")
        methods = await reader.readexactly(count)
        username = None
        if USER_PASS in methods:
            writer.write(bytes([5, USER_PASS]))
            _, length = await reader.readexactly(2)
            username = (await reader.readexactly(length)).decode("utf-8", "replace")
            (length,) = await reader.readexactly(1)
            await reader.readexactly(length)
            writer.write(bytes([1, 0]))
        elif NO_AUTH in methods:
            writer.write(bytes([5, NO_AUTH]))
        else:
            writer.write(bytes([5, NO_METHOD]))
            return
        self.handshakes.append(username)
        _, command, _, address_type = await reader.readexactly(4)
        if address_type == ATYP_DOMAIN:
            (length,) = await reader.readexactly(1)
            host, kind = (await reader.readexactly(length)).decode("idna"), "domain"
        elif address_type == ATYP_IPV4:
            host, kind = socket.inet_ntop(socket.AF_INET, await reader.readexactly(4)), "ipv4"
        else:
            host, kind = socket.inet_ntop(socket.AF_INET6, await reader.readexactly(16)), "ipv6"
        (port,) = struct.unpack("!H", await reader.readexactly(2))
        self.connects.append(SocksConnect(username, host, kind, port))
        if command != CONNECT:
            writer.write(_reply(NOT_SUPPORTED))
            return
        target = self._target(host, kind, port)
        if target is None:
            writer.write(_reply(HOST_UNREACHABLE))
            return
        try:
            upstream_reader, upstream_writer = await asyncio.open_connection(*target)
        except OSError:
            writer.write(_reply(CONNECTION_REFUSED))
            return
        writer.write(_reply(SUCCEEDED))
        await asyncio.gather(
            _pipe(reader, upstream_writer), _pipe(upstream_reader, writer), return_exceptions=True
        )

    def _target(self, host: str, kind: str, port: int) -> tuple[str, int] | None:
        if kind == "domain":
            return self.routes.get(host.lower())
        return (host, port) if ipaddress.ip_address(host).is_loopback else None


def _reply(code: int) -> bytes:
    return bytes([5, code, 0, ATYP_IPV4, 0, 0, 0, 0, 0, 0])


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while chunk := await reader.read(65536):
            writer.write(chunk)
            await writer.drain()
    finally:
        writer.close()
