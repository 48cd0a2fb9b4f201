"""Sale score and claims of a post: record count, data types, price, currency, seller, sample.

The vocabulary hits come from the automaton pass (:mod:`crawler.matching.vocabulary`); numbers,
prices and handles are read with small linear regexes over at most :data:`MAX_CLAIM_CHARS`
characters of the original text, so a huge or hostile post cannot make them slow.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from crawler.matching.vocabulary import SALE_SIGNALS

MAX_CLAIM_CHARS = 20_000
_DIGIT = re.compile(r"\d")
_NUMBER = r"\d{1,3}(?:[ ,.'\u00a0\u202f]\d{3})+|\d+(?:[.,]\d+)?"
_MULTIPLIER = r"k|m|mm|million|millions|mil|mille|thousand|bn|billion|milliard|milliards"
_RECORD_WORDS = (
    r"lines|line|records|record|rows|lignes|ligne|enregistrements|entries|patients|patient"
    r"|users|utilisateurs|clients|personnes|people|dossiers|accounts|comptes|fiches|fullz"
)
#: Starts with a bare digit class so ``re`` can skip to digits quickly.
_RECORDS = re.compile(
    rf"\d(?P<number>\d{{0,2}}(?:[ ,.'\u00a0\u202f]\d{{3}})+|\d*(?:[.,]\d+)?)\s?"
    rf"(?P<multiplier>{_MULTIPLIER})?\b\s?(?:de\s|d')?\s?(?:(?P<unit>{_RECORD_WORDS})\b)?",
    re.IGNORECASE,
)
_CURRENCY_WORDS = {
    "$": "USD", "usd": "USD", "dollar": "USD", "dollars": "USD", "€": "EUR", "eur": "EUR",
    "euro": "EUR", "euros": "EUR", "£": "GBP", "gbp": "GBP", "btc": "BTC", "bitcoin": "BTC",
    "bitcoins": "BTC", "xmr": "XMR", "monero": "XMR", "usdt": "USDT", "tether": "USDT",
    "ltc": "LTC", "eth": "ETH",
}  # fmt: skip
_CURRENCY = r"\$|€|£|usdt|usd|eur|euros?|dollars?|gbp|btc|bitcoins?|xmr|monero|tether|ltc|eth"
_PRICE_AFTER = re.compile(
    rf"(?<![\w.,])(\d+(?:[.,]\d+)?|\d{{1,3}}(?:[ ,.]\d{{3}})+)\s?(k)?\s?({_CURRENCY})(?![a-z])",
    re.IGNORECASE,
)
_PRICE_BEFORE = re.compile(
    r"(\$|€|£|usdt|usd|eur|btc|xmr)\s?(\d+(?:[.,]\d+)?|\d{1,3}(?:[ ,.]\d{3})+)\s?(k)?\b",
    re.IGNORECASE,
)
_SELLER = re.compile(
    r"(?:t\.me/|telegram\.me/)([A-Za-z][\w]{3,31})"
    r"|(?:contact|pm|dm|mp|telegram|tg|tox|jabber|xmpp|session|seller|vendeur|vendor|by)"
    r"\s?[:=]?\s?@([A-Za-z][\w.]{2,31})"
    r"|(?<![\w.@])@([A-Za-z][\w]{2,31})\b(?!\.[a-z]{2,})",
    re.IGNORECASE,
)
_CURRENCY_MARKERS = tuple(
    [
        "$",
        "€",
        "£",
        "usd",
        "eur",
        "btc",
        "xmr",
        "ltc",
        "eth",
        "bitcoin",
        "monero",
        "dollar",
        "tether",
        "gbp",
    ]
)
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "millions": 1e6, "mil": 1e3}
_MULTIPLIERS.update({"mille": 1e3, "thousand": 1e3, "bn": 1e9, "billion": 1e9})
_MULTIPLIERS.update({"milliard": 1e9, "milliards": 1e9})


@dataclass(frozen=True)
class SaleAssessment:
    """How much a post looks like a sale: score in [0, 1] and the signal categories seen."""

    score: float
    signals: list[str]


@dataclass(frozen=True)
class Claims:
    """What a post claims to sell."""

    records: int | None = None
    data_types: list[str] = field(default_factory=list)
    price: float | None = None
    currency: str | None = None
    seller: str | None = None
    sample_offered: bool = False


def sale_assessment(categories: Iterable[str]) -> SaleAssessment:
    """Combine signal categories: ``1 - Π(1 - weight)``, rounded to 3 decimals."""
    seen = sorted(set(categories))
    remaining = 1.0
    for category in seen:
        remaining *= 1.0 - SALE_SIGNALS[category][0]
    return SaleAssessment(round(1.0 - remaining, 3), seen)


def parse_number(text: str) -> float | None:
    """``"758,912"`` → 758912, ``"1.2"`` → 1.2, ``"750 000"`` → 750000; None if unreadable."""
    compact = re.sub(r"[\s\u00a0\u202f']", "", text)
    if re.fullmatch(r"\d{1,3}([,.])\d{3}(\1\d{3})*", compact):
        return float(re.sub(r"[,.]", "", compact))
    try:
        return float(compact.replace(",", "."))
    except ValueError:
        return None


def record_count(text: str) -> int | None:
    """The largest record count claimed in ``text`` ("750k", "1.2M lines", "758,912")."""
    best: float | None = None
    for match in _RECORDS.finditer(text[:MAX_CLAIM_CHARS]):
        number = text[match.start() : match.end("number")]
        multiplier, unit = match.group("multiplier"), match.group("unit")
        before = text[match.start() - 1 : match.start()]
        if before and (before.isalnum() or before in "_.,"):
            continue
        value = parse_number(number)
        if value is None:
            continue
        end = match.end()
        following = text[end : end + 4].lower().lstrip()
        if following.startswith(("$", "€", "£", "usd", "eur", "btc", "xmr", "%")):
            continue
        previous = text[max(0, match.start() - 2) : match.start()]
        if any(symbol in previous for symbol in "$€£"):
            continue
        if multiplier:
            value *= _MULTIPLIERS.get(multiplier.lower(), 1)
        elif not unit and not re.search(r"[ ,.'\u00a0\u202f]\d{3}$", number):
            continue
        if not unit and not multiplier and value < 10_000:
            continue
        if value >= 100 and (best is None or value > best):
            best = value
    return int(best) if best is not None and best < 1e11 else None


def price_of(text: str) -> tuple[float | None, str | None]:
    """The first price and its currency code (USD, EUR, GBP, BTC, XMR, USDT, LTC, ETH)."""
    window = text[:MAX_CLAIM_CHARS]
    lower = window.lower()
    spots = sorted(
        position for marker in _CURRENCY_MARKERS for position in _positions(lower, marker)
    )
    found: list[tuple[int, float, str]] = []
    for spot in spots[:50]:
        offset = max(0, spot - 24)
        piece = window[offset : spot + 24]
        for match in _PRICE_AFTER.finditer(piece):
            number, thousands, currency = match.groups()
            value = parse_number(number)
            if value is not None:
                found.append((offset + match.start(), value * (1000 if thousands else 1), currency))
        for match in _PRICE_BEFORE.finditer(piece):
            currency, number, thousands = match.groups()
            value = parse_number(number)
            if value is not None:
                found.append((offset + match.start(), value * (1000 if thousands else 1), currency))
        if found:
            break
    if not found:
        return None, None
    _, value, currency = min(found)
    return value, _CURRENCY_WORDS.get(currency.lower(), currency.upper())


def _positions(text: str, marker: str) -> list[int]:
    # str.find is a C scan: much cheaper than a regex over the whole post.
    positions: list[int] = []
    position = text.find(marker)
    while position >= 0 and len(positions) < 20:
        positions.append(position)
        position = text.find(marker, position + 1)
    return positions


def seller_of(text: str) -> str | None:
    """The seller's handle: a t.me link, ``contact: @name`` or the first ``@name``."""
    match = _SELLER.search(text[:MAX_CLAIM_CHARS])
    if match is None:
        return None
    handle = next(group for group in match.groups() if group)
    return handle.rstrip(".")


def extract_claims(
    title: str, text: str, data_types: Iterable[str], signals: Iterable[str]
) -> Claims:
    """Claims of a post from its original title and text and the vocabulary found in it.

    Each regex runs only when cheap substring checks or the signals say it can find something.
    """
    joined = f"{title}\n{text}"[:MAX_CLAIM_CHARS]
    signals = set(signals)
    price, currency = (None, None)
    if "price" in signals or any(symbol in joined for symbol in "$€£"):
        price, currency = price_of(joined)
    has_digit = _DIGIT.search(joined) is not None
    return Claims(
        records=record_count(joined) if has_digit else None,
        data_types=sorted(set(data_types)),
        price=price,
        currency=currency,
        seller=seller_of(joined) if "@" in joined or "t.me/" in joined else None,
        sample_offered="sample" in signals,
    )
