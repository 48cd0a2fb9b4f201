"""A headline whose victim is no health organisation, and the names its story only mentions;
a headline about a crisis exercise, whose story names no victim at all.

A press item or a forum thread whose title says who was hit, and says it of a town hall, a
school, a water utility or a gym chain ("Toulouse : la métropole victime d'une attaque par déni
de service", "[SELLING] Lycée + mairie bundle France"), tells a story in which the hospitals it
names are background: the CHU whose site was slowed down by the same provider, the hospital
attacked last year, the clinic a reply compares it with. Such names are victims only when
their own sentence says they were hit too ("Le centre hospitalier a également été touché").

A title that names a health organisation or says anything of health ("patients", "hôpital",
"clinique", "mutuelle") is left to the other rules, and so is one that names no victim at all
("Selling French database").
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from crawler.core.records import EntityMatch
from crawler.matching.normalise import normalise_phrase
from crawler.matching.results import AmbiguousMatch
from crawler.matching.vocabulary import (
    ALSO_WORDS,
    BREACH_WORDS,
    DRILL_WORDS,
    HEALTH_WORDS,
    OTHER_SUBJECTS,
    TAKEN_WORDS,
)

#: A headline has this many words at least ("🚨 Fuite" is no headline).
_HEADLINE_WORDS = 3
#: Sentence ends: a name's sentence runs from the last one before it to the next one after it.
_SENTENCE_END = re.compile(r"[.!?;\n]")


_BREACH = frozenset(BREACH_WORDS)
_OTHER = frozenset(OTHER_SUBJECTS)
_HEALTH = frozenset(HEALTH_WORDS)
_ALSO = frozenset(ALSO_WORDS)
_DRILL = frozenset(DRILL_WORDS)
_TAKEN = frozenset(TAKEN_WORDS)
#: The longest phrase of the lists, in words (every list a headline or sentence is read for).
_LONGEST = max(
    len(phrase.split())
    for phrases in (
        BREACH_WORDS,
        OTHER_SUBJECTS,
        HEALTH_WORDS,
        ALSO_WORDS,
        DRILL_WORDS,
        TAKEN_WORDS,
    )
    for phrase in phrases
)


def other_subject(title: str) -> bool:
    """True when ``title`` is a headline saying a non-health organisation was hit or sold."""
    words = normalise_phrase(title).split()
    if len(words) < _HEADLINE_WORDS:
        return False
    grams = _grams(words)
    # (The rarest list first: most titles name no other subject.)
    return not (grams.isdisjoint(_OTHER) or grams.isdisjoint(_BREACH)) and grams.isdisjoint(_HEALTH)


def drill(title: str) -> bool:
    """True when ``title`` is a headline about a crisis exercise and says no data was taken
    ("Exercice de crise cyber : six hôpitaux normands simulent une attaque")."""
    words = normalise_phrase(title).split()
    if len(words) < _HEADLINE_WORDS:
        return False
    grams = _grams(words)
    return not grams.isdisjoint(_DRILL) and grams.isdisjoint(_TAKEN)


def only_hit_too(
    text: str, matches: Sequence[EntityMatch], ambiguous: Sequence[AmbiguousMatch]
) -> tuple[list[EntityMatch], list[AmbiguousMatch]]:
    """The names of a story under an :func:`other_subject` headline that are victims too.

    Names in the title stay (a title naming a health organisation is no other subject's, but
    a caller may have matched one there anyway); a name in the text stays when its sentence
    says it was hit too.
    """

    def kept(field: str, start: int, end: int) -> bool:
        return field != "text" or _also(text, start, end)

    return (
        [m for m in matches if kept(m.field, m.start, m.end)],
        [a for a in ambiguous if kept(a.field, a.start, a.end)],
    )


def _also(text: str, start: int, end: int) -> bool:
    # The name's sentence says it was hit as well ("a également été touché", "was also hit").
    before = max((m.end() for m in _SENTENCE_END.finditer(text, 0, start)), default=0)
    after = _SENTENCE_END.search(text, end)
    sentence = normalise_phrase(text[before : after.start() if after else len(text)])
    return not _grams(sentence.split()).isdisjoint(_ALSO)


def _grams(words: list[str]) -> set[str]:
    # Every run of one to _LONGEST words: a phrase of the lists is written when it is one.
    return {
        " ".join(words[i : i + size])
        for size in range(1, _LONGEST + 1)
        for i in range(len(words) - size + 1)
    }
