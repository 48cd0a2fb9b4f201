"""Ransomware groups and seller handles: who named which entities, when, on both engines."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from db.actors import ActorFilters, actor_detail, actor_list
from db.engine import make_engine, make_session_factory
from db.errors import NotFound
from tests.seed import HOSTILE_AUTHOR, T0, Seeded, seed


@pytest.fixture
def seeded_session(migrated_url: str) -> Iterator[tuple[Session, Seeded]]:
    seeded = seed(migrated_url)
    engine = make_engine(migrated_url)
    try:
        with make_session_factory(engine).begin() as session:
            yield session, seeded
    finally:
        engine.dispose()


def test_groups_and_sellers_are_listed_with_what_they_named(seeded_session) -> None:  # type: ignore[no-untyped-def]
    session, _ = seeded_session
    groups = actor_list(session, "group", ActorFilters())
    assert [(g.name, g.entity_count, g.hit_count) for g in groups] == [("lockbit", 1, 1)]
    assert groups[0].first_seen == groups[0].last_seen == T0 + timedelta(days=4)
    sellers = actor_list(session, "seller", ActorFilters())
    # Most entities first: lyonleaker named the Lyon clinic and its software vendor.
    assert [(s.name, s.entity_count, s.hit_count) for s in sellers] == [
        ("lyonleaker", 2, 2),
        (HOSTILE_AUTHOR, 1, 1),
        ("darkseller", 1, 2),
    ]


def test_year_and_entity_kind_filters(seeded_session) -> None:  # type: ignore[no-untyped-def]
    session, _ = seeded_session
    assert actor_list(session, "seller", ActorFilters(year=2025)) == []
    this_year = actor_list(session, "seller", ActorFilters(year=2024, kind="establishment"))
    assert {(s.name, s.entity_count) for s in this_year} == {
        ("lyonleaker", 1),
        ("darkseller", 1),
        (HOSTILE_AUTHOR, 1),
    }
    assert actor_list(session, "group", ActorFilters(kind="establishment")) == []


def test_one_actor_any_case_with_first_and_last_seen(seeded_session) -> None:  # type: ignore[no-untyped-def]
    session, seeded = seeded_session
    detail = actor_detail(session, "seller", "DarkSeller", ActorFilters())
    assert detail.actor.name == "darkseller"
    assert detail.actor.hit_count == 2
    assert [entity.id for entity in detail.entities] == [seeded.thiais]
    named = detail.entities[0]
    assert (named.first_seen, named.last_seen) == (T0, T0 + timedelta(days=1))
    assert named.key == "finess:940000573" and named.hit_count == 2
    group = actor_detail(session, "group", "LOCKBIT", ActorFilters(year=2024))
    assert [entity.id for entity in group.entities] == [seeded.biolab]


def test_an_actor_that_named_nothing_is_not_found(seeded_session) -> None:  # type: ignore[no-untyped-def]
    session, _ = seeded_session
    with pytest.raises(NotFound, match="no seller 'nobody'"):
        actor_detail(session, "seller", "nobody", ActorFilters())
    with pytest.raises(NotFound, match="no ransomware group"):
        actor_detail(session, "group", "lockbit", ActorFilters(year=2023))
