"""Repair text decoded with the wrong charset ("La ChÃ¢taigneraie") before matching, keeping a
map from the repaired text back to the original, so that spans still point into what was
crawled.

Leak sites and feeds often show UTF-8 read as Latin-1 or Windows-1252. Only runs of text
holding the tell-tale sequences are given to ftfy, word by word: clean text costs one regex
search, and a repaired word moves the offsets of nothing but itself.
"""

from __future__ import annotations

import re

import ftfy

#: A word holding a sequence UTF-8 leaves when read as Latin-1/Windows-1252: "Ã©", "Ã¢",
#: "Ã§", "â€™", "Å“", "Â " (a non-breaking space).
_SUSPECT = re.compile(r"[ÃÂâÅ][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192"
                      r"\u02c6\u02dc\u2013\u2014\u2018-\u201e\u2020-\u2022\u2026\u2030"
                      r"\u2039\u203a\u20ac\u2122]")  # fmt: skip
_WORD = re.compile(r"\S+")


def repair(text: str) -> tuple[str, list[int] | None]:
    """``text`` with its mojibake words repaired, and a map from each position of the repaired
    text (and its end) to a position of ``text``; ``(text, None)`` when nothing was repaired."""
    if text.isascii() or not _SUSPECT.search(text):
        return text, None
    edits = []
    for word in _WORD.finditer(text):
        if _SUSPECT.search(word.group()):
            fixed = ftfy.fix_text(word.group(), normalization="NFC")
            if fixed != word.group():
                edits.append((word.start(), word.end(), fixed))
    return replace_spans(text, edits)


def replace_spans(
    text: str, edits: list[tuple[int, int, str]], positions: list[int] | None = None
) -> tuple[str, list[int] | None]:
    """``text`` with each ``(start, end, replacement)`` of ``edits`` (sorted, not overlapping)
    applied, and the map from the new text's positions to the original's. ``positions``, the
    map ``text`` itself came with, is composed in, so the result still points into the first
    original."""
    if not edits:
        return text, positions
    parts: list[str] = []
    mapped: list[int] = []
    done = 0
    for start, end, fixed in edits:
        parts.append(text[done:start])
        mapped.extend(range(done, start))
        parts.append(fixed)
        mapped.extend(_aligned(text[start:end], fixed, start))
        done = end
    parts.append(text[done:])
    mapped.extend(range(done, len(text) + 1))
    if positions is not None:
        mapped = [positions[position] for position in mapped]
    return "".join(parts), mapped


def _aligned(original: str, fixed: str, start: int) -> list[int]:
    # Positions of ``fixed``'s characters in the text: what it shares with the original word at
    # either end maps one to one; the repaired middle is spread over the original's middle.
    head = 0
    while head < min(len(original), len(fixed)) and original[head] == fixed[head]:
        head += 1
    tail = 0
    while tail < min(len(original), len(fixed)) - head and original[-1 - tail] == fixed[-1 - tail]:
        tail += 1
    middle, source = len(fixed) - head - tail, len(original) - head - tail
    scale = source / max(middle, 1)
    return [
        start + i
        if i < head
        else start + len(original) - (len(fixed) - i)
        if i >= len(fixed) - tail
        else start + head + int((i - head) * scale)
        for i in range(len(fixed))
    ]


def original_span(positions: list[int] | None, start: int, end: int) -> tuple[int, int]:
    """The span of the original text that ``start:end`` of the repaired text came from."""
    if positions is None:
        return start, end
    last = positions[min(end, len(positions) - 1)]
    # An end that falls inside a repaired word stretches to that word's end.
    return positions[start], last
