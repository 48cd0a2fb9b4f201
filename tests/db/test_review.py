"""An analyst's answer to a possible hit: resolved into a hit (severity, incident, alias), or
dismissed (exclusions), on both engines."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.engine import make_engine, make_session_factory
from db.errors import AlreadyTriaged, NotFound, TriageError
from db.models import Exclusion, Hit, Incident, PossibleHit, Source
from db.review import (
    RESOLVED_SCORE,
    add_alias,
    analyst_aliases,
    dismiss_possible_hit,
    resolve_possible_hit,
)
from tests.seed import SAINT_DENIS_REUNION, seed


def test_resolving_makes_a_hit_of_the_chosen_candidate(migrated_url: str) -> None:
    seeded = seed(migrated_url)
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        resolution = resolve_possible_hit(
            session, seeded.possible, seeded.saint_denis_reunion, "ana", "Félix Guyon, 974",
            alias="CHU Félix Guyon",
        )  # fmt: skip
    assert resolution.new and resolution.alias_added
    with sessions.begin() as session:
        hit = session.get(Hit, resolution.hit_id)
        assert hit is not None and hit.entity_id == seeded.saint_denis_reunion
        assert hit.matched == "CH de Saint-Denis"
        assert [(m["field"], m["start"]) for m in hit.mentions] == [("title", 14)]
        assert hit.score == RESOLVED_SCORE and hit.triage_status == "confirmed"
        # A sale post claiming a record count about an establishment: the usual rule says so.
        assert hit.severity == "critical" and hit.triaged_by == "ana"
        incident = session.get(Incident, hit.incident_id)
        assert incident is not None and incident.hit_count == 1
        possible = session.get(PossibleHit, seeded.possible)
        assert possible is not None and possible.triage_status == "confirmed"
        assert (possible.entity_id, possible.hit_id) == (seeded.saint_denis_reunion, hit.id)
        assert possible.triage_note == "Félix Guyon, 974"
        assert analyst_aliases(session) == {SAINT_DENIS_REUNION.key: ["CHU Félix Guyon"]}
        with pytest.raises(AlreadyTriaged):
            resolve_possible_hit(session, seeded.possible, seeded.saint_denis, "ana")
    engine.dispose()


def test_resolving_checks_the_candidate_and_the_alias(migrated_url: str) -> None:
    seeded = seed(migrated_url)
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        with pytest.raises(NotFound, match="not a candidate"):
            resolve_possible_hit(session, seeded.possible, seeded.thiais, "ana")
        with pytest.raises(NotFound):
            resolve_possible_hit(session, 999_999, seeded.thiais, "ana")
        assert add_alias(session, seeded.saint_denis, " CH  Delafontaine ", "ana")
        assert not add_alias(session, seeded.saint_denis, "CH Delafontaine", "bob")
        with pytest.raises(TriageError, match="two letters"):
            add_alias(session, seeded.saint_denis, " -\x00 ", "ana")
        assert analyst_aliases(session)["finess:930110051"] == ["CH Delafontaine"]
    engine.dispose()


def test_dismissing_excludes_every_candidate_with_the_phrase(migrated_url: str) -> None:
    seeded = seed(migrated_url)
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        added = dismiss_possible_hit(
            session, seeded.possible, "ana", "a Réunion news item", "phrase_on_source", "  "
        )
        assert added == 2
        with pytest.raises(AlreadyTriaged):
            dismiss_possible_hit(session, seeded.possible, "ana")
    with sessions.begin() as session:
        possible = session.get(PossibleHit, seeded.possible)
        assert possible is not None and possible.triage_status == "false_positive"
        tg = session.execute(select(Source.id).where(Source.name == "tg-leaks")).scalar_one()
        rules = session.execute(select(Exclusion).order_by(Exclusion.entity_id)).scalars().all()
        assert {(r.entity_id, r.source_id, r.phrase) for r in rules} == {
            (seeded.saint_denis, tg, "ch de saint-denis"),
            (seeded.saint_denis_reunion, tg, "ch de saint-denis"),
        }
        assert {r.note for r in rules} == {"a Réunion news item"}
        with pytest.raises(TriageError, match="scope"):
            dismiss_possible_hit(session, seeded.possible, "ana", exclude="entity")  # type: ignore[arg-type]
    engine.dispose()
