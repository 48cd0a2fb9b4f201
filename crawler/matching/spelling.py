"""Small misspellings of distinctive names next to a type word ("CHU de Bordeux", "Institut
Gustav Roussy", "CHU Toulouze"), corrected before matching.

Only a word written right after (or just before) an establishment type word is looked at, and
only when it is not itself a word of the watchlist or of the vocabulary: it is replaced by the
one watchlist name word at edit distance 1 (insertion, deletion, substitution or swap of two
neighbours, rapidfuzz's OSA distance) that starts with the same letter and is at least
:data:`MIN_LENGTH` letters long. Generic words ("saint", "parc") and common words are never
targets, and a word with two such neighbours is left alone. Candidates are found with a
symmetric-deletion index (each name word and its one-letter deletions), built on first use.
"""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

import ahocorasick
from rapidfuzz.distance import OSA

from crawler.matching.name_words import (
    ARTICLE_WORDS,
    COMMON_WORDS,
    ENGLISH_SURFACES,
    GENERIC_WORDS,
    STRUCTURAL_WORDS,
    TYPE_SURFACES,
    TYPE_WORDS,
)
from crawler.matching.normalise import Normalised, normalise

#: Shortest word corrected, and shortest name word a correction may give.
MIN_LENGTH = 6
#: Folded type words after which (or, for English ones, before which: "Bordeux hospital") a
#: name is expected; found with one Aho-Corasick pass over the folded text.
_TYPES = sorted(
    {
        surface
        for surfaces in TYPE_SURFACES.values()
        for surface in surfaces
        if len(surface) > 2 or surface == "ch"
    }
)
_RIGHT_TYPES = frozenset({"hospital", "clinic", "hospital center", "medical center"})
#: English type words: an English word next to one is a name of its own ("Hospital Charity").
_ENGLISH_TYPES = ENGLISH_SURFACES & frozenset(_TYPES)
_AUTOMATON = ahocorasick.Automaton()
for _surface in _TYPES:
    _AUTOMATON.add_word(f" {_surface} ", _surface)
_AUTOMATON.make_automaton()
#: How many words' corrections are remembered (then forgotten all at once).
_ANSWERS = 100_000
#: Words looked at after a type word (articles skipped) and before an English one.
_AFTER, _BEFORE = 3, 2


