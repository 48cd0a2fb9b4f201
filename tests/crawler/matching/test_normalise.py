from __future__ import annotations

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crawler.matching import normalise as normalise_module
from crawler.matching.normalise import (
    normalise,
    normalise_fields,
    normalise_fields_python,
    normalise_phrase,
)


def test_folds_case_accents_ligatures_and_punctuation() -> None:
    assert (
        normalise("Cœur  de l'Hôpital—Privé, STRAßE").text == " coeur de l hopital prive strasse "
    )


def test_light_leet_inside_words_only() -> None:
    assert (
        normalise_phrase("H0pital Cl1nique 750k 2024 covid") == "hopital clinique 750k 2024 covid"
    )


def test_span_maps_back_to_original_text() -> None:
    text = "Selling — Clin. Ste-Isabelle / HP  Thiais"
    folded = normalise(text)
    start = folded.text.index("clin ste isabelle")
    begin, end = folded.span(start, start + len("clin ste isabelle"))
    assert text[begin:end] == "Clin. Ste-Isabelle"


def test_span_through_slow_path_characters() -> None:
    text = "Œuvre ﬁnale: Hôpital e\u0301cole"
    folded = normalise(text)
    start = folded.text.index("ecole")
    begin, end = folded.span(start, start + 5)
    assert text[begin:end] == "e\u0301cole"


@given(st.text())
def test_normalisation_is_idempotent(text: str) -> None:
    once = normalise(text).text
    assert normalise(once).text == once


@given(st.text())
def test_output_alphabet_and_padding(text: str) -> None:
    folded = normalise(text).text
    assert folded.startswith(" ") and folded.endswith(" ")
    assert set(folded) <= set("abcdefghijklmnopqrstuvwxyz0123456789 ")
    assert "  " not in folded


@given(st.text(), st.integers(min_value=0, max_value=50))
@example("ß:Þ", 1)  # Þ folds to two letters: it must take the slow path
@example("\u0301\U0001d4a9", 0)  # "𝒩" after an accent: the slow path, a space there too
def test_every_word_maps_to_text_that_folds_to_it(text: str, pick: int) -> None:
    folded = normalise(text)
    words = folded.text.split()
    if not words:
        return
    position = 0
    for index, word in enumerate(words):
        position = folded.text.index(f" {word} ", position) + 1
        if index == pick % len(words):
            break
        position += len(word)
    word = words[pick % len(words)]
    begin, end = folded.span(position, position + len(word))
    assert 0 <= begin <= end <= len(text)
    assert word in normalise(text[begin:end]).text.split()


#: Pieces of post text the C fast path must fold like the Python reference: Latin-1 letters,
#: l33t words, numbers, punctuation runs, the join's NUL, characters outside Latin-1.
_PIECES = st.one_of(
    st.sampled_from(["h0pital", "cl1n1que", "750k", "2k24", "h3ll0", "a1b", "ab1", "a11b", "1a1b"]),
    st.sampled_from(["0", "13", "1234567", "12345678", "l33t", "4ll", "--", " ", "  ", "|"]),
    st.sampled_from(["\x00", " \x00 ", "\t", "\n\n", "...", "!?", "'", "@", "€", "😀"]),
    st.sampled_from(["Hôpital", "ÉCOLE", "Çà", "ÿ", "¼", "\xad", "\xa0", "æ", "ß", "þ", "Œ"]),
    st.text(alphabet=st.characters(max_codepoint=0xFF), max_size=12),
    st.text(max_size=6),
)
_FIELD = st.lists(_PIECES, max_size=12).map("".join)


@pytest.mark.skipif(
    normalise_module._fold_fields is None,
    reason="C extension crawler.matching._fold is not built (pip install -e . builds it)",
)
@given(_FIELD, _FIELD)
@example("", "")
@example("H0pital Cl1nique", "750k 2024 1234567 a1b ab1 a11b")
@example("", "h0pitalh0pital1234567")  # seven digits in a row, before l33t is undone
@example("Cœur", "x")  # outside Latin-1 and folding to two letters: the slow path
def test_c_fast_path_equals_python_reference(first: str, second: str) -> None:
    assert normalise_fields(first, second) == normalise_fields_python(first, second)
