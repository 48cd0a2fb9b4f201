"""Rule: broken encodings are repaired before matching; spans point into the crawled text."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from crawler.matching.matcher import Matcher
from crawler.matching.mojibake import original_span, repair

FRENCH = st.text(
    alphabet=st.sampled_from(list("abcdefghijklmnopqrstuvwxyzéèêàâçôîïûùœÉÈÂÔ -'’:,()0123456789")),
    max_size=60,
)


def _broken(text: str) -> str:
    # UTF-8 read as Windows-1252, as leak sites and feeds show it.
    return text.encode("utf-8").decode("cp1252", errors="replace")


def test_clean_text_is_left_alone() -> None:
    assert repair("Clinique de la Châtaigneraie, Beaumont") == (
        "Clinique de la Châtaigneraie, Beaumont",
        None,
    )


def test_a_mojibake_word_is_repaired_and_its_span_maps_back() -> None:
    broken = "Fuite au CH de ChÃ¢teaubriant: dossiers"
    fixed, positions = repair(broken)
    assert fixed == "Fuite au CH de Châteaubriant: dossiers"
    start = fixed.index("CH de")
    end = fixed.index(":")
    first, last = original_span(positions, start, end)
    assert broken[first:last] == "CH de ChÃ¢teaubriant"


@given(FRENCH)
def test_repaired_positions_are_a_monotonic_map_onto_the_original(text: str) -> None:
    broken = _broken(text)
    fixed, positions = repair(broken)
    if positions is None:
        assert fixed == broken
        return
    assert len(positions) == len(fixed) + 1
    assert positions[-1] == len(broken)
    assert positions == sorted(positions)
    assert all(0 <= p <= len(broken) for p in positions)


@given(st.lists(st.sampled_from(["Hôpital", "privé", "Châtaigneraie", "Sainte-Thérèse", "de"])))
def test_words_broken_by_utf8_read_as_cp1252_come_back(words: list[str]) -> None:
    text = " ".join(words)
    assert repair(_broken(text))[0] == text


def test_a_mojibake_name_matches_with_its_span_in_the_original(small_matcher: Matcher) -> None:
    title = "HÃ´pital privÃ© de Thiais - base patients"
    result = small_matcher.match(title, "")
    [match] = result.matches
    assert match.entity.key == "finess:940300445"
    assert title[match.start : match.end] == match.matched == "HÃ´pital privÃ© de Thiais"
