"""Masked victim titles: leak sites hide part of a victim's name behind asterisks or question
marks ("G****e Hospitalier du Havre", "Centre Hospitalier Yves Le F**l", "K???o???").

A masked word keeps its length: each mask character stands for one letter. The words around it
are read as written, and the watchlist's keys that fit the whole run of words, mask characters
read as any one character, say what the masked word was. It is filled in only when every key
that fits, for the longest run of words that any key fits, fills it the same way: "G****e
Hospitalier du Havre" has one reading ("groupe"), while "C****e" alone fits hundreds of names
and is left as written.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from itertools import islice
from typing import Any

import ahocorasick

from crawler.matching.normalise import normalise_phrase

#: A word as leak sites mask it: letters, digits, mask characters, inner hyphens and apostrophes.
_WORD = re.compile(r"[\w*?]+(?:['’-][\w*?]+)*")
_MASK_CHARS = frozenset("*?")
#: The automaton's single-character wildcard in a query (folded keys never hold it).
_ANY = "?"
#: Keys read per query: enough to see two readings, bounded on very open patterns.
_KEYS_READ = 50
#: Masked words per title that are tried; titles are short, and a fully masked title names
#: nothing anyway.
_MOST_MASKED = 3
#: Letters a run of words must show for its masked words to be read from it.
_FEWEST_SHOWN = 3
#: ... and a masked word read alone.
_SHOWN_ALONE = 6


def unmasked(
    title: str,
    names: Any,
    types: Any = None,
    typed: Callable[[str, str], bool] | None = None,
) -> list[tuple[int, int, str]]:
    """Edits ``(start, end, letters)`` that fill the masked words of ``title``, sorted; none
    when no masked word has one reading. ``names`` and ``types`` are pyahocorasick automata
    whose keys are folded phrases padded with spaces: the watchlist's names, and the type
    words (their values the types). ``typed(key, kind)`` says whether a name key is read with
    a type word of that kind: a masked name right after a type word is read among those."""
    if "*" not in title and "?" not in title:
        return []
    words = [(m.start(), m.end(), m.group()) for m in _WORD.finditer(title)]
    masked = [i for i, (_, _, word) in enumerate(words) if _is_masked(word)]
    if not masked or len(masked) > _MOST_MASKED:
        return []
    folded = [
        _pattern(word) if i in masked else normalise_phrase(word)
        for i, (_, _, word) in enumerate(words)
    ]
    edits = []
    for position in masked:
        fill = _fill(folded, position, names, types, typed)
        if fill is not None:
            start, end, word = words[position]
            edits.append((start, end, _written_like(word, fill)))
    return edits


def _is_masked(word: str) -> bool:
    # Letters and mask characters, at least one of each and three characters in all ("F**l",
    # "G****e", "*****"-only words name nothing and are left alone).
    letters = sum(ch.isalpha() for ch in word)
    masks = sum(ch in _MASK_CHARS for ch in word)
    return masks > 0 and letters > 0 and letters + masks >= 3


def _pattern(word: str) -> str:
    # The masked word folded as the keys are, its mask characters as the wildcard.
    return "".join(_ANY if ch in _MASK_CHARS else normalise_phrase(ch) or " " for ch in word)


def _fill(
    folded: list[str],
    position: int,
    names: Any,
    types: Any,
    typed: Callable[[str, str], bool] | None,
) -> str | None:
    # The one reading of folded[position] over the longest run of words around it that some
    # key fits exactly: two folded words at least, three letters shown (one masked word alone
    # fits too much).
    count = len(folded)
    for size in range(count, 0, -1):
        readings: set[str] = set()
        for first in range(max(0, position - size + 1), min(position, count - size) + 1):
            run = folded[first : first + size]
            joined = " ".join(run)
            if any(not word for word in run) or joined.count(" ") < 1:
                continue  # a word that folds to nothing in the run, or one word only
            if sum(ch.isalpha() for ch in joined) < _FEWEST_SHOWN:
                continue
            before = len(" ".join(["", *run[: position - first]])) + 1
            for automaton in (names, types) if types is not None else (names,):
                keys = automaton.keys(f" {joined} ", _ANY, ahocorasick.MATCH_EXACT_LENGTH)
                for key in islice(keys, _KEYS_READ):
                    readings.add(key[before : before + len(folded[position])])
        if readings:
            return readings.pop() if len(readings) == 1 else None
    ending = _fill_ending(folded, position, names)
    if ending is not None:
        return ending
    word = folded[position]
    shown = sum(ch.isalpha() for ch in word)
    if shown >= _SHOWN_ALONE:
        # one word with most of its letters shown ("Thi***ille"): the one key it fits alone
        alone = _one_key(names, word)
        if alone is not None:
            return alone
    if types is None or typed is None:
        return None
    if " " not in word and shown >= _FEWEST_SHOWN:
        # A masked type word ("Cl***que Fr***ois Ch***eux"): the one type word it fits.
        kind = _one_key(types, word)
        if kind is not None:
            return kind
    return _fill_after_type(folded, position, names, types, typed)


def _one_key(automaton: Any, pattern: str) -> str | None:
    # The one key of ``automaton`` that ``pattern`` fits letter for letter, or None.
    keys = automaton.keys(f" {pattern} ", _ANY, ahocorasick.MATCH_EXACT_LENGTH)
    found: set[str] = {str(key).strip() for key in islice(keys, _KEYS_READ)}
    return found.pop() if len(found) == 1 else None


def _word_endings(names: Any, prefix: str) -> list[tuple[str, int]]:
    # The keys that start with ``prefix`` (folded, wildcards allowed) and end with the word it
    # ends with: ``(key, end)``, ``end`` the position of the key's closing space.
    keys = names.keys(f" {prefix}", _ANY, ahocorasick.MATCH_AT_LEAST_PREFIX)
    found = []
    for key in islice(keys, _KEYS_READ):
        end = key.find(" ", len(prefix) + 1)
        if end == len(key) - 1:
            found.append((key, end))
    return found


def _fill_ending(folded: list[str], position: int, names: Any) -> str | None:
    # A word whose last letters are masked with more or fewer mask characters than it has
    # letters ("Clinique Tivoli-Du****" for Tivoli-Ducos): tried only when no key fits it
    # letter for letter, over the words before it, the mask read as any ending of the word.
    word = folded[position]
    shown = word.rstrip(_ANY)
    if shown == word or not shown or shown.endswith(" "):
        return None
    for first in range(position + 1):
        run = [*folded[first:position], shown]
        joined = " ".join(run)
        if any(not part for part in run) or " " not in joined:
            continue  # a word that folds to nothing in the run, or one word only
        if sum(ch.isalpha() for ch in joined) < _FEWEST_SHOWN:
            continue
        before = len(" ".join(["", *run[:-1]])) + 1
        readings = {
            key[before:end]
            for key, end in _word_endings(names, joined)
            if end > len(joined) + 1  # a letter at least behind the mask
        }
        if readings:
            return readings.pop() if len(readings) == 1 else None
    return None


#: Articles between a type word and a name ("Centre Hospitalier d'Arc*****").
_ARTICLES = frozenset({"d", "de", "du", "des", "l", "la", "le", "les"})


def _fill_after_type(
    folded: list[str], position: int, names: Any, types: Any, typed: Callable[[str, str], bool]
) -> str | None:
    # One masked word right after a type word and an article ("Centre Hospitalier d'Arc*****"):
    # the one name key it fits alone that is read with that type ("arcachon", not the
    # "archipel" of a nursing home), with its article as written.
    *article, masked = folded[position].split(" ")
    if len(article) > 1 or (article and article[0] not in _ARTICLES):
        return None
    if sum(ch.isalpha() for ch in masked) < _FEWEST_SHOWN:
        return None
    before = " ".join(folded[:position]).split()
    while before and before[-1] in _ARTICLES and not article:
        before.pop()
    kinds = {types.get(f" {' '.join(before[-n:])} ", None) for n in (1, 2, 3) if before[-n:]}
    kinds.discard(None)
    if len(kinds) != 1:
        return None
    kind = kinds.pop()
    keys = names.keys(f" {masked} ", _ANY, ahocorasick.MATCH_EXACT_LENGTH)
    readings = {key.strip() for key in islice(keys, _KEYS_READ) if typed(key, kind)}
    shown = masked.rstrip(_ANY)
    if not readings and shown != masked and sum(ch.isalpha() for ch in shown) >= _FEWEST_SHOWN:
        # "Centre Hospitalier de Cann***": its last letters masked with more or fewer mask
        # characters, read as any ending of one word
        readings = {key.strip() for key, _ in _word_endings(names, shown) if typed(key, kind)}
    if len(readings) != 1:
        return None
    return " ".join([*article, readings.pop()])


def _written_like(word: str, fill: str) -> str:
    # The masked word with its masks filled in its case ("G****e" → "Groupe", "F**L" → "FOLL",
    # "S***t-J**n" → "Saint-Jean"); the folded reading itself when it does not align.
    if len(fill) != len(word):
        return fill
    upper = all(ch.isupper() for ch in word if ch.isalpha())
    return "".join(
        (got.upper() if upper else got) if ch in _MASK_CHARS else ch
        for ch, got in zip(word, fill, strict=True)
    )
