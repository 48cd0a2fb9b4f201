"""FINESS numbers: the check key, and finding valid numbers in text.

A FINESS number has 9 characters: the department (``01``…``95``, ``2A``/``2B`` for Corsica,
``97`` for overseas), six digits and a check digit. The key is Luhn's: the whole number is
Luhn-valid, with Corsica's ``2A`` read as ``21`` and ``2B`` as ``22`` (checked on every number of
the FHOFF and Eurostat extracts in ``shared/data/finess``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from stdnum import luhn

_FINESS = re.compile(r"^(?:[0-9]{2}|2[AB])[0-9]{7}$")
#: In folded text (lower case, words separated by single spaces).
_IN_TEXT = re.compile(r"[0-9][0-9ab][0-9]{7}(?= )")


def is_valid_finess(number: str) -> bool:
    """True when ``number`` has the FINESS format and a valid Luhn check key."""
    number = number.strip().upper()
    if not _FINESS.match(number):
        return False
    digits = number.replace("2A", "21", 1) if number.startswith("2A") else number
    digits = digits.replace("2B", "22", 1) if digits.startswith("2B") else digits
    return bool(luhn.is_valid(digits))


def find_finess(folded: str) -> Iterator[tuple[int, int, str]]:
    """``(start, end, number)`` of each valid FINESS number in folded, space-padded text.

    The regex scans slowly: callers skip text without seven digits in a row
    (:attr:`~crawler.matching.normalise.Normalised.long_number`, set while folding).
    """
    for match in _IN_TEXT.finditer(folded):
        if folded[match.start() - 1] != " ":
            continue
        number = match.group().upper()
        if is_valid_finess(number):
            yield match.start(), match.end(), number


def department_of_postcode(postcode: str, finess: str | None = None) -> str | None:
    """The department code of a French postcode ("94320" → "94", "97400" → "974").

    Corsican postcodes (20xxx) give ``2A`` or ``2B``, taken from the FINESS number when given.
    """
    if not re.match(r"^\d{5}$", postcode):
        return finess[:2] if finess else None
    if postcode.startswith("97"):
        return postcode[:3]
    if postcode.startswith("20"):
        if finess and finess[:2] in ("2A", "2B"):
            return finess[:2]
        return "2A" if int(postcode) < 20200 else "2B"
    return postcode[:2]
