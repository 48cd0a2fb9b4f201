"""A synthetic paste site for tests, benchmarks and ``make demo`` (served on 127.0.0.1).

:class:`PasteArchiveSite` answers like Pastebin: ``/archive`` lists the newest pastes in
Pastebin's ``table.maintable`` markup (relative ages, syntax links, a sidebar), ``/raw/<key>``
serves a paste's raw text, ``/<key>`` its page, and the scraping API answers at
``/api_scraping.php`` (JSON list) and ``/api_scrape_item.php?i=<key>`` when ``api_access`` is
on, or with Pastebin's refusal text otherwise. ``layout = "changed"`` serves a redesigned
archive the default selectors do not know.

The bundled pastes exercise the crawler: a re-announced sale of French health data ("CHU de
Rennes", with fake NIR and phone numbers so redaction is exercised), ordinary code and logs, a
huge paste (over the default cap), two binary pastes (NUL bytes served as text, and a PNG), and
a Latin-1 paste served as UTF-8. :meth:`PasteArchiveSite.add_paste` publishes while running.
Everything here is invented.
"""

from __future__ import annotations

import html as html_entities
import json
import random
import string
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.demo.loopback import SiteRequest, SiteResponse, html, not_found

#: Fake NIRs (valid check keys) and phone numbers: invented, here so redaction has work to do.
FAKE_NIRS = ("1 84 07 35 238 012 71", "2 91 02 35 238 147 45", "1 76 05 35 047 203 53")
FAKE_PHONES = ("06 12 45 78 90", "07 61 23 45 98", "02 99 28 43 21")
SALE_TITLE = "[RELIST] base patients CHU Rennes - still available"
SALE_TEXT = f"""=== RELIST / toujours dispo ===
Base patients CHU de Rennes (extraction 2024), 120 000 lignes. Preuve : DURAND Camille,
NIR {FAKE_NIRS[0]}, tel {FAKE_PHONES[0]}, cardiologie.
Champs : nom, prenom, date de naissance, NIR, mutuelle, telephone, adresse, service.
Prix : 3000 USDT, escrow accepte. Deja vendue 2 fois sur le forum, le reste en PV.

NOM;PRENOM;DATE_NAISSANCE;NIR;TELEPHONE;SERVICE
LEGALL;Maiwenn;1991-02-03;{FAKE_NIRS[1]};{FAKE_PHONES[1]};maternite
ROPARS;Yann;1976-05-21;{FAKE_NIRS[2]};{FAKE_PHONES[2]};urgences

Contact : Telegram @breizhdata_seller
"""
LATIN1_TITLE = "export rdv"
LATIN1_TEXT = (
    "Export des rendez-vous - Hôpital privé de Thiais\n"
    "Période : janvier à mars, 4 812 lignes, accès via compte secrétariat.\n"
    "Échantillon disponible, prix à débattre.\n"
)
HUGE_MARKER_START = "Clinique Sainte-Isabelle"
HUGE_MARKER_END = "END-OF-HUGE-PASTE"
HUGE_BYTES = 1_500_000
_KEY_ALPHABET = string.ascii_letters + string.digits


@dataclass
class DemoPaste:
    """One paste of the demo site: what the archive lists and what ``/raw/<key>`` serves."""

    key: str
    title: str
    body: bytes
    syntax: str
    created: datetime
    content_type: str = "text/plain; charset=utf-8"
    author: str | None = None


