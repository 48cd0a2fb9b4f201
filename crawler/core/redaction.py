"""Mask personal data in crawled text before any of it is stored or sent.

:func:`redact` replaces French social security numbers (NIR, checked with python-stdnum),
French phone numbers (phonenumbers), e-mail addresses, IBANs (stdnum checksum) and payment card
numbers (Luhn) by ``[NIR]``, ``[PHONE]``, ``[EMAIL]``, ``[IBAN]`` and ``[CARD]``. A candidate is
masked only when its checksum or number format confirms it. :func:`excerpt` gives a short
redacted window around the spans a match found. Input is capped at :data:`MAX_REDACT_CHARS`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

import phonenumbers
from stdnum import iban, luhn
from stdnum.fr import nir

MAX_REDACT_CHARS = 100_000
DEFAULT_WIDTH = 300

_EMAIL = re.compile(r"[\w.+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}")
_IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){2,7}(?:[ ]?[A-Z0-9]{1,4})?\b", re.IGNORECASE
)
_NIR = re.compile(
    r"(?<![\d])[12][ .]?\d{2}[ .]?\d{2}[ .]?(?:\d{2}|2[AB])[ .]?\d{3}[ .]?\d{3}"
    r"(?:[ .]?\d{2})?(?!\d)"
)
_CARD = re.compile(r"(?<!\d)\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}(?!\d)")
_PHONE = re.compile(r"(?<![\d+])(?:\+33[ .]?|0033[ .]?|0)[1-9](?:[ .-]?\d{2}){4}(?!\d)")


def _compact(text: str) -> str:
    return re.sub(r"[ .-]", "", text)


def _is_nir(text: str) -> bool:
    number = _compact(text)
    if len(number) == 13:
        return True  # without its key a NIR cannot be checked; its shape is enough to mask
    return bool(nir.is_valid(number))


def _is_phone(text: str) -> bool:
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def redact(text: str) -> str:
    """``text`` (first 100,000 characters) with personal data masked."""
    text = text[:MAX_REDACT_CHARS]
    text = _EMAIL.sub("[EMAIL]", text)
    text = _IBAN.sub(lambda m: "[IBAN]" if iban.is_valid(m.group()) else m.group(), text)
    text = _NIR.sub(lambda m: "[NIR]" if _is_nir(m.group()) else m.group(), text)
    text = _CARD.sub(
        lambda m: (
            "[CARD]"
            if 13 <= len(_compact(m.group())) <= 19 and luhn.is_valid(_compact(m.group()))
            else m.group()
        ),
        text,
    )
    return _PHONE.sub(lambda m: "[PHONE]" if _is_phone(m.group()) else m.group(), text)


def excerpt(text: str, spans: Iterable[tuple[int, int]], width: int = DEFAULT_WIDTH) -> str:
    """A redacted excerpt of about ``width`` characters around the first of ``spans``.

    Without spans, the start of the text. Cut points are moved to word boundaries and marked
    with ``…``.
    """
    ordered = sorted(spans)
    if not ordered:
        head = redact(text[: width + 40])
        return _trim(head, 0, width, False, len(text) > len(head[:width]))
    first, last = ordered[0]
    margin = max(0, (width - (last - first)) // 2)
    start = max(0, first - margin - 40)
    window = text[start : last + margin + 40]
    redacted = redact(window)
    # Masks change lengths: find the hit again in the redacted window (it is not personal data).
    anchor = redacted.find(text[first:last]) if last > first else -1
    if anchor < 0:
        anchor = min(first - start, len(redacted))
    begin = max(0, anchor - margin)
    more_left = start + begin > 0
    more_right = begin + width < len(redacted) or start + len(window) < len(text)
    return _trim(redacted, begin, width, more_left, more_right)


def _trim(text: str, begin: int, width: int, more_left: bool, more_right: bool) -> str:
    body = text[begin : begin + width]
    if more_left and " " in body[:20]:
        body = body[body.index(" ") + 1 :]
    if more_right and " " in body[-20:]:
        body = body[: body.rindex(" ")]
    return f"{'…' if more_left else ''}{body.strip()}{'…' if more_right else ''}"
