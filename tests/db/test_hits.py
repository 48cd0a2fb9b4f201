"""The hit list: every filter, keyset pages, and the same answers on both engines."""

from __future__ import annotations

from datetime import timedelta

import pytest

from db.engine import make_engine, make_session_factory
from db.errors import InvalidCursor
from db.hits import HitFilters, hit_by_id, hit_list, iter_hits
from db.migrate import upgrade
from db.pagination import walk_pages
from tests.seed import T0, seed

CASES = [
    (HitFilters(), 7),
    (HitFilters(entity="940000573"), 3),
    (HitFilters(entity="940000565"), 3),  # FINESS EJ
    (HitFilters(entity="thiais"), 3),
    (HitFilters(entity="100%_"), 0),  # LIKE wildcards are literal
    (HitFilters(kind="lab"), 1),
    (HitFilters(group="Ramsay Santé"), 4),  # the group and its member
    (HitFilters(vendor="Softway Medical"), 2),  # the vendor and the entity tagged with it
    (HitFilters(department="94"), 3),
    (HitFilters(region="Auvergne-Rhône-Alpes"), 1),
    (HitFilters(source="breachforum"), 4),
    (HitFilters(source_kind="leaksite"), 1),
    (HitFilters(since=T0 + timedelta(days=3)), 4),
    (HitFilters(until=T0 + timedelta(days=1)), 1),
    (HitFilters(sale_only=True), 6),
    (HitFilters(min_score=0.95), 3),
    (HitFilters(severity="critical"), 4),
    (HitFilters(status="new"), 7),
    (HitFilters(query="Thiais", source_kind="forum"), 2),
    (HitFilters(incident_id=1), 3),
    (HitFilters(seller="DarkSeller"), 2),  # a claimed seller handle, any case
    (HitFilters(seller="lyonleaker", kind="establishment"), 1),
    (HitFilters(ransomware_group="LockBit"), 1),
]


def _ids(url: str, filters: HitFilters) -> list[int]:
    engine = make_engine(url)
    try:
        with make_session_factory(engine).begin() as session:
            return [hit.id for hit in hit_list(session, filters, limit=500).items]
    finally:
        engine.dispose()


def test_filters(migrated_url: str) -> None:
    seed(migrated_url)
    for filters, count in CASES:
        assert len(_ids(migrated_url, filters)) == count, filters


def test_sqlite_walk_and_fallback_agree_with_the_plain_query(
    migrated_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(migrated_url)
    expected = {repr(filters): _ids(migrated_url, filters) for filters, _count in CASES}
    for window in (1, 3, 6):
        monkeypatch.setattr("db.hits.WALK_WINDOW", window)
        for filters, _count in CASES:
            assert _ids(migrated_url, filters) == expected[repr(filters)], (window, filters)
            engine = make_engine(migrated_url)
            with make_session_factory(engine).begin() as session:
                paged = [hit.id for hit in _pages_of_two(session, filters)]
            engine.dispose()
            assert paged == expected[repr(filters)], (window, filters)


def test_same_results_on_sqlite_and_postgresql(tmp_path, postgres_url: str) -> None:  # type: ignore[no-untyped-def]
    sqlite_url = f"sqlite:///{tmp_path / 'hits.db'}"
    for url in (sqlite_url, postgres_url):
        upgrade(url)
        seed(url)
    for filters, _count in CASES:
        assert _ids(sqlite_url, filters) == _ids(postgres_url, filters), filters


def test_keyset_pages_cover_the_list_once_newest_first(migrated_url: str) -> None:
    seed(migrated_url)
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:
        everything = hit_list(session, HitFilters(), limit=500).items
        pages, cursor = [], None
        while True:
            page = hit_list(session, HitFilters(), cursor, limit=2)
            pages.append(page.items)
            if page.next_cursor is None:
                break
            cursor = page.next_cursor
        walked = [hit.id for page in pages for hit in page]
        assert walked == [hit.id for hit in everything]
        assert [len(page) for page in pages] == [2, 2, 2, 1]
        times = [hit.created_at for hit in everything]
        assert times == sorted(times, reverse=True)
        assert [hit.id for hit in iter_hits(session, HitFilters(), max_rows=5)] == walked[:5]
        with pytest.raises(InvalidCursor):
            hit_list(session, HitFilters(), "not-a-cursor")
        row = hit_by_id(session, everything[0].id)
        assert row.as_dict()["entity_name"] == everything[0].entity_name
    engine.dispose()


def _pages_of_two(session, filters: HitFilters) -> list:  # type: ignore[no-untyped-def]
    return list(walk_pages(lambda cursor, _n: hit_list(session, filters, cursor, 2), 100))
