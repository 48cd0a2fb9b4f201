"""Synthetic forum content for the demo and fixture forums: sections of sale-style threads.

Everything here is invented: clinic names, sellers, record counts and prices. Listings are
ordered as forums order them: stickies first, then by last post, newest first.
"""

from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

_CLINICS = (
    "Clinique des Lilas", "Polyclinique du Parc", "Clinique Saint-Roch", "Centre Hospitalier "
    "de Valmont", "Clinique du Lac Bleu", "Polyclinique des Cèdres", "Clinique de l'Étang",
    "Centre de Radiologie Horizon", "Laboratoire BioVal", "Clinique Sainte-Aure",
    "EHPAD Les Tilleuls", "Centre Dentaire Lumière", "Mutuelle Santé Avenir",
    "Cabinet Médical du Port",
)  # fmt: skip
_CITIES = ("Lyon", "Lille", "Nantes", "Toulouse", "Rennes", "Dijon", "Metz", "Brest", "Nice")
_SELLERS = (
    "datavendor", "n0tsh4dy", "frenchleaks", "shadowbroker_fr", "medikit", "blackpill",
    "kr4ken", "lunaria", "zer0day_fr", "pharmacist",
)  # fmt: skip
_TEMPLATES = (
    ("SELLING", "Patient database {clinic} ({city}) {count}k records"),
    ("SELLING", "{clinic} {city} — full DB dump, {count}k patients, NIR + phone"),
    ("LEAK", "{clinic} ({city}) appointments export {year}"),
    ("SELLING", "Access to {clinic} EHR admin panel"),
    (None, "Fresh FR healthcare combolist {count}k lines"),
    ("BUYING", "Looking for French clinic databases, paying well"),
    ("SELLING", "Mutuelle customers FR {count}k — IBAN + adresse"),
    (None, "Question about {city} hospital portals"),
)
_BODY = (
    "Selling the full patient database of {clinic} in {city}. {count},000 rows: nom, prénom, "
    "date de naissance, NIR, téléphone, adresse, médecin traitant. Dump from {month} {year}. "
    "Sample on request, price {price}$ in XMR, escrow accepted. Contact me on Session."
)
_MONTHS = ("janvier", "mars", "mai", "juillet", "septembre", "novembre")


@dataclass
class DemoThread:
    """One thread: what every engine's listing and first post show."""

    thread_id: int
    title: str
    author: str
    created_at: datetime
    last_post_at: datetime
    replies: int = 0
    views: int = 0
    last_poster: str = ""
    prefix: str | None = None
    sticky: bool = False
    body: str = ""

    @property
    def slug(self) -> str:
        """URL slug of the title, as XenForo and MyBB's SEO links write it."""
        return slugify(self.title)


