"""Text normalisation for matching, with a map back to the original offsets.

:func:`normalise` folds case and accents, turns œ/æ/ß into ``oe``/``ae``/``ss``, replaces every
character that is not a letter or digit (punctuation, hyphens, apostrophes, emoji, other
scripts) by a space, collapses runs of spaces and undoes light l33t inside words (``H0pital`` →
``hopital``). The result contains only ``[a-z0-9 ]``, starts and ends with one space, and
:meth:`Normalised.span` maps a span of it back to the original string.

Most text takes a fast path (``bytes.translate`` over a Latin-1 encoding, one character in, one
out); text with characters outside Latin-1 that fold to letters (œ, ligatures, combining accents,
Latin Extended, full-width forms) takes a slower per-character path. :func:`normalise_fields`,
which folds every post, does the fast path in C (:mod:`crawler.matching._fold`, built by
``pip install -e .`` when a C compiler is there) when the extension is built, and in Python
otherwise.
"""

from __future__ import annotations

import bisect
import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache

_fold_fields: Callable[[str, str, bytes], tuple[str, str, bool] | None] | None
try:
    from crawler.matching._fold import fold_fields as _fold_fields
except ImportError:  # the C extension is not built: pure Python throughout
    _fold_fields = None
#: Whether the C fast path is in use (the benchmark says so).
C_FOLDING = _fold_fields is not None

# The character tables below are the one source of truth for the C extension too:
# crawler/matching/fold_header.py writes them into _fold_tables.h.

#: l33t digits, and the letters they stand for, undone inside words that are mostly letters.
LEET_DIGITS, LEET_LETTERS = "013457", "oieast"
LEET = str.maketrans(LEET_DIGITS, LEET_LETTERS)
_LEET_DIGITS = frozenset(LEET_DIGITS)
_LETTER = ord("a")
#: Folded text → character classes: ``a`` for a letter, ``1`` for a digit, space otherwise.
_CLASSES = bytes(
    ord("a")
    if chr(code).isascii() and chr(code).isalpha()
    else ord("1")
    if chr(code).isdigit() and code < 128
    else 32
    for code in range(256)
)
#: In letter/digit classes, a word that may need undoing: two letters next to a run of digits
#: or a lone digit between letters ("h0pital", "cl1n1que"); "750k", "2024", "2k24" do not.
#: (A word with two letters or more, more letters than digits and a digit next to a letter
#: always shows one of these.)
_LEET_CANDIDATE = re.compile(rb"1(?:(?<=aa1)|aa|(?<=a1)a)")
_SPACES = re.compile("  +")
#: Latin-1 letters that fold to two letters (Æ, Þ, ß, æ, þ): the slow path.
EXPANDING_LATIN1 = "\u00c6\u00de\u00df\u00e6\u00fe"
#: Characters outside Latin-1 that fold to letters, as inclusive ranges (Latin Extended-A and
#: -B, combining accents, Latin Extended Additional, ligatures, full-width digits and letters).
SLOW_RANGES = ((0x100, 0x24F), (0x300, 0x36F), (0x1E00, 0x1EFF), (0xFB00, 0xFB06), (0xFF10, 0xFF5A))
_SLOW = re.compile(
    f"[{EXPANDING_LATIN1}{''.join(f'{chr(first)}-{chr(last)}' for first, last in SLOW_RANGES)}]"
)
_EXPANDING = tuple(letter.encode("latin-1") for letter in EXPANDING_LATIN1)
_SPECIAL = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss", "ø": "o", "Ø": "o", "ð": "d"}
_SPECIAL.update({"Ð": "d", "þ": "th", "Þ": "th", "ł": "l", "Ł": "l", "đ": "d", "Đ": "d", "ı": "i"})


def _fold_char(char: str) -> str:
    """One character folded to ``[a-z0-9]*`` or a single space."""
    if char in _SPECIAL:
        return _SPECIAL[char]
    code = ord(char)
    if code > 0xFF and not any(first <= code <= last for first, last in SLOW_RANGES):
        # Other scripts and symbols ("𝒩", "Ω") are spaces, as on the fast path, whatever
        # else the text holds: a word folds the same alone and in any sentence.
        return " "
    decomposed = unicodedata.normalize("NFKD", char).casefold()
    kept = "".join(c for c in decomposed if c.isascii() and c.isalnum())
    if kept:
        return kept.lower()
    if all(unicodedata.combining(c) for c in decomposed):
        return ""
    return " "


def _latin1_table() -> bytes:
    table = bytearray(b" " * 256)
    for code in range(256):
        folded = _fold_char(chr(code))
        if len(folded) == 1:
            table[code] = ord(folded)
    return bytes(table)


_TABLE = _latin1_table()


@lru_cache(maxsize=4096)
def _fold_cached(char: str) -> str:
    return _fold_char(char)


