"""Which ambiguous names become possible hits: French health context, read from the matcher."""

from __future__ import annotations

from crawler.core.records import Claims, EntityRecord
from crawler.matching.claims import SaleAssessment
from crawler.matching.matcher import Matcher
from crawler.matching.results import AmbiguousMatch, MatchResult
from crawler.matching.review import MAX_CANDIDATES, possible_hits
from tests.crawler.matching.support import establishment


def reasons(matcher: Matcher, title: str, text: str = "", listing: bool = False) -> list[tuple]:
    return [p.reasons for p in possible_hits(matcher.match(title, text), listing)]


def test_a_generic_name_needs_health_or_sale_context(small_matcher: Matcher) -> None:
    # The type word of the name is no context for it: "Clinique" alone is not a health word.
    assert reasons(small_matcher, "Clinique Saint-Joseph") == []
    assert reasons(small_matcher, "Lycée près de la Clinique Saint-Joseph", "rentrée") == []
    assert reasons(small_matcher, "Clinique Saint-Joseph", "dossiers patients") == [("health",)]
    sale = "Clinique Saint-Joseph : base patients à vendre, prix 2 BTC"
    assert reasons(small_matcher, sale) == [("health", "sale")]


def test_a_ransomware_listing_is_context_enough(small_matcher: Matcher) -> None:
    assert reasons(small_matcher, "Clinique Saint-Joseph", listing=True) == [("ransomware",)]


def test_a_discredited_name_is_not_kept(small_matcher: Matcher) -> None:
    denied = "Rien à voir avec la Clinique Saint-Joseph"
    result = small_matcher.match(denied, "dossiers patients")
    assert result.ambiguous and result.ambiguous[0].discredited  # still listed by `match`
    assert possible_hits(result) == []
    abroad = "Clinique Saint-Joseph, Liège, Belgique: patients db à vendre"
    assert reasons(small_matcher, abroad) == []


def test_a_possible_hit_keeps_the_matchers_span_and_candidates(small_matcher: Matcher) -> None:
    title = "Vente : Clinique Saint-Joseph, patients"
    [possible] = possible_hits(small_matcher.match(title, ""))
    assert title[possible.start : possible.end] == possible.matched == "Clinique Saint-Joseph"
    assert possible.field == "title" and 0 < possible.score < 0.5
    assert {c.key for c in possible.candidates} == {"finess:490000262", "finess:130785652"}


def test_candidates_are_capped() -> None:
    many = [
        establishment(f"13000{i:04d}", "Clinique du Parc", f"Ville {i}", "13") for i in range(25)
    ]
    ambiguous = AmbiguousMatch("Clinique du Parc", "title", 0, 16, many, 0.35, health=True)
    result = MatchResult([], [ambiguous], SaleAssessment(0.0, ()), Claims())
    [possible] = possible_hits(result)
    assert possible.candidates == many[:MAX_CANDIDATES]


def test_the_match_contract_is_unchanged(small_matcher: Matcher) -> None:
    output = small_matcher.match("Clinique Saint-Joseph : patients à vendre", "").to_json("1")
    assert set(output) == {"id", "matches", "ambiguous", "sale", "claims"}
    assert set(output["ambiguous"][0]) == {"matched", "field", "start", "end", "candidates"}
    assert all(set(c) == {"key", "entity"} for c in output["ambiguous"][0]["candidates"])


def test_an_entity_record_is_shared_not_copied(small_matcher: Matcher) -> None:
    [possible] = possible_hits(small_matcher.match("Clinique Saint-Joseph", "patients"))
    watched = [id(entity) for entity in small_matcher.watchlist.entities]
    assert all(isinstance(candidate, EntityRecord) for candidate in possible.candidates)
    assert all(id(candidate) in watched for candidate in possible.candidates)