@dataclass
class DemoSection:
    """A forum section (MyBB forum, phpBB forum, XenForo node)."""

    section_id: int
    name: str
    threads: list[DemoThread] = field(default_factory=list)

    @property
    def slug(self) -> str:
        """URL slug of the section name."""
        return slugify(self.name)

    def stickies(self) -> list[DemoThread]:
        """Sticky threads, newest activity first."""
        return sorted(
            (t for t in self.threads if t.sticky), key=lambda t: t.last_post_at, reverse=True
        )

    def page(self, number: int, per_page: int) -> list[DemoThread]:
        """Normal threads of listing page ``number`` (1-based), newest activity first."""
        normal = sorted(
            (t for t in self.threads if not t.sticky),
            key=lambda t: (t.last_post_at, t.thread_id),
            reverse=True,
        )
        start = (number - 1) * per_page
        return normal[start : start + per_page]

    def page_count(self, per_page: int) -> int:
        """Number of listing pages (at least 1)."""
        normal = sum(1 for t in self.threads if not t.sticky)
        return max(1, -(-normal // per_page))


@dataclass
class DemoForum:
    """A whole forum: its sections, its clock and its timezone (for displayed dates)."""

    title: str
    sections: list[DemoSection]
    now: datetime
    timezone: str = "Europe/Paris"
    next_thread_id: int = 1

    def section(self, section_id: int) -> DemoSection | None:
        """The section with that id, or None."""
        return next((s for s in self.sections if s.section_id == section_id), None)

    def thread(self, thread_id: int) -> tuple[DemoSection, DemoThread] | None:
        """The thread with that id and its section, or None."""
        for section in self.sections:
            for thread in section.threads:
                if thread.thread_id == thread_id:
                    return section, thread
        return None

    def add_thread(
        self,
        section_id: int,
        title: str,
        author: str = "newseller",
        prefix: str | None = "SELLING",
        body: str = "",
        sticky: bool = False,
        at: datetime | None = None,
    ) -> DemoThread:
        """Post a new thread now (or at ``at``) in a section and return it."""
        section = self.section(section_id)
        if section is None:
            raise KeyError(f"no section {section_id}")
        when = at or self.now
        thread = DemoThread(
            thread_id=self.next_thread_id,
            title=title,
            author=author,
            created_at=when,
            last_post_at=when,
            last_poster=author,
            prefix=prefix,
            sticky=sticky,
            body=body or f"{title}. Contact me on Session for a sample.",
        )
        self.next_thread_id += 1
        section.threads.append(thread)
        return thread

    def reply(self, thread_id: int, author: str = "buyer", at: datetime | None = None) -> None:
        """Add a reply to a thread, which bumps it to the top of its section."""
        found = self.thread(thread_id)
        if found is None:
            raise KeyError(f"no thread {thread_id}")
        thread = found[1]
        thread.replies += 1
        thread.last_post_at = at or self.now
        thread.last_poster = author


def generate_forum(
    threads: int = 60,
    sections: tuple[str, ...] = ("Databases", "Leaks", "Marketplace"),
    now: datetime | None = None,
    seed: int = 7,
    stickies_per_section: int = 1,
    timezone: str = "Europe/Paris",
) -> DemoForum:
    """A forum of ``threads`` synthetic sale-style threads spread over ``sections``.

    Thread dates spread over the 60 days before ``now``; the newest fall within the last
    hours, so pages show relative dates ("5 minutes ago", "Today", "Yesterday").
    """
    rng = random.Random(seed)
    clock = now or datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    forum = DemoForum(
        title="Demo Board",
        sections=[DemoSection(index + 2, name) for index, name in enumerate(sections)],
        now=clock,
        timezone=timezone,
    )
    for number in range(threads):
        section = forum.sections[number % len(forum.sections)]
        age = timedelta(minutes=7 + number * 60 * 24 * 60 / max(threads, 1) + rng.random() * 30)
        created = clock - age - timedelta(hours=rng.randint(0, 48))
        values = {
            "clinic": rng.choice(_CLINICS),
            "city": rng.choice(_CITIES),
            "count": rng.choice((12, 45, 80, 120, 250, 600)),
            "year": rng.choice((2025, 2026)),
            "month": rng.choice(_MONTHS),
            "price": rng.choice((300, 800, 1500, 2500, 5000)),
        }
        prefix, template = rng.choice(_TEMPLATES)
        thread = DemoThread(
            thread_id=forum.next_thread_id,
            title=template.format(**values),
            author=rng.choice(_SELLERS),
            created_at=created,
            last_post_at=clock - age,
            replies=rng.randint(0, 40),
            views=rng.randint(20, 25_000),
            last_poster=rng.choice(_SELLERS),
            prefix=prefix,
            body=_BODY.format(**values),
        )
        forum.next_thread_id += 1
        section.threads.append(thread)
    for section in forum.sections:
        for index in range(stickies_per_section):
            forum.add_thread(
                section.section_id,
                f"Rules of {section.name} — read before posting" + (f" ({index})" if index else ""),
                author="admin",
                prefix=None,
                body="No scams. Escrow mandatory above 500$. Samples must be redacted.",
                sticky=True,
                at=clock - timedelta(days=90 + index),
            )
    return forum


def slugify(text: str) -> str:
    """ASCII, lower-case, dash-separated slug."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "thread"