@dataclass(slots=True)
class Normalised:
    """A normalised text and what is needed to map its offsets back to the original.

    ``text`` is padded with one space at each end; ``folded`` is the same before spaces are
    collapsed and padding added. ``origin`` is None when the folding was one
    character for one character; otherwise ``origin[i]`` is the original index of the character
    that produced uncollapsed character ``i``. ``long_number`` is False when no run of seven
    digits is in the text (so no FINESS number can be).
    """

    text: str
    original: str
    folded: str
    origin: list[int] | None = None
    long_number: bool = True
    _gaps: list[tuple[int, int]] | None = field(default=None, repr=False, compare=False)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``(start, end)`` of normalised ``text[start:end]`` (not padding-only)."""
        first = self._uncollapsed(start)
        last = self._uncollapsed(end - 1)
        if self.origin is None:
            begin, stop = first - 1, last
        else:
            begin = self.origin[first - 1]
            stop = self.origin[last - 1] + 1
        stop = min(stop, len(self.original))
        while stop < len(self.original) and unicodedata.combining(self.original[stop]):
            stop += 1
        return max(begin, 0), max(stop, begin)

    def _uncollapsed(self, index: int) -> int:
        gaps = self._gap_table()
        if not gaps:
            return index
        position = bisect.bisect_right(gaps, (index, 1 << 62)) - 1
        return index + (gaps[position][1] if position >= 0 else 0)

    def _gap_table(self) -> list[tuple[int, int]]:
        # (collapsed index after a collapsed run, characters removed up to there); built lazily,
        # only for texts that have a confirmed match.
        if self._gaps is None:
            table: list[tuple[int, int]] = []
            removed = 0
            padded = " " + self.folded + " "
            for run in _SPACES.finditer(padded):
                removed += run.end() - run.start() - 1
                table.append((run.end() - removed, removed))
            self._gaps = table
        return self._gaps


def _fold(text: str) -> tuple[str, list[int] | None]:
    if text.isascii():
        return text.encode("ascii").translate(_TABLE).decode("ascii"), None
    try:
        encoded = text.encode("latin-1")
    except UnicodeEncodeError:
        if _SLOW.search(text) is not None:
            return _fold_slow(text)
        encoded = text.encode("latin-1", "replace")
    if any(letter in encoded for letter in _EXPANDING):
        return _fold_slow(text)
    return encoded.translate(_TABLE).decode("ascii"), None


def _fold_slow(text: str) -> tuple[str, list[int]]:
    parts: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        code = ord(char)
        folded = chr(_TABLE[code]) if code < 256 and char not in _SPECIAL else _fold_cached(char)
        parts.append(folded)
        origin.extend([index] * len(folded))
    return "".join(parts), origin


def _unleet(text: str, classes: bytes) -> str:
    # A l33t digit must touch a letter: ``classes`` (letter/digit classes of ``text``) is
    # scanned in C, then only the digits (rare in most text) are looked at.
    if _LEET_CANDIDATE.search(classes) is None:
        return text
    digit = classes.find(b"1")
    pieces: list[str] = []
    done = 0
    while digit >= 0:
        touches = (digit > 0 and classes[digit - 1] == _LETTER) or (
            classes[digit + 1 : digit + 2] == b"a"
        )
        if digit >= done and touches and text[digit] in _LEET_DIGITS:
            start = text.rfind(" ", 0, digit + 1) + 1
            end = text.find(" ", digit)
            end = len(text) if end < 0 else end
            word = text[start:end]
            digits = sum(c.isdigit() for c in word)
            if len(word) - digits >= 2 and len(word) - digits > digits:
                pieces += [text[done:start], word.translate(LEET)]
                done = end
        digit = classes.find(b"1", digit + 1)
    return "".join(pieces) + text[done:] if pieces else text


def normalise(text: str) -> Normalised:
    """Fold ``text`` for matching; see the module docstring. Never raises on any ``str``."""
    folded, origin = _fold(text)
    return _finish(text, folded, origin)


def _finish(text: str, folded: str, origin: list[int] | None) -> Normalised:
    # Folded text → l33t undone, space runs collapsed, padded; the 7-digit flag read before.
    classes = folded.encode("ascii").translate(_CLASSES)
    unleeted = _unleet(folded, classes)
    collapsed = _SPACES.sub(" ", f" {unleeted} ")
    return Normalised(collapsed, text, unleeted, origin, b"1111111" in classes)


#: What joins two fields in :func:`normalise_fields`; its middle character folds to ``|``.
FIELD_JOIN = " \x00 "


def normalise_fields(first: str, second: str) -> Normalised:
    """Two fields folded as one text, ``first + FIELD_JOIN + second``, in one pass.

    The join folds to `` | ``: ``|`` is in no phrase, so nothing found in the folded text
    spans both fields, and the fields' parts are the text before and after it. When the C
    extension :mod:`crawler.matching._fold` is built, text whose characters each fold to one
    character is folded by it; :func:`normalise_fields_python` is the reference it must equal.
    """
    if _fold_fields is not None:
        fast = _fold_fields(first, second, _TABLE)
        if fast is not None:
            return Normalised(fast[0], f"{first}{FIELD_JOIN}{second}", fast[1], None, fast[2])
    return normalise_fields_python(first, second)


def normalise_fields_python(first: str, second: str) -> Normalised:
    """:func:`normalise_fields` in pure Python (the reference, and the slow path)."""
    text = f"{first}{FIELD_JOIN}{second}"
    folded, origin = _fold(text)
    middle = len(first) + 1
    if origin is not None:
        middle = bisect.bisect_left(origin, middle)
    return _finish(text, f"{folded[:middle]}|{folded[middle + 1 :]}", origin)


def normalise_phrase(text: str) -> str:
    """A name or alias folded like text, without padding: ``"CH d'Arles"`` → ``"ch d arles"``."""
    return normalise(text).text.strip()
