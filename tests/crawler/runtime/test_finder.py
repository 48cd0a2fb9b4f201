from __future__ import annotations

from crawler.core.config import Settings
from crawler.core.items import PostRecord
from crawler.core.records import EntityRecord
from crawler.matching.matcher import Matcher
from crawler.matching.watchlist import Watchlist
from crawler.runtime.finder import make_finder


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
