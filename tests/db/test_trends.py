"""Counts for the charts: hits per week and severity, a source's runs, on both engines."""

from __future__ import annotations

from collections import Counter
from datetime import date

from sqlalchemy import select

from db.engine import make_engine, make_session_factory
from db.hits import HitFilters
from db.models import Hit, Source
from db.trends import named_by_department, source_runs, week_of, weekly_hit_counts
from tests.seed import seed, seed_more_hits


def test_week_of_is_the_monday() -> None:
    assert week_of(date(2024, 11, 19)) == date(2024, 11, 18)  # a Tuesday
    assert week_of(date(2024, 11, 24)) == date(2024, 11, 18)  # a Sunday
    assert week_of(date(2024, 11, 25)) == date(2024, 11, 25)  # a Monday


def test_weekly_counts_match_the_hits_one_by_one(migrated_url: str) -> None:
    seeded = seed(migrated_url)
    seed_more_hits(migrated_url, 3)  # ten days later: the next week
    engine = make_engine(migrated_url)
    try:
        with make_session_factory(engine).begin() as session:
            hits = session.execute(select(Hit.created_at, Hit.severity)).all()
            expected = Counter((week_of(at.date()), severity) for at, severity in hits)
            counts = weekly_hit_counts(session, HitFilters())
            assert {(c.week, c.severity): c.count for c in counts} == dict(expected)
            assert [c.week for c in counts] == sorted(c.week for c in counts)
            assert {c.week for c in counts} == {date(2024, 11, 18), date(2024, 11, 25)}

            entity = weekly_hit_counts(session, HitFilters(entity_id=seeded.lyon))
            assert [(c.week, c.count) for c in entity] == [(date(2024, 11, 18), 1)]
            newest_only = weekly_hit_counts(session, HitFilters(), weeks=1)
            assert {c.week for c in newest_only} == {date(2024, 11, 25)}
            assert sum(c.count for c in newest_only) == 3
            assert weekly_hit_counts(session, HitFilters(seller="nobody")) == []
    finally:
        engine.dispose()


def test_source_runs_oldest_first(migrated_url: str) -> None:
    seed(migrated_url)
    engine = make_engine(migrated_url)
    try:
        with make_session_factory(engine).begin() as session:
            source_id = session.execute(
                select(Source.id).where(Source.name == "breachforum")
            ).scalar_one()
            runs = source_runs(session, source_id)
            assert [(run.status, run.items) for run in runs] == [("ok", 10)]
            assert source_runs(session, source_id + 1000) == []
    finally:
        engine.dispose()


def test_named_establishments_per_department(migrated_url: str) -> None:
    seed(migrated_url)
    engine = make_engine(migrated_url)
    try:
        with make_session_factory(engine).begin() as session:
            # Thiais (94) and the Lyon clinic (69); the lab (13) and the group are no
            # establishments, the Saint-Denis name is only a possible hit.
            assert named_by_department(session, HitFilters()) == {"94": 1, "69": 1}
            assert named_by_department(session, HitFilters(source="tg-leaks")) == {"94": 1}
            assert named_by_department(session, HitFilters(seller="nobody")) == {}
    finally:
        engine.dispose()