class Speller:
    """Corrects misspelt name words of one watchlist (see the module docstring)."""

    def __init__(
        self,
        names: Iterable[str],
        known: Iterable[str] = (),
        english: Iterable[str] = (),
        towns: Iterable[str] = (),
    ) -> None:
        stop = GENERIC_WORDS | COMMON_WORDS | ARTICLE_WORDS | STRUCTURAL_WORDS
        # Names are folded a thousand at a time: the same as folding each (folding is per
        # character), much faster for 100,000 names, and without one huge transient fold.
        self.words: set[str] = set()
        batch = list(islice(iter_names := iter(names), 1000))
        while batch:
            self.words.update(normalise(" | ".join(batch)).text.split())
            batch = list(islice(iter_names, 1000))
        self.words.discard("|")
        self.known = self.words | TYPE_WORDS | {w for phrase in known for w in phrase.split()}
        # What a glued domain label may be cut into, and what each piece costs: type words
        # and articles cost less than name words, so "centrehospitalierdecannes" reads
        # "centre hospitalier de cannes" even where some name glues "centrehospitalier".
        self.segmentable: dict[str, float] = {
            w: 1.0 for w in self.words if len(w) >= 3 and w.isalpha()
        }
        self.segmentable.update(dict.fromkeys(ARTICLE_WORDS | {"st", "ste"}, 0.5))
        # (Not the single letters of dotted acronyms: "duc" is no "du" and a "c".)
        typed = {word for word in TYPE_WORDS if len(word) > 1} | {"ch", "chu", "gh"}
        self.segmentable.update(dict.fromkeys(typed, 0.4))
        # English words near a name word ("belford", "vienna", "charity"): next to an English
        # type word they are English names ("Belford Hospital"), not misspelt French ones.
        self.english = frozenset(english)
        self._answers: dict[str, str | None] = {}
        # Towns' words: a word one letter short of one is corrected from one letter fewer
        # ("CHU de Nante"), where other names need MIN_LENGTH letters.
        self.towns = frozenset(
            word
            for town in towns
            for word in normalise(town).text.split()
            if len(word) >= MIN_LENGTH and word.isalpha()
        )
        self._deletions: dict[str, set[str]] = {}
        for word in self.words:
            if len(word) < MIN_LENGTH or word in stop or not word.isalpha():
                continue
            for variant in deletions(word):
                self._deletions.setdefault(variant, set()).add(word)

    def correction(self, word: str) -> str | None:
        """The name word ``word`` (folded) misspells, or None (answers are remembered: the
        same unknown words come back post after post)."""
        if len(word) < MIN_LENGTH - 1 or word in self.known or not word.isalpha():
            return None
        if word in self._answers:
            return self._answers[word]
        if len(self._answers) >= _ANSWERS:
            self._answers.clear()
        answer = self._answers[word] = self._correct_word(word)
        return answer

    def _correct_word(self, word: str) -> str | None:
        if len(word) < MIN_LENGTH:
            # one letter short of a town's word only ("nante" for "nantes")
            towns = {
                town
                for town in self._deletions.get(word, ())
                if town in self.towns and town[0] == word[0]
            }
            return towns.pop() if len(towns) == 1 else None
        found = {
            candidate
            for variant in deletions(word)
            for candidate in self._deletions.get(variant, ())
            if candidate[0] == word[0] and OSA.distance(word, candidate) == 1
        }
        return found.pop() if len(found) == 1 else None

    def corrections(
        self, folded: Normalised, ranges: Iterable[tuple[int, int]]
    ) -> list[tuple[int, int, str]]:
        """``(start, end, correction)`` in ``folded.original`` of the misspelt words next to a
        type word found in the given ``(start, end)`` ranges of ``folded.text``."""
        words, known = folded.text, self.known
        # A word already found to have no correction is skipped here (the same ordinary words
        # follow type words post after post): ``None`` is the remembered answer.
        answers = self._answers
        spans: dict[int, tuple[int, int, str]] = {}
        for low, high in ranges:
            for end, surface in _AUTOMATON.iter(words, low, high):
                taken = 0
                position = end  # the space after the type word
                while taken < _AFTER:
                    stop = words.find(" ", position + 1)
                    if stop < 0:
                        break
                    word = words[position + 1 : stop]
                    if word not in ARTICLE_WORDS:
                        taken += 1
                        if (
                            len(word) >= MIN_LENGTH - 1
                            and word not in known
                            and not (surface in _ENGLISH_TYPES and word in self.english)
                            and answers.get(word, word) is not None
                        ):
                            self._correct(folded, position + 1, stop, spans)
                    position = stop
                if surface in _RIGHT_TYPES:
                    position = end - len(surface) - 1  # the space before the type word
                    for _ in range(_BEFORE):
                        begin = words.rfind(" ", 0, position)
                        if begin < 0:
                            break
                        before = words[begin + 1 : position]
                        if (
                            position - begin > MIN_LENGTH
                            and before not in known
                            and before not in self.english
                            and answers.get(before, before) is not None
                        ):
                            self._correct(folded, begin + 1, position, spans)
                        position = begin
        return [spans[start] for start in sorted(spans)]

    def _correct(
        self, folded: Normalised, start: int, end: int, spans: dict[int, tuple[int, int, str]]
    ) -> None:
        fixed = self.correction(folded.text[start:end])
        if fixed is not None:
            first, last = folded.span(start, end)
            spans[first] = (first, last, fixed)

    def segment(self, label: str) -> list[str] | None:
        """A domain label written without separators ("cliniquedelaloire", "chcannes") as the
        fewest watchlist and type words, or None when it cannot be read so (or is one word)."""
        if not label.isalpha() or len(label) > 63:
            return None
        best: list[tuple[float, list[str]] | None] = [(0.0, [])] + [None] * len(label)
        for end in range(1, len(label) + 1):
            for start in range(max(0, end - 30), end):
                before = best[start]
                cost = self.segmentable.get(label[start:end])
                if before is None or cost is None:
                    continue
                current = best[end]
                if current is None or before[0] + cost < current[0]:
                    best[end] = (before[0] + cost, [*before[1], label[start:end]])
        found = best[-1]
        return found[1] if found is not None and len(found[1]) > 1 else None


def deletions(word: str) -> set[str]:
    """``word`` and every word one letter shorter made from it (a symmetric-deletion key set)."""
    return {word, *(word[:i] + word[i + 1 :] for i in range(len(word)))}
