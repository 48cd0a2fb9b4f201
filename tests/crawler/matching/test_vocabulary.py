"""The matcher's vocabularies are written folded, as they are searched in folded text."""

from __future__ import annotations

from crawler.matching import vocabulary
from crawler.matching.normalise import normalise_phrase
from crawler.matching.vocabulary import country_names, demonym_forms

PHRASES = [
    *vocabulary.HEALTH_WORDS,
    *vocabulary.FOREIGN_WORDS,
    *vocabulary.NEGATION_CUES,
    *vocabulary.FRENCH_WORDS,
    *(phrase for _, phrases in vocabulary.SALE_SIGNALS.values() for phrase in phrases),
    *(phrase for phrases in vocabulary.DATA_TYPES.values() for phrase in phrases),
]


def test_every_phrase_is_its_own_fold() -> None:
    assert [phrase for phrase in PHRASES if normalise_phrase(phrase) != phrase] == []


def test_country_names_are_other_countries_in_english_and_french() -> None:
    names = set(country_names())
    assert {"haiti", "nigeria", "germany", "allemagne", "south korea", "coree"} <= names
    # France and its overseas departments and territories are not foreign.
    assert not {"france", "reunion", "guadeloupe", "martinique", "mayotte"} & names


def test_demonym_forms() -> None:
    assert set(demonym_forms("lyonnais")) == {"lyonnais", "lyonnaise", "lyonnaises"}
    assert "parisienne" in demonym_forms("parisien")
    assert "tourangelle" in demonym_forms("tourangeau")
    assert "toulousaines" in demonym_forms("toulousain")
