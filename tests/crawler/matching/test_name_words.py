"""The word lists of establishment names are written folded, as the matcher compares them."""

from __future__ import annotations

from crawler.matching import name_words
from crawler.matching.normalise import normalise_phrase

#: Folded-word constants; ACCEPTS is keyed by type classes, whose strict form ends with "=".
LISTS = [
    *(word for words in name_words.TYPE_SURFACES.values() for word in words),
    *name_words.TYPE_SURFACES,
    *name_words.TYPE_QUALIFIERS,
    *(kind for kind, _ in name_words.TYPE_QUALIFIERS.values()),
    *name_words.QUALIFIED_TYPES,
    *(word for words in name_words.ACCEPTS.values() for word in words),
    *name_words.LEGAL_FORMS,
    *name_words.TRAILING_FORMS,
    *name_words.ARTICLES,
    *(word for words in name_words.SAINT_VARIANTS.values() for word in words),
    *name_words.GENERIC_WORDS,
    *name_words.DESCRIPTIVE_WORDS,
    *name_words.STRUCTURAL_WORDS,
    *name_words.COMMON_PATRONS,
    *name_words.COMMON_WORDS,
    *name_words.CONCEPT_PHRASES,
]


def test_every_word_is_its_own_fold() -> None:
    # An accented or upper-case entry could never equal a word of folded text.
    assert [word for word in LISTS if normalise_phrase(word) != word] == []
