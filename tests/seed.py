"""Synthetic findings for query, CLI and web tests, stored through the real storage functions.

Nothing here is real: sources point at loopback or ``.invalid`` hosts, FINESS numbers of the
made-up entities are only well-formed. One post is hostile on purpose (script tag, onerror
attribute, ``javascript:`` URL, a CSV formula as author). One post holds a possible hit: a
name two hospitals share, left for an analyst.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.core.config import SourceConfig
from crawler.core.records import Claims, EntityMatch, EntityRecord, PossibleMatch, PostFindings
from db.engine import make_engine, make_session_factory
from db.findings import FoundPost, store_batch_possible_hits, store_findings
from db.models import CrawlRun, Entity, Hit, PossibleHit, Source
from db.repository import PostRow, sync_sources, upsert_posts

T0 = datetime(2024, 11, 19, 8, 50, tzinfo=UTC)
HOSTILE_TITLE = '<script>alert("xss")</script><img src=x onerror="alert(1)"> Vente HP Thiais'
HOSTILE_URL = "javascript:alert(document.cookie)"
HOSTILE_AUTHOR = '=HYPERLINK("http://evil.example/","clic")'

RAMSAY = EntityRecord(key="group:ramsay-sante", kind="group", name="Ramsay Santé")
THIAIS = EntityRecord(
    key="finess:940000573",
    kind="establishment",
    name="Hôpital privé de Thiais",
    finess_et="940000573",
    finess_ej="940000565",
    parent_key=RAMSAY.key,
    category="Clinique",
    department="94",
    region="Île-de-France",
    city="Thiais",
    aliases=["HP Thiais"],
)
LYON = EntityRecord(
    key="finess:690000011",
    kind="establishment",
    name="Clinique du Parc Lyon",
    finess_et="690000011",
    department="69",
    region="Auvergne-Rhône-Alpes",
    city="Lyon",
    tags=["Softway Medical"],
)
SOFTWAY = EntityRecord(key="vendor:softway-medical", kind="vendor", name="Softway Medical")
BIOLAB = EntityRecord(
    key="lab:biolab-sud", kind="lab", name="Biolab Sud", department="13", region="PACA"
)

SAINT_DENIS = EntityRecord(
    key="finess:930110051",
    kind="establishment",
    name="Centre hospitalier de Saint-Denis",
    finess_et="930110051",
    department="93",
    region="Île-de-France",
    city="Saint-Denis",
)
SAINT_DENIS_REUNION = EntityRecord(
    key="finess:970408589",
    kind="establishment",
    name="Centre hospitalier Félix Guyon (Saint-Denis)",
    finess_et="970408589",
    department="974",
    region="La Réunion",
    city="Saint-Denis",
)
AMBIGUOUS = PossibleMatch(
    matched="CH de Saint-Denis",
    field="title",
    start=14,
    end=31,
    candidates=[SAINT_DENIS, SAINT_DENIS_REUNION],
    score=0.35,
    reasons=("health", "sale"),
)


@dataclass(frozen=True)
class Seeded:
    """Ids of the seeded rows the tests look at."""

    thiais: int
    lyon: int
    softway: int
    biolab: int
    hostile_hit: int
    thiais_hits: list[int]
    possible: int
    saint_denis: int
    saint_denis_reunion: int


#: A start URL every family accepts (a Telegram one must name a channel).
START_URL = "http://127.0.0.1:1/s/leaks"


def _source(name: str, kind: str, engine: str) -> SourceConfig:
    return SourceConfig(name=name, kind=kind, engine=engine, start_urls=[START_URL])  # type: ignore[arg-type]


SOURCES = [
    _source("breachforum", "forum", "mybb"),
    _source("tg-leaks", "telegram", "preview"),
    _source("paste-watch", "paste", "archive"),
    _source("lockbit-mirror", "leaksite", "generic"),
]

# (source, external id, title, excerpt, author, days after T0, findings)
POSTS = [
    ("breachforum", "t1", "Selling HP Thiais patient database 758k",
     "Base patients complète : NIR, identité. Échantillon dispo.", "darkseller", 0,
     PostFindings([EntityMatch(THIAIS, "HP Thiais", "title", 8, 17, 0.93)], 0.92,
      Claims(records=758912, data_types=["nir", "identity"], price=2.0, currency="BTC",
                  seller="darkseller", sample_offered=True))),
    ("tg-leaks", "chan/7", "Hôpital privé de Thiais — données de santé à vendre",
     "Repost du vendeur darkseller, prix négociable", "leakbot", 1,
     PostFindings([EntityMatch(THIAIS, "Hôpital privé de Thiais", "title", 0, 23, 0.97)], 0.85,
      Claims(records=758912, data_types=["nir"], seller="darkseller"))),
    ("paste-watch", "p42", "Liste de cliniques Ramsay Santé",
     "Annuaire public des établissements du groupe", None, 2,
     PostFindings([EntityMatch(RAMSAY, "Ramsay Santé", "title", 19, 31, 0.88)], 0.05,
      Claims())),
    ("breachforum", "t2", "Clinique du Parc Lyon dump (Softway Medical HM)",
     "Export DPI Hopital Manager, 120k dossiers", "lyonleaker", 3,
     PostFindings([EntityMatch(LYON, "Clinique du Parc Lyon", "title", 0, 21, 0.95),
                   EntityMatch(SOFTWAY, "Softway Medical", "title", 28, 43, 0.9)], 0.8,
      Claims(records=120000, data_types=["medical_records"], price=5000.0,
                  currency="USD", seller="lyonleaker"))),
    ("lockbit-mirror", "biolab-sud", "Biolab Sud — published",
     "Laboratoire d'analyses, 2 To exfiltrés", "lockbit", 4,
     PostFindings([EntityMatch(BIOLAB, "Biolab Sud", "title", 0, 10, 0.99)], 0.6,
      Claims(data_types=["lab_results"]))),
    ("breachforum", "t3", HOSTILE_TITLE,
     "<a href=\"javascript:alert(2)\">clic</a> =cmd|' /C calc'!A0", HOSTILE_AUTHOR, 5,
     PostFindings([EntityMatch(THIAIS, "HP Thiais", "title", 60, 69, 0.91)], 0.7,
      Claims(seller=HOSTILE_AUTHOR))),
    ("tg-leaks", "chan/9", "Base patients CH de Saint-Denis à vendre",
     "Dossiers patients des urgences, 40k lignes, prix en MP", '<img src=x onerror="alert(3)">', 6,
     PostFindings([], 0.75, Claims(records=40000, data_types=["medical_records"]),
                  [AMBIGUOUS])),
]  # fmt: skip
URLS = {
    "t1": "http://forum.example/t1",
    "chan/7": "https://telegram.example/s/leaks/7",
    "t3": HOSTILE_URL,
}


def seed(url: str) -> Seeded:
    """Store the synthetic sources, posts, hits, claims and incidents in the database at
    ``url`` (already migrated); return the ids tests need."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            return _seed(session)
    finally:
        engine.dispose()


