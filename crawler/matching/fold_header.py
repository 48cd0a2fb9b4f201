"""Write ``_fold_tables.h``, the C extension's character tables, from the Python ones.

The Python code is the one source of truth: the l33t digits, the character classes and the
characters that need the slow path come from :mod:`crawler.matching.normalise`, the signs and
words around record counts from :mod:`crawler.matching.claims`. After changing one of them, run
(from the repository root)::

    python -m crawler.matching.fold_header

and rebuild the extension (``pip install -e .``). A test fails while the committed header
differs from what this module writes.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from crawler.matching import claims, normalise

HEADER_PATH = Path(__file__).with_name("_fold_tables.h")
#: Character flags of folded text, as _fold.c tests them.
LETTER, LEET, DIGIT = 1, 2, 4


def header_text() -> str:
    """The content of ``_fold_tables.h`` for the current Python tables."""
    classes = normalise._CLASSES
    flags = [
        (LETTER if classes[code] == ord("a") else 0)
        | (DIGIT if classes[code] == ord("1") else 0)
        | (LEET if chr(code) in normalise.LEET_DIGITS else 0)
        for code in range(256)
    ]
    unleet = [ord(chr(code).translate(normalise.LEET)) for code in range(256)]
    expanding = [int(chr(code) in normalise.EXPANDING_LATIN1) for code in range(256)]
    first_slow = min(ord(letter) for letter in normalise.EXPANDING_LATIN1)
    if first_slow >= min(first for first, _ in normalise.SLOW_RANGES):
        raise ValueError("FIRST_SLOW must be a Latin-1 letter, below every slow range")
    signs = [sign for sign in claims.NOT_RECORDS_AFTER if len(sign) == 1]
    words = [word for word in claims.NOT_RECORDS_AFTER if len(word) > 1]
    if not all(len(word) == 3 and word.isascii() and word.islower() for word in words):
        raise ValueError("_fold.c reads words after a record count as three lower-case letters")
    ranges = ", ".join(f"{{{first:#x}, {last:#x}}}" for first, last in normalise.SLOW_RANGES)
    return "\n".join(
        [
            "/* Character tables of _fold.c, written by `python -m crawler.matching.fold_header`",
            " * from crawler/matching/normalise.py and claims.py: do not edit by hand. */",
            "",
            f"#define LETTER {LETTER}",
            f"#define LEET {LEET}",
            f"#define DIGIT {DIGIT}",
            "/* Flags of each byte of folded text (normalise._CLASSES, normalise.LEET_DIGITS). */",
            *_array("static const unsigned char FLAGS[256]", flags),
            "/* l33t digit -> letter (normalise.LEET), other bytes unchanged. */",
            *_array("static const unsigned char UNLEET[256]", unleet),
            "/* Latin-1 letters folding to two letters (normalise.EXPANDING_LATIN1). */",
            *_array("static const unsigned char EXPANDING_LATIN1[256]", expanding),
            "/* No code point below this one needs the slow path. */",
            f"#define FIRST_SLOW {first_slow:#x}",
            "/* Characters outside Latin-1 that fold to letters (normalise.SLOW_RANGES). */",
            f"static const Py_UCS4 SLOW_RANGES[][2] = {{{ranges}}};",
            "/* After a record count: a price or a percentage (claims.NOT_RECORDS_AFTER). */",
            f"static const Py_UCS4 NOT_RECORDS_AFTER_SIGNS[] = {{{_code_points(signs)}}};",
            "static const char NOT_RECORDS_AFTER_WORDS[][4] = {"
            + ", ".join(f'"{word}"' for word in words)
            + "};",
            "/* Before a number: a price (claims.CURRENCY_SIGNS). */",
            f"static const Py_UCS4 CURRENCY_SIGNS[] = {{{_code_points(claims.CURRENCY_SIGNS)}}};",
            "/* Before a number: glued to something else (claims.GLUED_BEFORE). */",
            f"static const Py_UCS4 GLUED_BEFORE[] = {{{_code_points(claims.GLUED_BEFORE)}}};",
            "",
        ]
    )


def _array(declaration: str, values: list[int]) -> list[str]:
    rows = [values[start : start + 16] for start in range(0, len(values), 16)]
    body = [f"    {', '.join(f'{value:#04x}' for value in row)}," for row in rows]
    return [f"{declaration} = {{", *body, "};"]


def _code_points(characters: Iterable[str]) -> str:
    return ", ".join(f"{ord(character):#x}" for character in characters)


def main() -> None:
    """Write the header next to ``_fold.c``."""
    HEADER_PATH.write_text(header_text(), encoding="ascii")


if __name__ == "__main__":
    main()
