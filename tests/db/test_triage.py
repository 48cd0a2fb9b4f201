"""Triage and exclusions: statuses, notes, and false positives that do not come back."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from crawler.core.records import Claims, EntityMatch, PostFindings
from db.engine import make_engine, make_session_factory
from db.errors import NotFound, TriageError
from db.findings import store_findings
from db.models import Entity, Exclusion, Hit, Incident, Post
from db.repository import PostRow, upsert_posts
from db.triage import entity_exclusions, fold, is_excluded, triage_hit
from tests.seed import T0, THIAIS, seed


def test_triage_and_exclusions(migrated_url: str) -> None:
    seeded = seed(migrated_url)
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    first, second, hostile = seeded.thiais_hits
    with sessions.begin() as session:
        hit = triage_hit(session, first, "confirmed", "  seller known  ", "ana")
        assert (hit.triage_status, hit.triage_note, hit.triaged_by) == (
            "confirmed",
            "seller known",
            "ana",
        )
        assert hit.triaged_at is not None
        with pytest.raises(TriageError):
            triage_hit(session, first, "maybe", None, "ana")
        with pytest.raises(TriageError):
            triage_hit(session, first, "handled", None, "ana", exclude="source")
        with pytest.raises(TriageError):
            triage_hit(session, first, "false_positive", None, "ana", "phrase", "  ")
        with pytest.raises(NotFound):
            triage_hit(session, 999_999, "handled", None, "ana")
        triage_hit(
            session, second, "false_positive", "annuaire", "ana", "phrase", "Données de SANTÉ"
        )
        triage_hit(session, hostile, "false_positive", None, "ana", "source")
    with sessions.begin() as session:
        rules = session.execute(select(Exclusion).order_by(Exclusion.id)).scalars().all()
        assert [(rule.phrase, rule.source_id is not None) for rule in rules] == [
            ("donnees de sante", False),
            (None, True),
        ]
        posts = {post.external_id: post for post in session.execute(select(Post)).scalars()}
        # The phrase rule matches the telegram post's title, the source rule every breachforum post.
        assert is_excluded(session, seeded.thiais, posts["chan/7"], "Hôpital privé de Thiais")
        assert is_excluded(session, seeded.thiais, posts["t1"], "HP Thiais")
        assert not is_excluded(session, seeded.lyon, posts["t2"], "Clinique du Parc Lyon")
        assert not is_excluded(session, seeded.thiais, posts["p42"], "Thiais")
        assert [row.source_name for row in entity_exclusions(session, seeded.thiais)] == [
            "breachforum",
            None,
        ]
        lyon_hit = session.execute(select(Hit.id).where(Hit.entity_id == seeded.lyon)).scalar()
        assert lyon_hit is not None
        triage_hit(session, lyon_hit, "false_positive", None, "ana", "entity")
    with sessions.begin() as session:
        lyon = session.get(Entity, seeded.lyon)
        assert lyon is not None and lyon.excluded
        assert is_excluded(session, seeded.lyon, posts["t2"])
    engine.dispose()


def test_fold() -> None:
    assert fold("  Hôpital   PRIVÉ\tde Thiais ") == "hopital prive de thiais"
    assert fold("Straße") == "strasse"


def _incident_status(sessions, hit_id: int) -> str:  # type: ignore[no-untyped-def]
    with sessions.begin() as session:
        hit = session.get(Hit, hit_id)
        assert hit is not None and hit.incident_id is not None
        incident = session.get(Incident, hit.incident_id)
        assert incident is not None
        return incident.status


def test_the_incident_status_follows_the_triage_of_its_hits(migrated_url: str) -> None:
    seeded = seed(migrated_url)
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    first, second, hostile = seeded.thiais_hits
    steps = [
        (first, "false_positive", "new"),
        (second, "false_positive", "new"),
        (hostile, "false_positive", "false_positive"),
        (second, "confirmed", "confirmed"),
        (second, "handled", "handled"),
        (first, "confirmed", "confirmed"),
        (first, "handled", "handled"),
    ]
    assert _incident_status(sessions, first) == "new"
    for hit_id, status, expected in steps:
        with sessions.begin() as session:
            triage_hit(session, hit_id, status, None, "ana")
        assert _incident_status(sessions, hit_id) == expected, (hit_id, status)
    with sessions.begin() as session:
        # A new post naming the clinic reopens the handled incident.
        source_id = session.execute(select(Post.source_id)).scalars().first()
        assert source_id is not None
        row = PostRow("t9", None, "HP Thiais again", "x", T0, None, "h9", "", 1, [], {})
        post_id = upsert_posts(session, source_id, [row], now=T0 + timedelta(days=6))[0].id
        findings = PostFindings(
            [EntityMatch(THIAIS, "HP Thiais", "title", 0, 9, 0.9)], 0.0, Claims()
        )
        (new_hit,) = store_findings(
            session, post_id, "h9", findings, "forum", now=T0 + timedelta(days=6)
        )
    assert _incident_status(sessions, new_hit) == "confirmed"
    engine.dispose()
