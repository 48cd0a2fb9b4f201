"""Triage and exclusions: statuses, notes, and false positives that do not come back."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.engine import make_engine, make_session_factory
from db.errors import NotFound, TriageError
from db.models import Entity, Exclusion, Hit, Post
from db.triage import entity_exclusions, fold, is_excluded, triage_hit
from tests.seed import seed


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
