"""Findings: hits stored once, grouped into incidents across sources, severity rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import delete, select, update

from crawler.core.config import SourceConfig
from crawler.core.records import Claims, EntityMatch, EntityRecord, PostFindings
from crawler.core.severity import severity_of
from db.engine import make_engine, make_session_factory
from db.findings import FoundPost, store_batch_findings, store_findings
from db.models import Claim, Entity, Exclusion, Hit, Incident, Post
from db.repository import PostRow, sync_sources, upsert_posts

T0 = datetime(2024, 11, 19, 8, 50, tzinfo=UTC)
CLINIC = EntityRecord(
    key="finess:940000573",
    kind="establishment",
    name="Hôpital privé de Thiais",
    finess_et="940000573",
    department="94",
    city="Thiais",
)
SALE = PostFindings(
    hits=[EntityMatch(CLINIC, "HP Thiais", "title", 10, 19, 0.93)],
    sale_score=0.9,
    claim=Claims(records=758912, data_types=["nir", "identity"], price=2.0, currency="BTC"),
)


def _source(name: str) -> SourceConfig:
    return SourceConfig(name=name, kind="forum", engine="mybb", start_urls=["http://127.0.0.1/"])


def _post(session, source_name: str, external_id: str) -> int:  # type: ignore[no-untyped-def]
    source_id = sync_sources(session, [_source(source_name)])[source_name]
    row = PostRow(external_id, None, "Selling HP Thiais db", "x", T0, None, "h", "", 1, [], {})
    return upsert_posts(session, source_id, [row])[0].id


def test_hits_are_stored_once_and_grouped_across_sources(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        forum_post = _post(session, "forum-a", "1")
        first = store_findings(session, forum_post, "h", SALE, "forum", now=T0)
        again = store_findings(session, forum_post, "h", SALE, "forum", now=T0)
    with sessions.begin() as session:
        telegram_post = _post(session, "telegram-b", "chan/7")
        repost = store_findings(
            session, telegram_post, "h", SALE, "telegram", now=T0 + timedelta(hours=2)
        )
    assert len(first) == 1 and again == [] and len(repost) == 1
    with sessions.begin() as session:
        incidents = session.execute(select(Incident)).scalars().all()
        assert len(incidents) == 1
        assert incidents[0].hit_count == 2 and incidents[0].severity == "critical"
        assert incidents[0].last_seen == T0 + timedelta(hours=2)
        hits = session.execute(select(Hit)).scalars().all()
        assert {h.incident_id for h in hits} == {incidents[0].id}
        assert session.execute(select(Entity)).scalar_one().city == "Thiais"
        claim = session.execute(select(Claim)).scalars().first()
        assert claim is not None and claim.records == 758912
    engine.dispose()


def test_one_batch_joins_open_incidents_and_opens_new_ones(migrated_url: str) -> None:
    lab = EntityRecord(key="finess:440000001", kind="establishment", name="BioVal Nantes")
    quiet = PostFindings([EntityMatch(lab, "BioVal", "title", 0, 6, 0.75)], 0.0, Claims())
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        store_findings(session, _post(session, "forum-a", "1"), "h", SALE, "forum", now=T0)
    with sessions.begin() as session:
        both = PostFindings(
            [*SALE.hits, EntityMatch(lab, "BioVal", "text", 3, 9, 0.8)], 0.0, Claims()
        )
        posts = [
            FoundPost(_post(session, "forum-a", "2"), "h", both),
            FoundPost(_post(session, "forum-a", "3"), "h", quiet),
        ]
        new_hits = store_batch_findings(session, posts, "forum", now=T0 + timedelta(hours=1))
    assert len(new_hits) == 3
    with sessions.begin() as session:
        incidents = {
            entity_key: incident
            for incident, entity_key in session.execute(
                select(Incident, Entity.key).join(Entity, Entity.id == Incident.entity_id)
            )
        }
        assert set(incidents) == {CLINIC.key, lab.key}
        clinic, nantes = incidents[CLINIC.key], incidents[lab.key]
        assert (clinic.hit_count, nantes.hit_count) == (2, 2)
        assert clinic.last_seen == T0 + timedelta(hours=1) and clinic.first_seen == T0
        assert nantes.severity == "low" and clinic.severity == "critical"
        by_incident = {
            hit.incident_id: hit.entity_id for hit in session.execute(select(Hit)).scalars()
        }
        assert by_incident == {clinic.id: clinic.entity_id, nantes.id: nantes.entity_id}
        assert all(hit.incident_id for hit in session.execute(select(Hit)).scalars())
    engine.dispose()


def test_excluded_entity_gives_no_hit(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        post = _post(session, "forum-a", "1")
        store_findings(session, post, "h", PostFindings([], 0.0, Claims()), "forum")
        session.execute(
            Entity.__table__.insert().values(
                key=CLINIC.key,
                kind="establishment",
                name=CLINIC.name,
                aliases=[],
                domains=[],
                tags=[],
                origin="custom",
                excluded=True,
                updated_at=T0,
            )
        )
        assert store_findings(session, post, "h2", SALE, "forum") == []
        session.execute(update(Entity).values(excluded=False))
        assert len(store_findings(session, post, "h2", SALE, "forum")) == 1
    engine.dispose()


def test_analyst_exclusions_keep_a_false_positive_from_coming_back(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        post = _post(session, "forum-a", "1")
        other_source_post = _post(session, "telegram-b", "chan/9")
        assert len(store_findings(session, post, "h", SALE, "forum")) == 1
        entity_id = session.execute(select(Entity.id)).scalar_one()
        source_id = session.execute(select(Post.source_id).where(Post.id == post)).scalar_one()
        # A phrase exclusion, matched case- and accent-insensitively in the hit's text.
        session.add(Exclusion(entity_id=entity_id, phrase="hp thiais", created_by="ana"))
        session.flush()
        assert store_findings(session, post, "h2", SALE, "forum") == []
        session.execute(delete(Exclusion))
        # A source exclusion drops the entity's hits on that source only.
        session.add(Exclusion(entity_id=entity_id, source_id=source_id, created_by="ana"))
        session.flush()
        assert store_findings(session, post, "h3", SALE, "forum") == []
        assert len(store_findings(session, other_source_post, "h", SALE, "telegram")) == 1
    engine.dispose()


@pytest.mark.parametrize(
    ("kind", "sale", "claim", "source_kind", "score", "expected"),
    [
        ("establishment", 0.9, Claims(data_types=["nir"]), "forum", 0.9, "critical"),
        ("establishment", 0.9, Claims(), "forum", 0.9, "high"),
        ("vendor", 0.9, Claims(records=1000), "forum", 0.9, "high"),
        ("establishment", 0.0, Claims(), "leaksite", 0.8, "critical"),
        ("vendor", 0.0, Claims(), "leaksite", 0.8, "high"),
        ("establishment", 0.3, Claims(), "telegram", 0.6, "medium"),
        ("establishment", 0.0, Claims(), "forum", 0.7, "low"),
    ],
)
def test_severity(kind, sale, claim, source_kind, score, expected) -> None:  # type: ignore[no-untyped-def]
    assert severity_of(kind, sale, claim, source_kind, score) == expected
