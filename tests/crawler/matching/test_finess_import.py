from __future__ import annotations

from pathlib import Path

from sqlalchemy import select

from crawler.matching.finess_import import read_etalab
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import Entity
from db.watchlist_import import store_entities

FIXTURE = Path(__file__).parents[2] / "fixtures" / "finess" / "etalab_cs1100507_SYNTHETIC.csv"


def test_reads_latin1_extract_and_reports_bad_lines() -> None:
    skipped: list[int] = []
    entities = list(read_etalab(FIXTURE, skipped))
    assert [e.key for e in entities] == ["finess:940300445", "finess:800002503", "finess:2A0000014"]
    thiais = entities[0]
    assert thiais.name == "Hôpital Privé de Thiais"  # FINESS capitals, accents restored
    assert thiais.aliases == ["Clinique du Sud"]
    assert (thiais.department, thiais.city, thiais.region) == ("94", "Thiais", "Île-de-France")
    assert thiais.parent_key == "finess-ej:940812860"
    assert entities[2].name.startswith("Centre Hospitalier d'Ajaccio Notre-Dame")
    assert skipped == [5]


def test_reads_utf8_too(tmp_path: Path) -> None:
    path = tmp_path / "utf8.csv"
    path.write_text(FIXTURE.read_bytes().decode("latin-1"), encoding="utf-8")
    assert "Misé" in list(read_etalab(path))[2].name


def test_import_upserts_and_closes(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'leakwatch.db'}"
    upgrade(url)
    engine = make_engine(url)
    sessions = make_session_factory(engine)
    try:
        first = store_entities(sessions, read_etalab(FIXTURE))
        assert (first.added, first.changed, first.closed) == (3, 0, 0)
        again = store_entities(sessions, read_etalab(FIXTURE))
        assert (again.added, again.changed, again.unchanged) == (0, 0, 3)
        shorter = tmp_path / "shorter.csv"
        lines = FIXTURE.read_bytes().split(b"\r\n")
        shorter.write_bytes(b"\r\n".join(line for line in lines if b"ABBEVILLE" not in line))
        third = store_entities(sessions, read_etalab(shorter))
        assert third.closed == 1
        with sessions.begin() as session:
            closed = session.execute(select(Entity).where(Entity.closed_at.is_not(None))).scalars()
            assert [row.key for row in closed] == ["finess:800002503"]
    finally:
        engine.dispose()
