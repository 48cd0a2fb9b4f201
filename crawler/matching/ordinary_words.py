"""The ordinary French and English words among watchlist names (build time).

A one-word name such as "Horizon", "Avenir" or "Ship" is an ordinary word: read alone it names
nothing, so the matcher treats a typeless name made only of such words as a common alias (it
needs health context close by, or another name or the place of its entity). Which words are
ordinary is decided here, once, from word frequencies (``wordfreq``, a build-time dependency):
a word is ordinary when its Zipf frequency is at least :data:`ORDINARY_ZIPF` in French or in
English. The builder stores the list in the bundled file's metadata, so the product does not
need ``wordfreq`` at run time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache

from crawler.matching.normalise import normalise_phrase

#: Zipf frequency (log10 of occurrences per billion words) from which a word is ordinary:
#: 3.5 is about one in 300,000 words ("horizon" 4.3, "avenir" 4.9, "ship" 4.9; "Korian" 2.3).
ORDINARY_ZIPF = 3.5
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")


def ordinary_words(names: Iterable[str]) -> list[str]:
    """The folded words of ``names`` that are ordinary French or English words, sorted.

    Words are compared folded (FINESS writes "ACCES" for "accès"): a folded word is ordinary
    when some word of that spelling, accents aside, is."""
    wanted = {w for name in names for w in normalise_phrase(name).split() if len(w) >= 3}
    return sorted(wanted & folded_ordinary_words())


def folded_ordinary_words() -> frozenset[str]:
    """Every folded French or English word of Zipf frequency :data:`ORDINARY_ZIPF` or more."""
    from wordfreq import iter_wordlist, zipf_frequency  # build time only (see module doc)

    found: set[str] = set()
    for language in ("fr", "en"):
        for word in iter_wordlist(language):
            if zipf_frequency(word, language) < ORDINARY_ZIPF:
                break  # the list is sorted by frequency
            if _WORD.fullmatch(word):
                found.update(normalise_phrase(word).split())
    return frozenset(found)


#: Below this Zipf frequency in both languages a word is no word of theirs at all: a coined
#: brand ("Bioaxiome", "Labosud", "Cyceron"), a rare surname or a place.
KNOWN_ZIPF = 1.0


def coined_words(words: Iterable[str]) -> frozenset[str]:
    """The folded ``words`` that are no French or English word (not even a rare one, accents
    aside): brands coined for a business."""
    known = _folded_known_words()
    # A plural of a known word ("addictologies") is no brand either.
    return frozenset(w for w in words if w not in known and w.rstrip("sx") not in known)


@lru_cache(maxsize=1)
def _folded_known_words() -> frozenset[str]:
    # Every French or English word of Zipf frequency KNOWN_ZIPF or more, folded (one pass over
    # wordfreq's frequency tables: ~1 s, where ranking every word would take ~20 s).
    from wordfreq import get_frequency_dict  # build time only (see module doc)

    least = 10 ** (KNOWN_ZIPF - 9)  # Zipf = log10(frequency per billion words)
    found: set[str] = set()
    for language in ("fr", "en"):
        for word, frequency in get_frequency_dict(language).items():
            if frequency >= least:
                found.update(word.split() if word.isascii() else normalise_phrase(word).split())
    return frozenset(found)


def english_words(names: Iterable[str]) -> list[str]:
    """The folded words of ``names`` that are ordinary English words, sorted.

    A name written in English order with only such words ("Mercy Hospital", "Clinical
    Center") is an English phrase, not a French establishment's name ("Hôpital de Mercy")."""
    from wordfreq import zipf_frequency  # build time only (see module doc)

    wanted = {w for name in names for w in normalise_phrase(name).split() if len(w) >= 3}
    return sorted(w for w in wanted if w.isalpha() and zipf_frequency(w, "en") >= ORDINARY_ZIPF)


#: Zipf frequency from which an English word is taken for a word, not a misspelt French name:
#: 2.0 is about one in ten million words ("belford" 2.2, "bexley" 2.5; "bordeux" 0.0).
ENGLISH_WORD_ZIPF = 2.0


def english_words_near(words: Iterable[str], shortest: int) -> list[str]:
    """English words, folded, one edit (insertion, deletion, substitution or swap) away from
    one of the name ``words`` with the same first letter, that are no name word themselves,
    sorted: written before an English type word they are English names, not misspelt French
    ones ("Belford Hospital" is no "Belfort", "Alberta Hospital" no "Albert")."""
    from rapidfuzz.distance import OSA
    from wordfreq import get_frequency_dict  # build time only (see module doc)

    from crawler.matching.spelling import deletions

    targets = {w for w in words if len(w) >= shortest and w.isalpha()}
    shortened: dict[str, set[str]] = {}  # each target and its one-letter deletions → target
    for word in targets:
        for variant in deletions(word):
            shortened.setdefault(variant, set()).add(word)
    least = 10 ** (ENGLISH_WORD_ZIPF - 9)
    found: set[str] = set()
    for written, frequency in get_frequency_dict("en").items():
        if frequency < least or len(written) < shortest:
            continue
        folded = written.split() if written.isascii() else normalise_phrase(written).split()
        for word in folded:
            if len(word) < shortest or word in targets or word in found or not word.isalpha():
                continue
            if any(
                name[0] == word[0] and OSA.distance(word, name) == 1
                for variant in deletions(word)
                for name in shortened.get(variant, ())
            ):
                found.add(word)
    return sorted(found)