def _seed(session: Session) -> Seeded:
    ids = sync_sources(session, SOURCES)
    kinds = {source.name: source.kind for source in SOURCES}
    for name, external_id, title, excerpt, author, days, findings in POSTS:
        when = T0 + timedelta(days=days)
        # A leak site's poster is the ransomware group, not an author.
        group_name = author if kinds[name] == "leaksite" else None
        row = PostRow(
            external_id=external_id,
            url=URLS.get(external_id, f"http://{name}.example/{external_id}"),
            title=title,
            author=None if group_name else author,
            group_name=group_name,
            posted_at=when - timedelta(hours=2),
            activity_at=when,
            content_hash=f"h-{external_id}",
            excerpt=excerpt,
            raw_length=len(excerpt) * 10,
            tags=[],
            extra={},
            sale_score=findings.sale_score,
        )
        post = upsert_posts(session, ids[name], [row], now=when)[0]
        store_findings(session, post.id, row.content_hash, findings, kinds[name], now=when)
        found = FoundPost(post.id, row.content_hash, findings)
        store_batch_possible_hits(session, [found], now=when)
    session.add_all(
        CrawlRun(source_id=source_id, started_at=T0, finished_at=T0, status="ok", health="ok",
                 pages=3, items=10)
        for source_id in ids.values()
    )  # fmt: skip
    session.execute(
        update(Source)
        .where(Source.name == "paste-watch")
        .values(health="parser_broken", health_detail="200 but no paste found")
    )
    session.flush()
    rows = session.execute(select(Entity.key, Entity.id))
    entity_ids = {key: entity_id for key, entity_id in rows}
    session.execute(
        update(Entity).where(Entity.key == THIAIS.key).values(parent_id=entity_ids[RAMSAY.key])
    )
    thiais_hits = list(
        session.execute(
            select(Hit.id).where(Hit.entity_id == entity_ids[THIAIS.key]).order_by(Hit.id)
        ).scalars()
    )
    return Seeded(
        thiais=entity_ids[THIAIS.key],
        lyon=entity_ids[LYON.key],
        softway=entity_ids[SOFTWAY.key],
        biolab=entity_ids[BIOLAB.key],
        hostile_hit=thiais_hits[-1],
        thiais_hits=thiais_hits,
        possible=session.execute(select(PossibleHit.id)).scalar_one(),
        saint_denis=entity_ids[SAINT_DENIS.key],
        saint_denis_reunion=entity_ids[SAINT_DENIS_REUNION.key],
    )


def seed_more_hits(url: str, count: int, title: str = "HP Thiais extract {n}") -> None:
    """Add ``count`` forum posts naming the Thiais hospital, each with its own hit and claim,
    after the seeded ones (for lists longer than a page); ``title`` is formatted with ``n``."""
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            source_id = sync_sources(session, SOURCES)["breachforum"]
            for n in range(count):
                when = T0 + timedelta(days=10, minutes=n)
                row = PostRow(
                    external_id=f"more-{n}", url=f"http://forum.example/more-{n}",
                    title=title.format(n=n), author="bulkseller", group_name=None,
                    posted_at=when, activity_at=when, content_hash=f"more-{n}",
                    excerpt="patients", raw_length=100, tags=[], extra={}, sale_score=0.9,
                )  # fmt: skip
                post = upsert_posts(session, source_id, [row], now=when)[0]
                findings = PostFindings(
                    [EntityMatch(THIAIS, "HP Thiais", "title", 0, 9, 0.9)],
                    0.9,
                    Claims(records=1000 + n, seller="bulkseller"),
                )
                store_findings(session, post.id, row.content_hash, findings, "forum", now=when)
    finally:
        engine.dispose()
