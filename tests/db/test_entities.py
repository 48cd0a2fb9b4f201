"""Entity history and incidents: first seen, posts naming it, claims over time, sources."""

from __future__ import annotations

import pytest

from db.engine import make_engine, make_session_factory
from db.entities import entity_claims, entity_summary, entity_timeline
from db.entity_lookup import EntityLookup
from db.errors import NotFound
from db.incidents import IncidentFilters, incident_detail, incident_list, source_health
from tests.seed import T0, seed


def test_entity_history(migrated_url: str) -> None:
    seeded = seed(migrated_url)
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        stored = EntityLookup()  # the stored entities only: no watchlist
        assert [e.id for e in stored.find(session, "940000573")] == [seeded.thiais]
        assert [e.name for e in stored.find(session, "clinique")] == ["Clinique du Parc Lyon"]
        summary = entity_summary(session, seeded.thiais)
        assert summary.first_seen == T0
        assert (summary.post_count, summary.hit_count, summary.incident_count) == (3, 3, 1)
        assert summary.sources == ["breachforum", "tg-leaks"]
        assert summary.parent_name == "Ramsay Santé"
        first = entity_timeline(session, seeded.thiais, limit=2)
        rest = entity_timeline(session, seeded.thiais, first.next_cursor, limit=2)
        entries = first.items + rest.items
        assert rest.next_cursor is None and len(entries) == 3
        assert entries[-1].first_seen == T0 and entries[-1].claims[0].records == 758912
        assert entries[-1].matched == ["HP Thiais"]
        claims = entity_claims(session, seeded.thiais)
        assert [claim.seller for claim in claims][:2] == ["darkseller", "darkseller"]
        assert claims[0].summary() == (
            "758,912 records; data: identity, nir; price 2 BTC; sample offered"
        )
        with pytest.raises(NotFound):
            entity_summary(session, 999_999)
    engine.dispose()


def test_incidents_group_sources(migrated_url: str) -> None:
    seed(migrated_url)
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        page = incident_list(session, IncidentFilters())
        assert len(page.items) == 5 and page.next_cursor is None
        thiais = incident_list(session, IncidentFilters(entity="thiais")).items
        assert len(thiais) == 1 and thiais[0].sources == ["breachforum", "tg-leaks"]
        assert thiais[0].hit_count == 3 and thiais[0].severity == "critical"
        first = incident_list(session, IncidentFilters(), limit=3)
        second = incident_list(session, IncidentFilters(), first.next_cursor, limit=3)
        ids = [row.id for row in first.items + second.items]
        assert sorted(ids) == sorted(row.id for row in page.items)
        detail = incident_detail(session, thiais[0].id)
        assert len(detail.hits) == 3 and set(detail.claims) == {h.post_id for h in detail.hits}
        low = incident_list(session, IncidentFilters(severity="low")).items
        assert [row.entity_name for row in low] == ["Ramsay Santé"]
        with pytest.raises(NotFound):
            incident_detail(session, 999_999)
    engine.dispose()


def test_source_health(migrated_url: str) -> None:
    seed(migrated_url)
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        rows = {row.name: row for row in source_health(session, now=T0)}
        assert rows["paste-watch"].health == "parser_broken"
        assert rows["breachforum"].recent_runs[0]["status"] == "ok"
        assert rows["breachforum"].hits_7d == 4  # seeded up to five days after T0
    engine.dispose()
