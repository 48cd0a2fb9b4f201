"""A loopback ransomware leak site for tests, benchmarks and the demo: synthetic victims in the
markup of real group sites, so the bundled layouts (spiders/leaksites/layouts) read it.

``LeakSite(layout="play")`` serves Play's "PLAY NEWS" table (``<th class="News">`` cells,
``viewtopic('…')`` and ``goto_page('…')`` JavaScript links, ``index.php?page=N`` pages,
``topic.php?id=…`` victim pages), with the same broken markup as the real page.
``LeakSite(layout="lockbit3")`` serves LockBit 3.0 cards (``a.post-block`` with countdowns,
one page) and ``/post/<id>`` victim pages. Victim pages carry a download link that a crawler
must never follow. Victims can be added, published and removed while the server runs,
``markup_changed`` switches to a theme no layout knows, and ``page_errors`` makes some Play
victim pages answer an HTTP error. Every name below the French health
establishments is invented; nothing is real leaked data.
"""

from __future__ import annotations

import hashlib
import html
import math
import string
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from crawler.demo.loopback import SiteRequest, SiteResponse, not_found
from crawler.demo.loopback import html as html_response

LAYOUTS = ("play", "lockbit3")
#: (name, website, country as the site shows it, what the group says about the victim)
DEFAULT_VICTIMS: tuple[tuple[str, str, str, str], ...] = (
    ("Centre Hospitalier de Cannes", "www.ch-cannes.fr", "France",
     "Public hospital of Cannes. Patient files, HR and payroll, 212 GB."),
    ("Northwind Freight Brokers", "www.northwind-freight.example", "United States",
     "Freight brokerage in Ohio. Contracts, invoices, 48 GB."),
    ("Bergmann Feinmechanik", "www.bergmann-feinmechanik.example", "Germany",
     "Precision engineering supplier. Drawings and customer data, 90 GB."),
    ("Clinique Sainte-Isabelle", "www.clinique-sainte-isabelle.fr", "France",
     "Private clinic in Abbeville. Medical records, insurance data, 64 GB."),
    ("Pacific Rim Ceramics", "www.pacificrimceramics.example", "Canada",
     "Ceramics manufacturer. Finance and HR folders, 31 GB."),
    ("Tecnoplast Iberica", "www.tecnoplast-iberica.example", "Spain",
     "Plastic parts maker. Accounting, 27 GB."),
    ("Hôpital privé de Thiais", "www.hopital-prive-thiais.fr", "France",
     "Private hospital in Thiais. Patient database and scans, 150 GB."),
    ("Moravia Textil", "www.moravia-textil.example", "Czech Republic",
     "Textile mill. Contracts and personal data of staff, 12 GB."),
    ("Sunfield Dairy Cooperative", "www.sunfield-dairy.example", "New Zealand",
     "Dairy cooperative. Member records, 19 GB."),
    ("CHU de Rennes", "www.chu-rennes.fr", "France",
     "University hospital of Rennes. Research and patient data, 300 GB."),
    ("Granite Peak Insurance", "www.granitepeak-ins.example", "United States",
     "Regional insurer. Claims and policyholder data, 75 GB."),
    ("Lindqvist Marine", "www.lindqvist-marine.example", "Sweden",
     "Boat builder. Designs and finance, 22 GB."),
    ("Centre Hospitalier d'Armentières", "www.ch-armentieres.fr", "France",
     "Public hospital of Armentières. Staff and patient files, 95 GB."),
    ("Oakridge Legal Partners", "www.oakridge-legal.example", "United Kingdom",
     "Law firm. Client files, 40 GB."),
    ("Cantina Valdarno", "www.cantina-valdarno.example", "Italy",
     "Winery. Accounting and customers, 8 GB."),
    ("Helix Biotech Labs", "www.helixbiotech.example", "United States",
     "Biotech laboratory. Research data, 120 GB."),
    ("Laboratoire Biomédical du Var", "www.labo-biomedical-var.fr", "France",
     "Medical biology laboratory. Test results of patients, 58 GB."),
    ("Kestrel Aviation Services", "www.kestrel-aviation.example", "Australia",
     "Aircraft maintenance. Manuals and HR, 33 GB."),
    ("Van Dijk Bouw", "www.vandijk-bouw.example", "Netherlands",
     "Construction company. Projects and payroll, 45 GB."),
    ("Maple Grove School District", "www.maplegrove-schools.example", "United States",
     "School district. Student and staff records, 70 GB."),
    ("Polyclinique du Parc", "www.polyclinique-du-parc.fr", "France",
     "Private polyclinic. Patient admissions and billing, 41 GB."),
    ("Andes Mining Supply", "www.andes-mining.example", "Chile",
     "Mining equipment dealer. Contracts, 17 GB."),
    ("Nordlicht Energie", "www.nordlicht-energie.example", "Germany",
     "Energy utility. Customer accounts, 88 GB."),
    ("Riverside Dental Group", "www.riverside-dental.example", "Canada",
     "Dental clinics. Patient charts, 26 GB."),
    ("Crescent Hotels", "www.crescent-hotels.example", "United Arab Emirates",
     "Hotel group. Guest data, 52 GB."),
    ("EHPAD Les Tilleuls", "www.ehpad-les-tilleuls.fr", "France",
     "Nursing home. Residents' medical files, 9 GB."),
    ("Summit Precision Tools", "www.summit-tools.example", "United States",
     "Tool maker. Engineering data, 14 GB."),
    ("Baltic Shipping Agency", "www.baltic-shipping.example", "Poland",
     "Shipping agency. Cargo manifests, 21 GB."),
)  # fmt: skip
_ID_ALPHABET = string.ascii_letters + string.digits


