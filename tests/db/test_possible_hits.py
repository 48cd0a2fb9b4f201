"""The possible-hit list: the hit filters applied to candidates, pages, one by id."""

from __future__ import annotations

import pytest

from crawler.reports.filters import hit_filters
from db.engine import make_engine, make_session_factory
from db.errors import NotFound
from db.possible_hits import possible_hit_by_id, possible_hit_list, waiting_ids
from db.review import dismiss_possible_hit
from tests.seed import seed


def test_filters_apply_to_the_candidates(migrated_url: str) -> None:
    seeded = seed(migrated_url)
    engine = make_engine(migrated_url)
    with make_session_factory(engine).begin() as session:

        def ids(**params: str) -> list[int]:
            return [row.id for row in possible_hit_list(session, hit_filters(params)).items]

        assert ids() == [seeded.possible]
        assert ids(department="974") == ids(entity="970408589") == [seeded.possible]
        assert ids(entity="Félix Guyon") == ids(region="Île-de-France") == [seeded.possible]
        assert ids(department="69") == ids(entity="Thiais") == []
        assert ids(source="tg-leaks", sale_only="1", status="new") == [seeded.possible]
        assert ids(source="breachforum") == ids(status="confirmed") == []
        assert ids(q="urgences") == [seeded.possible] and ids(q="Thiais") == []
        assert ids(min_score="0.3") == [seeded.possible] and ids(min_score="0.5") == []
        assert ids(since="2024-11-25") == [seeded.possible] and ids(until="2024-11-24") == []
        assert ids(seller="darkseller") == []  # its post claims no seller
        row = possible_hit_by_id(session, seeded.possible)
        assert row.severity == "review" and row.reasons == ["health", "sale"]
        assert [c.entity_id for c in row.candidates] == [
            seeded.saint_denis,
            seeded.saint_denis_reunion,
        ]
        assert row.candidate_names == [
            "Centre hospitalier de Saint-Denis (Saint-Denis, 93)",
            "Centre hospitalier Félix Guyon (Saint-Denis) (Saint-Denis, 974)",
        ]
        assert row.title == "Base patients CH de Saint-Denis à vendre"
        with pytest.raises(NotFound):
            possible_hit_by_id(session, 999_999)
        assert waiting_ids(session, [seeded.possible, 999_999]) == {seeded.possible}
        dismiss_possible_hit(session, seeded.possible, "ana")
        assert waiting_ids(session, [seeded.possible]) == set()
        assert ids(status="false_positive") == [seeded.possible]
    engine.dispose()
