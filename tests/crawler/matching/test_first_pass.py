from __future__ import annotations

import random

import ahocorasick
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from crawler.matching import first_pass as first_pass_module
from crawler.matching.first_pass import FirstPass, first_pass_python, hits_python
from crawler.matching.index import SIGNAL_BITS
from crawler.matching.matcher import Matcher
from crawler.matching.normalise import normalise_fields

needs_c = pytest.mark.skipif(
    first_pass_module._word_trie is None,
    reason="C extension crawler.matching._fold is not built (pip install -e . builds it)",
)

_WORD = st.text(alphabet="ab1", min_size=1, max_size=3)
#: Keys of the automaton's two forms: whole words padded with spaces, a word's end + a space.
_KEY = st.one_of(
    st.lists(_WORD, min_size=1, max_size=3).map(lambda words: f" {' '.join(words)} "),
    _WORD.map(lambda word: f"{word} "),
)
#: Texts over the keys' letters, with runs of spaces, ``|`` and no padding, unlike a folded
#: post: the trie's reading must equal the automaton's on any text.
_TEXT = st.text(alphabet="ab1 |", max_size=40)


def _automaton(keys: dict[str, int]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for key, value in keys.items():
        automaton.add_word(key, value)
    automaton.make_automaton()
    return automaton


@needs_c
@settings(max_examples=400)
@given(
    st.dictionaries(_KEY, st.integers(-4, 1 << 40), min_size=1, max_size=12),
    st.lists(_TEXT, max_size=4),
)
@example({" a b ": -1, " a ": 2, "1b ": 4}, [" a b ", "a b ", " a  b ", " xa b ", " a b", "11b "])
@example({" a a ": -2, " a ": 8}, [" a a a ", " a | a "])
@example({" 1b ": -1, "1b ": 2, " a 1b ": -3, "b ": 2}, [" a 1b ", " a1b 1b "])  # one end
def test_trie_pass_equals_the_automatons(keys: dict[str, int], texts: list[str]) -> None:
    masks = [1 << 50, 3, 1 << 63, 0]  # entries' masks: ~value indexes them
    automaton = _automaton(keys)
    first_pass = FirstPass(automaton, masks)
    assert first_pass._trie is not None
    for text in texts:
        assert first_pass(text) == first_pass_python(automaton, masks, text)
        for bits in (0, 2, 1 << 40):
            assert first_pass.hits(text, bits) == hits_python(automaton, text, bits)


@needs_c
def test_bundled_index_pass_equals_the_automatons(bundled_matcher: Matcher) -> None:
    # Posts made of the bundled keys' own words, so that long keys and near-misses are read.
    index = bundled_matcher.index
    keys = [key for key, _ in index.automaton.items()]
    words = sorted({word for key in keys for word in key.split()})
    chance = random.Random(20261207)
    first_pass = FirstPass(index.automaton, index.masks)
    assert first_pass._trie is not None
    bits = SIGNAL_BITS[("health", "")] | SIGNAL_BITS[("negation", "")]
    for _ in range(3000):
        pieces = [chance.choice(keys) for _ in range(chance.randint(0, 3))]
        pieces += [chance.choice(words) for _ in range(chance.randint(0, 12))]
        chance.shuffle(pieces)
        joined = normalise_fields(" ".join(pieces[:2]), " ".join(pieces[2:])).text
        expected = first_pass_python(index.automaton, index.masks, joined)
        assert first_pass(joined) == expected
        assert first_pass.hits(joined, bits) == hits_python(index.automaton, joined, bits)


def test_other_keys_and_texts_take_the_automatons_pass(caplog: pytest.LogCaptureFixture) -> None:
    # A key of neither form, a mask too wide for the trie, a text that is not ASCII: the
    # automaton's own pass answers, with the same results (and a slower pass is logged).
    for keys in ({"ab": 1, " a ": 2}, {" a ": 1 << 70}, {" a ": -1}):
        automaton = _automaton(keys)
        masks = [1 << 64]
        caplog.clear()
        first_pass = FirstPass(automaton, masks)
        assert first_pass._trie is None
        if first_pass_module._word_trie is not None:
            assert "slower pass" in caplog.text
        assert first_pass(" a ab ") == first_pass_python(automaton, masks, " a ab ")
        assert first_pass.hits(" a ab ", 1) == hits_python(automaton, " a ab ", 1)
    automaton = _automaton({" a ": 1})
    assert FirstPass(automaton, [])(" a é ") == (1, False)
    assert FirstPass(automaton, []).hits(" a é ", 1) == [(2, 1)]
