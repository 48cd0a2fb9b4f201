from __future__ import annotations

from pathlib import Path

from crawler.core.config import Settings, WatchlistConfig
from crawler.core.items import PostRecord
from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from crawler.runtime.finder import PreloadedMatcher, make_finder
from db.engine import make_engine, make_session_factory
from db.findings import upsert_entities
from db.review import add_alias


def test_finder_gives_findings_and_redacted_excerpt() -> None:
    entity = EntityRecord(key="vendor:mediboard", kind="vendor", name="Mediboard")
    find = make_finder(Settings(), Matcher(Watchlist((entity,))))
    record = PostRecord(
        external_id="1",
        url=None,
        title="Selling db",
        text="Mediboard dump, 750k patients, contact 06 12 34 56 78, 2 BTC",
    )
    findings, excerpt = find(record)
    assert [hit.entity.key for hit in findings.hits] == ["vendor:mediboard"]
    assert findings.claim.records == 750_000
    assert findings.sale_score > 0.5
    assert "[PHONE]" in excerpt and "Mediboard" in excerpt


def test_a_title_only_post_gets_its_redacted_title_as_excerpt() -> None:
    entity = EntityRecord(key="finess:940000573", kind="establishment",
                          name="Hôpital privé de Thiais")  # fmt: skip
    find = make_finder(Settings(), Matcher(Watchlist((entity,))))
    record = PostRecord(external_id="nightveil:thiais", url=None,
                        title="Hôpital privé de Thiais - contact 06 12 34 56 78")  # fmt: skip
    findings, excerpt = find(record)
    assert [hit.field for hit in findings.hits] == ["title"]
    assert excerpt.startswith("Hôpital privé de Thiais") and "[PHONE]" in excerpt
    assert "12 34" not in excerpt
    nothing = PostRecord(external_id="2", url=None, title="payload.exe")
    assert find(nothing)[1] == ""  # no hit, no text: nothing to quote


def test_a_preloaded_matcher_is_kept_until_its_watchlist_file_or_an_alias_changes(
    tmp_path: Path, migrated_url: str
) -> None:
    watchlist = tmp_path / "watchlist.yaml"
    watchlist.write_text("- {name: Mediboard, kind: vendor}\n", encoding="utf-8")
    settings = Settings(
        database_url=migrated_url,
        data_dir=tmp_path / "data",
        watchlist=WatchlistConfig(bundled=False, files=[watchlist]),
    )
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    preloaded = PreloadedMatcher()
    first = preloaded.current(settings, sessions)
    assert preloaded.current(settings, sessions) is first
    post = ("Medibrd dump", "Medibrd database, 750k patients, 2 BTC")
    assert not first.match(*post).matches
    with sessions.begin() as session:
        ids = upsert_entities(session, first.watchlist.entities)
        assert add_alias(session, ids["vendor:mediboard"], "Medibrd", "analyst")
    second = preloaded.current(settings, sessions)
    assert second is not first
    assert {hit.entity.key for hit in second.match(*post).matches} == {"vendor:mediboard"}
    assert preloaded.current(settings, sessions) is second
    watchlist.write_text(
        "- {name: Mediboard, kind: vendor}\n- {name: Clinique Beta, kind: establishment}\n",
        encoding="utf-8",
    )
    third = preloaded.current(settings, sessions)
    assert third is not second and len(third.watchlist.entities) == 2
    engine.dispose()