class PasteArchiveSite:
    """A Pastebin-like paste site (see the module docstring); thread-safe while served."""

    def __init__(
        self,
        now: datetime | None = None,
        api_access: bool = False,
        huge_bytes: int = HUGE_BYTES,
        seed: int = 7,
    ) -> None:
        self.api_access = api_access
        self.layout = "pastebin"
        self._random = random.Random(seed)
        self._lock = threading.Lock()
        self.pastes: list[DemoPaste] = []
        start = (now or datetime.now(UTC)) - timedelta(hours=2)
        for minutes, paste in enumerate(_bundled(huge_bytes)):
            title, body, syntax, content_type = paste
            self._publish(title, body, syntax, content_type, start + timedelta(minutes=minutes))

    @property
    def sale_paste(self) -> DemoPaste:
        """The paste re-announcing the CHU de Rennes sale."""
        return self.paste_titled(SALE_TITLE)

    def paste_titled(self, title: str) -> DemoPaste:
        """The newest paste called ``title``; raises KeyError when there is none."""
        with self._lock:
            for paste in self.pastes:
                if paste.title == title:
                    return paste
        raise KeyError(title)

    def add_paste(
        self,
        title: str,
        text: str,
        syntax: str = "text",
        encoding: str = "utf-8",
        content_type: str | None = None,
        author: str | None = None,
    ) -> DemoPaste:
        """Publish a paste now; it tops the archive. Returns it (with its new key)."""
        header = content_type or f"text/plain; charset={encoding}"
        return self._publish(
            title, text.encode(encoding), syntax, header, datetime.now(UTC), author
        )

    def handle(self, request: SiteRequest) -> SiteResponse:
        """Answer one request."""
        route = request.route
        if route in ("/archive", "/archive/"):
            return html(self._archive_page(datetime.now(UTC)))
        if route == "/api_scraping.php":
            return self._api_listing(request)
        if route == "/api_scrape_item.php":
            return self._raw(request.param("i") or "") if self.api_access else self._refusal()
        if route.startswith("/raw/"):
            return self._raw(route.removeprefix("/raw/"))
        paste = self._find(route.strip("/"))
        if paste is not None:
            return html(_paste_page(paste))
        return not_found()

    # --- content -----------------------------------------------------------------------------

    def _publish(
        self,
        title: str,
        body: bytes,
        syntax: str,
        content_type: str,
        created: datetime,
        author: str | None = None,
    ) -> DemoPaste:
        with self._lock:
            key = "".join(self._random.choice(_KEY_ALPHABET) for _ in range(8))
            paste = DemoPaste(key, title, body, syntax, created, content_type, author)
            self.pastes.insert(0, paste)
            return paste

    def _find(self, key: str) -> DemoPaste | None:
        with self._lock:
            return next((paste for paste in self.pastes if paste.key == key), None)

    def _raw(self, key: str) -> SiteResponse:
        paste = self._find(key)
        if paste is None:
            return not_found()
        return SiteResponse(200, paste.body, paste.content_type)

    def _api_listing(self, request: SiteRequest) -> SiteResponse:
        if not self.api_access:
            return self._refusal()
        limit = int(request.param("limit") or 50)
        base = f"http://{request.headers.get('host', '127.0.0.1')}"
        with self._lock:
            listed = self.pastes[:limit]
        records = [
            {
                "scrape_url": f"{base}/api_scrape_item.php?i={paste.key}",
                "full_url": f"{base}/{paste.key}",
                "date": str(int(paste.created.timestamp())),
                "key": paste.key,
                "size": str(len(paste.body)),
                "expire": "0",
                "title": paste.title,
                "syntax": paste.syntax.lower(),
                "user": paste.author or "",
                "hits": "3",
            }
            for paste in listed
        ]
        return SiteResponse(200, json.dumps(records).encode(), "application/json")

    def _refusal(self) -> SiteResponse:
        text = (
            "YOUR IP: 127.0.0.1 DOES NOT HAVE ACCESS. "
            "VISIT: https://pastebin.com/doc_scraping_api TO GET ACCESS!"
        )
        return SiteResponse(200, text.encode(), "text/html; charset=utf-8")

    def _archive_page(self, now: datetime) -> str:
        with self._lock:
            listed = self.pastes[:50]
        if self.layout == "changed":
            cards = "".join(
                f'<div class="card"><h3>{_e(p.title)}</h3><span>{_age(p.created, now)}</span>'
                f'<button data-id="{p.key}">open</button></div>'
                for p in listed
            )
            return f"<html><body><main id='feed'>{cards}</main></body></html>"
        rows = "".join(
            f"""
                    <tr>
                        <td><span class="status -public"></span><a href="/{p.key}">"""
            f"""{_e(p.title)}</a></td>
                        <td class="td_smaller h_800 td_right">{_age(p.created, now)}</td>
                        <td class="td_smaller h_800 td_right"><a href="/archive/"""
            f"""{_e(p.syntax.lower())}">{_e(p.syntax)}</a></td></tr>"""
            for p in listed
        )
        sidebar = "".join(
            f'<li><a href="/{p.key}">{_e(p.title)}</a><div class="details">'
            f"{_e(p.syntax)} | {_age(p.created, now)}</div></li>"
            for p in listed[:8]
        )
        return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Pastes Archive - Pastebin.com</title></head>