@dataclass
class Victim:
    """One victim as the site shows it."""

    victim_id: str
    name: str
    website: str
    country: str
    description: str
    added: datetime
    publication: datetime
    views: int

    @property
    def domain(self) -> str:
        """The website without ``www.`` (LockBit titles its cards with the domain)."""
        return self.website.removeprefix("www.")


class LeakSite:
    """A ransomware group's leak site, in the markup of ``layout`` ("play" or "lockbit3")."""

    def __init__(
        self,
        layout: str = "play",
        victims: int | None = None,
        per_page: int = 12,
        now: datetime | None = None,
    ) -> None:
        if layout not in LAYOUTS:
            raise ValueError(f"layout must be one of {', '.join(LAYOUTS)}")
        self.layout = layout
        self.per_page = per_page
        self.now = now or datetime.now(UTC)
        #: Serve a theme no layout knows (the parser_broken case).
        self.markup_changed = False
        #: HTTP status answered for some victims' pages (by victim id): 404, 403, 503…
        self.page_errors: dict[str, int] = {}
        self._lock = threading.Lock()
        rows = DEFAULT_VICTIMS[: victims if victims is not None else len(DEFAULT_VICTIMS)]
        self._victims = [
            self._victim(name, website, country, description, age_days=index)
            for index, (name, website, country, description) in enumerate(rows)
        ]

    @property
    def victims(self) -> list[Victim]:
        """The victims listed, newest first."""
        with self._lock:
            return list(self._victims)

    def add_victim(
        self,
        name: str,
        website: str,
        country: str = "France",
        description: str = "",
        days_to_publication: int = 7,
    ) -> Victim:
        """List a new victim at the top of the site."""
        victim = self._victim(name, website, country, description, age_days=0)
        victim.publication = victim.added + timedelta(days=days_to_publication)
        with self._lock:
            self._victims.insert(0, victim)
        return victim

    def publish_victim(self, name: str) -> Victim:
        """Publish a victim's data now: its countdown ends, the site shows it published."""
        with self._lock:
            for victim in self._victims:
                if victim.name == name:
                    victim.publication = self.now - timedelta(hours=1)
                    return victim
        raise KeyError(name)

    def remove_victim(self, name: str) -> Victim:
        """Take a victim off the site (groups do when a ransom is paid); KeyError if unknown."""
        with self._lock:
            for index, victim in enumerate(self._victims):
                if victim.name == name:
                    return self._victims.pop(index)
        raise KeyError(name)

    def restore_victim(self, victim: Victim) -> None:
        """List a removed victim again, where its date puts it."""
        with self._lock:
            self._victims.append(victim)
            self._victims.sort(key=lambda item: item.added, reverse=True)

    @property
    def pages(self) -> int:
        """Number of listing pages."""
        return max(1, math.ceil(len(self.victims) / self.per_page))

    def handle(self, request: SiteRequest) -> SiteResponse:
        """Answer one request."""
        if self.layout == "play":
            return self._play(request)
        return self._lockbit(request)

    # --- Play --------------------------------------------------------------------------------

    def _play(self, request: SiteRequest) -> SiteResponse:
        if request.route in ("/", "/index.php"):
            raw = request.param("page") or "1"
            page = int(raw) if raw.isdigit() and int(raw) > 0 else 1
            victims = self.victims[(page - 1) * self.per_page : page * self.per_page]
            if self.markup_changed:
                return html_response(_changed_theme(victims))
            return html_response(_play_listing(victims, page, self.pages, self.now))
        if request.route == "/topic.php":
            error = self.page_errors.get(request.param("id") or "")
            if error is not None:
                return html_response(f"<html><body><h1>Error {error}</h1></body></html>", error)
            victim = self._find(request.param("id"))
            return html_response(_play_topic(victim)) if victim else not_found()
        return not_found()

    # --- LockBit -----------------------------------------------------------------------------

    def _lockbit(self, request: SiteRequest) -> SiteResponse:
        if request.route == "/":
            if self.markup_changed:
                return html_response(_changed_theme(self.victims))
            return html_response(_lockbit_listing(self.victims, self.now))
        if request.route.startswith("/post/"):
            victim = self._find(request.route.removeprefix("/post/"))
            return html_response(_lockbit_post(victim, self.now)) if victim else not_found()
        return not_found()

    def _find(self, victim_id: str | None) -> Victim | None:
        return next((v for v in self.victims if v.victim_id == victim_id), None)

    def _victim(
        self, name: str, website: str, country: str, description: str, age_days: int
    ) -> Victim:
        added = (self.now - timedelta(days=age_days)).replace(microsecond=0)
        digest = hashlib.sha256(name.encode("utf-8")).digest()
        victim_id = "".join(_ID_ALPHABET[byte % len(_ID_ALPHABET)] for byte in digest[:14])
        return Victim(
            victim_id=victim_id,
            name=name,
            website=website,
            country=country,
            description=description or f"{name}: company data, contracts and personal files.",
            added=added,
            publication=added + timedelta(days=7),
            views=100 + digest[14] * 10,
        )


