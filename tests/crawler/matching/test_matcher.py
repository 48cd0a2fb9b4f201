from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from crawler.matching.matcher import Matcher
from tests.crawler.matching.support import keys


def test_issue_example_on_small_watchlist(small_matcher: Matcher) -> None:
    title = "Selling 750k patients db — Clin. Ste-Isabelle / HP Thiais (Mediboard), sample in PM"
    result = small_matcher.match(title, "2 BTC")
    found = {(m.entity.key, m.matched) for m in result.matches}
    assert found == {
        ("finess:800002503", "Clin. Ste-Isabelle"),
        ("finess:940300445", "HP Thiais"),
        ("vendor:mediboard", "Mediboard"),
    }
    assert result.sale.score > 0.7
    assert result.claims.records == 750_000
    assert (result.claims.price, result.claims.currency) == (2.0, "BTC")


def test_offsets_point_at_matched_text(small_matcher: Matcher) -> None:
    text = "Dump of the   CH  d’Arles (ch-arles.fr) — patients"
    for match in small_matcher.match("", text).matches:
        assert text[match.start : match.end] == match.matched


def test_type_word_required_for_establishments(small_matcher: Matcher) -> None:
    assert keys(small_matcher, "Thiais patients dump") == set()
    assert keys(small_matcher, "Thiais private hospital dump") == {"finess:940300445"}


def test_generic_name_needs_context(small_matcher: Matcher) -> None:
    result = small_matcher.match("Clinique Saint-Joseph database", "")
    assert result.matches == []
    assert {e.key for e in result.ambiguous[0].candidates} == {
        "finess:490000262",
        "finess:130785652",
    }
    assert keys(small_matcher, "Clinique Saint-Joseph Trélazé db") == {"finess:490000262"}
    assert keys(small_matcher, "Clinique Saint Joseph (13008) db") == {"finess:130785652"}


def test_foreign_context_discredits(small_matcher: Matcher) -> None:
    assert keys(small_matcher, "Clinique Sainte-Isabelle Bruxelles Belgique patients") == set()


def test_generic_name_abroad_is_not_even_ambiguous(small_matcher: Matcher) -> None:
    result = small_matcher.match("Clinique Saint-Joseph, Liège, Belgique: patients db", "")
    assert result.matches == [] and result.ambiguous == []


def test_short_and_common_aliases(small_matcher: Matcher) -> None:
    assert keys(small_matcher, "HCL leak") == set()
    assert keys(small_matcher, "HCL Lyon patients leak") == {"group:hospices-civils-de-lyon"}
    assert keys(small_matcher, "Harmonie orchestra members") == set()
    assert keys(small_matcher, "Harmonie 2M adhérents mutuelle") == {"insurer:harmonie-mutuelle"}
    assert keys(small_matcher, "OX token airdrop") == set()


def test_domain_and_finess(small_matcher: Matcher) -> None:
    assert keys(small_matcher, "ch-arles.fr") == {"finess:130002827"}
    assert keys(small_matcher, "victim FINESS 940300445") == {"finess:940300445"}


def test_cosmetics_brand_is_not_a_clinic(small_matcher: Matcher) -> None:
    assert keys(small_matcher, "Clinique moisturizer sale 50% off") == set()


def test_json_contract(small_matcher: Matcher) -> None:
    data = small_matcher.match("HP Thiais", "").to_json("42")
    assert data["id"] == "42"
    assert set(data["matches"][0]) == {
        "entity", "kind", "finess", "matched", "field", "start", "end", "score",
    }  # fmt: skip
    assert set(data["claims"]) >= {"records", "data_types", "price", "currency", "seller"}
    assert set(data["sale"]) == {"score", "signals"}


@settings(max_examples=200, deadline=None)
@given(st.text(), st.text())
def test_no_crash_and_offsets_hold_on_any_unicode(
    small_matcher: Matcher, title: str, text: str
) -> None:
    result = small_matcher.match(title, text)
    for match in result.matches:
        source = title if match.field == "title" else text
        assert source[match.start : match.end] == match.matched


def test_bundled_issue_examples(bundled_matcher: Matcher) -> None:
    title = (
        "Selling 750k patients db — Clin. Ste-Isabelle / HP Thiais (Mediboard), sample in PM, 2 BTC"
    )
    assert keys(bundled_matcher, title) == {
        "finess:800002503",
        "finess:940300445",
        "vendor:mediboard",
    }
    assert keys(bundled_matcher, "Memorial Hospital Texas db") == set()
    assert keys(bundled_matcher, "CHU de Liège") == set()
    assert keys(bundled_matcher, "Fuite CHU de Toulouse 1.2M lignes") == {"finess-ej:310781406"}