<body class="night-auto">
<div class="header"><a class="header__logo" href="/">Pastebin</a>
<div class="header__links"><a href="/doc_api">API</a> <a href="/tools">tools</a>
<a href="/faq">faq</a></div>
<div class="header_sign"><a href="/login">Login</a> <a href="/signup">Sign up</a></div></div>
<div class="container"><div class="content">
<div class="page page-archive -top">
    <div class="content__title">Pastes Archive</div>
    <div class="content__text"><div class="notice -no-margin">This page contains the most
    recently created 'public' pastes.</div></div>
    <div class="archive-table">
        <table class="maintable">
            <tbody>
                <tr>
                    <th scope="col">Name / Title</th>
                    <th scope="col" class="h_800 td_right">Posted</th>
                    <th scope="col" class="h_800 td_right">Syntax</th>
                </tr>{rows}
            </tbody>
        </table>
    </div>
</div></div>
<div class="sidebar h_1024"><div class="sidebar__title"><a href="/archive">Public Pastes</a></div>
<ul class="sidebar__menu">{sidebar}</ul></div>
</div></body></html>"""


def _bundled(huge_bytes: int) -> list[tuple[str, bytes, str, str]]:
    """The initial pastes, oldest first: (title, raw body, syntax, content type)."""
    utf8 = "text/plain; charset=utf-8"
    huge_line = "2024-11-19T08:14:{:02d}Z GET /intranet/agenda?id={} 200 {} ms\n"
    lines = [f"# nginx export, intranet {HUGE_MARKER_START}\n"]
    size = len(lines[0])
    index = 0
    while size < huge_bytes:
        line = huge_line.format(index % 60, index, 20 + index % 70)
        lines.append(line)
        size += len(line)
        index += 1
    lines.append(HUGE_MARKER_END + "\n")
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8
    nul_text = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + bytes(512)
    return [
        (
            "Untitled",
            b"def fib(n):\n    return n if n < 2 else fib(n - 1) + fib(n - 2)\n",
            "Python",
            utf8,
        ),
        ("server logs", "".join(lines).encode(), "None", utf8),
        ("payload.exe", nul_text, "None", utf8),
        ("logo", png, "None", "image/png"),
        (LATIN1_TITLE, LATIN1_TEXT.encode("latin-1"), "None", utf8),
        ("docker-compose.yml", b"services:\n  web:\n    image: nginx:1.27\n", "YAML", utf8),
        (SALE_TITLE, SALE_TEXT.encode(), "None", utf8),
        ("AuthGuard", b"export const guard = () => true;\n", "TypeScript", utf8),
    ]


def _paste_page(paste: DemoPaste) -> str:
    return (
        f"<html><head><title>{_e(paste.title)} - Pastebin.com</title></head><body>"
        f"<h1>{_e(paste.title)}</h1><a href='/raw/{paste.key}'>raw</a></body></html>"
    )


def _age(created: datetime, now: datetime) -> str:
    seconds = max(1, int((now - created).total_seconds()))
    for unit, size in (("day", 86400), ("hour", 3600), ("min", 60)):
        if seconds >= size:
            count = seconds // size
            plural = "s" if count > 1 and unit != "min" else ""
            return f"{count} {unit}{plural} ago"
    return f"{seconds} sec ago"


def _e(text: str) -> str:
    return html_entities.escape(text, quote=True)