_PLAY_CELL = "background: rgba(0, 0, 0, 0.35);vertical-align:top;text-align:left;overflow: hidden;"


def _play_listing(victims: list[Victim], page: int, pages: int, now: datetime) -> str:
    """A Play listing page: script and style before <head>, unclosed <div>s, stray quotes."""
    rows = []
    for start in range(0, len(victims), 3):
        cells = "".join(_play_cell(victim, now) for victim in victims[start : start + 3])
        rows.append(f"<tr>{cells}</tr>")
    current = ' style="color: #EA5455;"'
    pager = "".join(
        f'&nbsp;&nbsp;&nbsp;<span class="Page" onclick="goto_page(\'{number}\')"'
        f"{current if number == page else ''}>{number}</span>"
        for number in range(1, pages + 1)
    )
    return (
        '<!DOCTYPE html><html lang="en"><script>function viewtopic(id){window.open('
        "'../topic.php?id='+id);};function goto_page(page){window.location.replace("
        "'../index.php?page='+page);};</script><style>th, td { padding: 10px;}</style>"
        '<head><meta charset="UTF-8"><title>PLAY NEWS</title></head><body style="opacity:0;">'
        '<div class="watermark">PLAY</div><table style="margin:auto;width:1200px;">'
        '<tr style="height:35px;"><th class="Btn" onclick="viewnews()">PLAY NEWS</th>'
        '<th class="Btn" onclick="viewcontacts()">CONTACT</th>'
        '<th class="Btn" onclick="viewfaq()">FAQ</th></tr>'
        '<tr><th colspan="3">If the company has not contacted within 72 hours after the attack, '
        "it is added to the portal.</th></tr>"
        + "".join(rows)
        + f'<tr style="height:10px;"><th colspan="3">{pager}</th></tr></table>'
        "<script>document.body.style.opacity = 1;</script></body></html>"
    )


def _play_cell(victim: Victim, now: datetime) -> str:
    return (
        f'<th title="click to open" height="50px" class="News" style="{_PLAY_CELL}" '
        f"onclick=\"viewtopic('{victim.victim_id}')\"\"'>{html.escape(victim.name)}"
        f"<div style=\"font-size:15px;\"><i class='location'></i>&nbsp;"
        f"{html.escape(victim.country)}"
        f"<div style=\"line-height: 1.70;\"><i class='link'></i>&nbsp;&nbsp;&nbsp;&nbsp;&nbsp;"
        f"{html.escape(victim.website)}"
        f'<div style="line-height: 1.70;">&#128065;&#65039; views: {victim.views}'
        f'<div style="line-height: 1.70;">added: {victim.added:%Y-%m-%d}'
        f'<div style="line-height: 1.70;">publication date: {victim.publication:%Y-%m-%d}'
        f'<div style="line-height: 1.70;text-align:center;"><h style="color: #F5F5F5;">'
        f"{_play_status(victim, now)}</h></th>"
    )


def _play_status(victim: Victim, now: datetime) -> str:
    """The cell's last line, as Play prints it: days left until publication, or published."""
    if victim.publication <= now:
        return "PUBLISHED"
    return f"{(victim.publication - now).days} DAYS BEFORE PUBLICATION"


