from __future__ import annotations

from crawler.core.records import EntityRecord
from crawler.matching.finess_categories import categories, category_of, sector_of


def test_every_category_has_a_sector_and_a_choice() -> None:
    table = categories()
    assert len(table) == 163
    assert all(c.sector for c in table.values())
    unwatched = {c.sector for c in table.values() if not c.watched}
    assert unwatched == {"pharmacy", "school", "social"}


def test_watched_categories() -> None:
    table = categories()
    for code in ("355", "101", "500", "611", "124", "146", "127", "698", "632", "354"):
        assert table[code].watched, table[code].label
    for code in ("620", "627", "628", "629", "300", "214"):
        assert not table[code].watched, table[code].label


def test_category_from_tag_or_label() -> None:
    tagged = EntityRecord(key="finess:1", kind="establishment", name="X", tags=["category:500"])
    assert sector_of(tagged) == "elderly"
    labelled = EntityRecord(
        key="finess:2", kind="establishment", name="Y", category="Centre Hospitalier (C.H.)"
    )
    category = category_of(labelled)
    assert category is not None and category.code == "355"
    assert sector_of(EntityRecord(key="vendor:z", kind="vendor", name="Z")) is None
