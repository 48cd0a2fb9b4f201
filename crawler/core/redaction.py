"""Mask personal data in crawled text before any of it is stored or sent.

:func:`redact` replaces French social security numbers (NIR, checked with python-stdnum),
French phone numbers (phonenumbers), e-mail addresses, IBANs (stdnum checksum) and payment card
numbers (Luhn) by ``[NIR]``, ``[PHONE]``, ``[EMAIL]``, ``[IBAN]`` and ``[CARD]``. A candidate is
masked only when its checksum or number format confirms it; a 13-digit number shaped like a
NIR without its key is masked on its shape alone. Written forms covered:

* NIR and IBAN compact or grouped with spaces, ``.`` or ``-``;
* e-mails with ``@``, a full-width ``＠``, or spelled out: ``(at)``, ``[at]``, ``{arobase}``,
  ``(dot)``, ``[point]``…; a plain `` at `` (``jean.dupont at gmail.com``) only when the local
  part holds two letters and a dot, digit, ``_``, ``+`` or ``-``, a dot is bracketed, or the
  domain is a webmail, so that "patients at chu-rennes.fr" stays;
* phones as ``06 12 34 56 78`` (spaces, ``.``, ``-`` or nothing), ``+33 6…``, ``0033 6…``,
  ``+33 (0)6…``, ``+33 06…`` and ``(0)6…``.

Nine-digit FINESS numbers, dates, prices and record counts are left alone. :func:`redact` caps
its input at :data:`MAX_REDACT_CHARS` (the time budget of its regexes); :func:`redact_document`
redacts longer text piece by piece, :func:`redact_json` every string of a JSON value, and
:func:`excerpt` gives a short redacted window around the spans a match found.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import phonenumbers
from stdnum import iban, luhn
from stdnum.fr import nir

MAX_REDACT_CHARS = 100_000
DEFAULT_WIDTH = 300

_LOCAL = r"(?<![\w.+-])(?P<local>[\w.+-]{1,64})"
_LABEL = r"[\w-]{1,63}"
_BRACKETED = r"[ ]{{0,3}}[(\[{{<][ ]{{0,2}}(?:{words})[ ]{{0,2}}[)\]}}>][ ]{{0,3}}"
_SPELLED_AT = _BRACKETED.format(words="at|@|arobase")
_SPELLED_DOT = _BRACKETED.format(words="dot|point")
_SPACED_DOT = r"[ ]{1,3}(?:dot|point)[ ]{1,3}"
_EMAIL = re.compile(rf"[\w.+-]{{1,64}}[@＠﹫]{_LABEL}(?:[.．]{_LABEL}){{1,8}}")
_EMAIL_SPELLED = re.compile(
    rf"{_LOCAL}(?:(?P<bracketed>{_SPELLED_AT})|[ ]{{1,3}}(?:at|@|＠)[ ]{{1,3}})"
    rf"(?P<domain>{_LABEL}(?:(?:[.．]|(?P<dot>{_SPELLED_DOT})|{_SPACED_DOT}){_LABEL}){{0,7}}"
    rf"(?:[.．]|(?P<last_dot>{_SPELLED_DOT})|{_SPACED_DOT})"
    r"[^\W\d_][\w-]{1,62})(?![\w-]|[.．]\w)",
    re.IGNORECASE,
)
# fmt: off
#: Mail providers whose domain confirms an address written with a plain " at ".
_WEBMAILS = frozenset({
    "aol", "bbox", "cock", "free", "gmail", "gmx", "googlemail", "hotmail", "icloud", "laposte",
    "live", "mail", "mailfence", "me", "msn", "neuf", "orange", "outlook", "pm", "proton",
    "protonmail", "riseup", "sfr", "tuta", "tutanota", "wanadoo", "yahoo", "yandex", "zoho",
})
# fmt: on
_IBAN = re.compile(
    r"\b[A-Z]{2}\d{2}(?:[ .-]?[A-Z0-9]{4}){2,7}(?:[ .-]?[A-Z0-9]{1,4})?\b", re.IGNORECASE
)
_NIR = re.compile(
    r"(?<![\d])[12][ .-]?\d{2}[ .-]?\d{2}[ .-]?(?:\d{2}|2[ABab])[ .-]?\d{3}[ .-]?\d{3}"
    r"(?:[ .-]?\d{2})?(?!\d)"
)
_CARD = re.compile(r"(?<!\d)\d{4}(?:[ -]?\d{4}){2}[ -]?\d{1,7}(?!\d)")
_PHONE = re.compile(
    r"(?<![\d+])(?:(?:\+|00)33[ .-]?(?:\(0\)[ .-]?|0[ .-]?)?|\(0\)[ .-]?|0)"
    r"[1-9](?:[ .-]?\d{2}){4}(?!\d)"
)
#: Where :func:`redact_document` may cut: no pattern spans a line break or a tag bracket.
_SAFE_CUT = re.compile(r"[\n<>]")


def _compact(text: str) -> str:
    return re.sub(r"[ .-]", "", text)


def _is_nir(text: str) -> bool:
    number = _compact(text).upper()
    if len(number) == 13:
        return True  # without its key a NIR cannot be checked; its shape is enough to mask
    return bool(nir.is_valid(number))


def _is_phone(text: str) -> bool:
    try:
        number = phonenumbers.parse(text, "FR")
    except phonenumbers.NumberParseException:
        return False
    return phonenumbers.is_valid_number(number)


def _spelled_email(match: re.Match[str]) -> str:
    """Mask an address written with a spelled-out or spaced ``at`` when it is confirmed."""
    local, domain = match.group("local"), match.group("domain")
    spelled = any(match.group(name) for name in ("bracketed", "dot", "last_dot"))
    punctuated = len(re.findall(r"[^\W\d_]", local)) >= 2 and bool(re.search(r"[\d._+-]", local))
    webmail = re.split(r"[.．\s(\[{<]", domain, maxsplit=1)[0].casefold() in _WEBMAILS
    confirmed = spelled or punctuated or webmail
    return "[EMAIL]" if confirmed else match.group()


def _iban(match: re.Match[str]) -> str:
    """Mask the longest valid IBAN the match starts with (a word may follow it, grouped)."""
    text = match.group()
    ends = [len(text), *(i for i in range(len(text) - 1, 14, -1) if text[i] in " .-")]
    for end in ends:
        if iban.is_valid(text[:end]):
            return "[IBAN]" + text[end:]
    return text


def _card(match: re.Match[str]) -> str:
    number = _compact(match.group())
    return "[CARD]" if 13 <= len(number) <= 19 and luhn.is_valid(number) else match.group()


def redact(text: str) -> str:
    """``text`` (first 100,000 characters) with personal data masked."""
    text = text[:MAX_REDACT_CHARS]
    text = _EMAIL.sub("[EMAIL]", text)
    text = _EMAIL_SPELLED.sub(_spelled_email, text)
    text = _IBAN.sub(_iban, text)
    text = _NIR.sub(lambda m: "[NIR]" if _is_nir(m.group()) else m.group(), text)
    text = _PHONE.sub(lambda m: "[PHONE]" if _is_phone(m.group()) else m.group(), text)
    return _CARD.sub(_card, text)


def redact_document(text: str) -> str:
    """The whole of ``text``, however long, with personal data masked.

    The text is redacted in pieces of at most :data:`MAX_REDACT_CHARS`, cut at a line break or
    a tag bracket (which no masked value spans) when the piece has one.
    """
    pieces: list[str] = []
    while len(text) > MAX_REDACT_CHARS:
        window = text[:MAX_REDACT_CHARS]
        cuts = [m.end() for m in _SAFE_CUT.finditer(window, MAX_REDACT_CHARS // 2)]
        cut = cuts[-1] if cuts else MAX_REDACT_CHARS
        pieces.append(redact(text[:cut]))
        text = text[cut:]
    pieces.append(redact(text))
    return "".join(pieces)


def redact_json(value: Any) -> Any:
    """A copy of a JSON value (dicts, lists, strings, numbers) with every string redacted;
    keys are kept."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, dict):
        return {key: redact_json(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [redact_json(item) for item in value]
    return value


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