def _play_topic(victim: Victim) -> str:
    """A Play victim page: the same cell, with the group's text and its download links."""
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="UTF-8"><title>PLAY NEWS</title>'
        '</head><body><table style="margin:auto;width:1200px;"><tr>'
        f'<th class="News" style="{_PLAY_CELL}">{html.escape(victim.name)}'
        f"<div><i class='location'></i>&nbsp;{html.escape(victim.country)}"
        f"<div><i class='link'></i>&nbsp;&nbsp;{html.escape(victim.website)}"
        f"<div>added: {victim.added:%Y-%m-%d}"
        f"<div>publication date: {victim.publication:%Y-%m-%d}"
        f"<div>information: {html.escape(victim.description)}"
        "<div>comment: Private and personal confidential data, clients documents, budget, "
        "payroll, IDs, taxes, finance information."
        f'<div>DOWNLOAD LINKS: <a href="/download/{victim.victim_id}.part1.rar">part 1</a>'
        "</th></tr></table></body></html>"
    )


# --- LockBit 3.0 ---------------------------------------------------------------------------------


def _lockbit_listing(victims: list[Victim], now: datetime) -> str:
    cards = "\n".join(_lockbit_card(victim, now) for victim in victims)
    return (
        "<!DOCTYPE html><html><head><title>LockBit BLOG</title></head><body>\n"
        '<div class="page-wrapper">\n    <div class="container">\n'
        f'        <div class="post-big-list  ">\n{cards}\n        </div>\n    </div>\n</div>\n'
        "</body></html>"
    )


def _lockbit_card(victim: Victim, now: datetime) -> str:
    published = victim.publication <= now
    timer = (
        ""
        if published
        else (
            '<div class="post-timer" style="width:100%">\n'
            f'    <div class="timer" data-timer="{victim.publication:%b %d, %Y %H:%M:%S}">\n'
            + "".join(
                f'        <div class="{unit}"><span>0</span> {unit[0].upper()}</div>\n'
                for unit in ("days", "hours", "minutes", "seconds")
            )
            + "    </div>\n</div>"
        )
    )
    text = victim.description if len(victim.description) < 200 else victim.description[:197]
    return (
        f'<a href="/post/{victim.victim_id}" target="_blank" '
        f'class="post-block {"good" if published else "bad"}">\n'
        '    <div class="post-head">\n        <div class="post-top-block">\n'
        '            <div class="post-title-block">\n'
        f'                <div class="post-title">\n                    {victim.domain}'
        "                </div>\n"
        '                <div style="display: flex; justify-content: center; flex-wrap: wrap;">'
        f"\n{timer}\n                </div>\n"
        f'                <div class="post-timer-end {"" if published else "d-none"}">\n'
        "                    published\n                </div>\n"
        "            </div>\n        </div>\n    </div>\n"
        '    <div class="post-block-body">\n        <div class="post-block-text">\n'
        f"            {html.escape(text)}...        </div>\n    </div>\n"
        '    <div class="views">\n        <div class="updated-post-date">\n'
        '            <span><img src="public/images/clock2.svg" width="20" alt="">\n'
        f"                Updated: {victim.added:%d %b, %Y},&nbsp;&nbsp; "
        f"{victim.added:%H:%M} UTC\n            </span>\n        </div>\n"
        '        <div style="filter: opacity(30%);">\n'
        f'            <span style="font-size: 12px; font-weight: bold">{victim.views}</span>\n'
        "        </div>\n    </div>\n</a>"
    )


def _lockbit_post(victim: Victim, now: datetime) -> str:
    """A LockBit victim page: full description, countdown, a download button never to follow."""
    return (
        "<!DOCTYPE html><html><head><title>LockBit BLOG</title></head><body>"
        '<div class="post-wrapper"><div class="post-company-content">'
        f'<div class="post-title">{victim.domain}</div>'
        f'<div class="desc">{html.escape(victim.name)}. {html.escape(victim.description)} '
        f"Website: {html.escape(victim.website)}</div>"
        f'<div class="publication-timer" data-timer="{victim.publication:%b %d, %Y %H:%M:%S}">'
        "</div></div>"
        f'<a class="post-download-btn" href="/download/{victim.victim_id}.zip">DOWNLOAD</a>'
        "</div></body></html>"
    )


def _changed_theme(victims: list[Victim]) -> str:
    """The same victims in a new theme that no bundled layout knows."""
    cards = "".join(
        f'<section class="victim-card"><h4>{html.escape(v.name)}</h4>'
        f"<p>{html.escape(v.website)}</p></section>"
        for v in victims
    )
    return f"<!DOCTYPE html><html><head><title>News</title></head><body>{cards}</body></html>"
