"""Sale score and claims of a post: record count, data types, price, currency, seller, sample.

The vocabulary hits come from the automaton pass (:mod:`crawler.matching.vocabulary`); numbers,
prices and handles are read with small linear regexes over at most :data:`MAX_CLAIM_CHARS`
characters of the original text, so a huge or hostile post cannot make them slow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

from crawler.core.records import Claims
from crawler.matching.vocabulary import SALE_SIGNALS

_scan_records: Callable[[str, Callable[[str, int], tuple[int, float | None]]], float | None] | None
try:
    from crawler.matching._fold import scan_records as _scan_records
except ImportError:  # the C extension is not built: the loop of _scan reads every number
    _scan_records = None

MAX_CLAIM_CHARS = 20_000
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
#: An amount: "1200", "0.5", "1,200", "1 200 000" (one thousands separator throughout).
_AMOUNT = r"\d{1,3}(?:(?P<sep>[ ,.])\d{3})(?:(?P=sep)\d{3})*|\d+(?:[.,]\d+)?"
_PRICE_AFTER = re.compile(
    rf"(?<![\w.,])(?P<number>{_AMOUNT})\s?(?P<k>k)?\s?(?P<currency>{_CURRENCY})(?![a-z])"
    r"(?!(?<=[$£])\s?\d)",  # "$500" is 500 dollars, not a price of the number before it
    re.IGNORECASE,
)
_PRICE_BEFORE = re.compile(
    rf"(?P<currency>\$|€|£|usdt|usd|eur|btc|xmr)\s?(?P<number>{_AMOUNT})(?![.,]?\d)\s?(?P<k>k)?\b",
    re.IGNORECASE,
)
_SELLER = re.compile(
    r"(?:t\.me/|telegram\.me/)([A-Za-z][\w]{3,31})"
    r"|(?:contact|pm|dm|mp|telegram|tg|tox|jabber|xmpp|session|seller|vendeur|vendor|by)"
    r"\s?[:=]?\s?@([A-Za-z][\w.]{2,31})"
    r"|(?<![\w.@])@([A-Za-z][\w]{2,31})\b(?!\.[a-z]{2,})",
    re.IGNORECASE,
)
#: Currency codes and names written as a word or right after a digit ("2 BTC", "2btc").
CURRENCY_CODES: tuple[str, ...] = (
    *("usdt", "usd", "eur", "euro", "euros", "btc", "bitcoin", "bitcoins", "xmr", "monero"),
    *("ltc", "eth", "gbp", "dollar", "dollars", "tether"),
)
_CODE_SPOT = re.compile(rf"(?<![a-z])(?:{'|'.join(CURRENCY_CODES)})(?![a-z])")
#: A currency symbol or code right before a number (not the end of a word: "serveur 300").
_PRICE_BEFORE_TAIL = re.compile(r"(?:\$|€|£|(?<![a-z])(?:usdt|usd|eur|btc|xmr))\s?$", re.IGNORECASE)
_DIGIT_CLASSES = bytes(ord("1") if 48 <= code <= 57 else 32 for code in range(256))
_NUMBER_SPACES = re.compile(r"[\s\u00a0\u202f']")
_GROUPED_NUMBER = re.compile(r"\d{1,3}([,.])\d{3}(\1\d{3})*")
_GROUP_MARKS = re.compile(r"[,.]")
_NOT_RECORDS_AFTER = ("$", "€", "£", "usd", "eur", "btc", "xmr", "%")
_GROUPED_TAIL = re.compile(r"[ ,.'\u00a0\u202f]\d{3}$")
_MULTIPLIERS = {"k": 1e3, "m": 1e6, "mm": 1e6, "million": 1e6, "millions": 1e6, "mil": 1e3}
_MULTIPLIERS.update({"mille": 1e3, "thousand": 1e3, "bn": 1e9, "billion": 1e9})
_MULTIPLIERS.update({"milliard": 1e9, "milliards": 1e9})


@dataclass(frozen=True)
class SaleAssessment:
    """How much a post looks like a sale: score in [0, 1] and the signal categories seen
    (sorted). Immutable: one object serves every post with the same categories."""

    score: float
    signals: tuple[str, ...]


def sale_assessment(categories: Iterable[str]) -> SaleAssessment:
    """Combine signal categories: ``1 - Π(1 - weight)``, rounded to 3 decimals."""
    return _assessment(frozenset(categories))


@lru_cache(maxsize=1024)
def _assessment(categories: frozenset[str]) -> SaleAssessment:
    seen = sorted(categories)
    remaining = 1.0
    for category in seen:
        remaining *= 1.0 - SALE_SIGNALS[category][0]
    return SaleAssessment(round(1.0 - remaining, 3), tuple(seen))


def parse_number(text: str) -> float | None:
    """``"758,912"`` → 758912, ``"1.2"`` → 1.2, ``"750 000"`` → 750000; None if unreadable."""
    if text.isdigit():
        return float(text)
    compact = _NUMBER_SPACES.sub("", text)
    if _GROUPED_NUMBER.fullmatch(compact) and not compact.startswith("0"):
        return float(_GROUP_MARKS.sub("", compact))
    try:
        return float(compact.replace(",", "."))
    except ValueError:
        return None


def _records_at(text: str, start: int) -> tuple[int, float | None]:
    # (end of the number read at ``start``, the record count it claims or None).
    match = _RECORDS.match(text, start)
    if match is None:  # digits glued to a word: "200GB"
        return start + 1, None
    end = match.end()
    if start and (text[start - 1].isalnum() or text[start - 1] in "_.,"):
        return end, None
    multiplier, unit = match.group("multiplier", "unit")
    number = text[start : match.end("number")]
    if not (unit or multiplier or _GROUPED_TAIL.search(number)):
        return end, None  # "2024", "08": a bare number claims nothing
    if text[end : end + 5].lower().lstrip().startswith(_NOT_RECORDS_AFTER):
        return end, None  # a price or a percentage
    before = text[start - 2 : start] if start > 1 else text[:start]
    if "$" in before or "€" in before or "£" in before:
        return end, None
    value = parse_number(number)
    if value is None:
        return end, None
    if multiplier:
        value *= _MULTIPLIERS.get(multiplier.lower(), 1)
    elif not unit and value < 10_000:
        return end, None
    return end, value if value >= 100 else None


def _price_at(text: str, start: int) -> tuple[float, str] | None:
    # A price written around the number that starts at ``start``: "$1,200", "2 BTC", "800€".
    before = _PRICE_BEFORE_TAIL.search(text, max(0, start - 6), start)
    match = _PRICE_BEFORE.match(text, before.start()) if before else None
    match = match or _PRICE_AFTER.match(text, start)
    if match is None:
        return None
    number, thousands, currency = match.group("number", "k", "currency")
    value = parse_number(number)
    if value is None:
        return None
    return value * (1000 if thousands else 1), _CURRENCY_WORDS.get(
        currency.lower(), currency.upper()
    )


def _scan(text: str, records: bool, prices: bool) -> tuple[int | None, float | None, str | None]:
    # One pass over the numbers of ``text``: the largest record count and the first price.
    # Runs of ASCII digits are found by C scans over a digit/other class string. For records
    # alone, the C extension reads "750k" itself and calls _records_at for other numbers.
    best: float | None = None
    if records and not prices and _scan_records is not None:
        best = _scan_records(text, _records_at)
        return (int(best) if best is not None and best < 1e11 else None), None, None
    price: tuple[float, str] | None = None
    read_to = 0
    classes = text.encode("latin-1", "replace").translate(_DIGIT_CLASSES)
    start = classes.find(b"1")
    while start >= 0:
        if prices and price is None:
            price = _price_at(text, start)
            if price is not None and not records:
                break
        if records and start >= read_to:
            read_to, value = _records_at(text, start)
            if value is not None and (best is None or value > best):
                best = value
        end = classes.find(b" ", start)
        start = classes.find(b"1", end) if end >= 0 else -1
    count = int(best) if best is not None and best < 1e11 else None
    return (count, *(price or (None, None)))


def record_count(text: str) -> int | None:
    """The largest record count claimed in ``text`` ("750k", "1.2M lines", "758,912")."""
    return _scan(text[:MAX_CLAIM_CHARS], records=True, prices=False)[0]


def price_of(text: str) -> tuple[float | None, str | None]:
    """The first price and its currency code (USD, EUR, GBP, BTC, XMR, USDT, LTC, ETH)."""
    _, value, currency = _scan(text[:MAX_CLAIM_CHARS], records=False, prices=True)
    return value, currency


def has_currency_code(lowered: str) -> bool:
    """Whether lower-cased text has a currency code as a word or after a number ("2btc")."""
    return _CODE_SPOT.search(lowered) is not None


def seller_of(text: str) -> str | None:
    """The seller's handle: a t.me link, ``contact: @name`` or the first ``@name``."""
    match = _SELLER.search(text[:MAX_CLAIM_CHARS])
    if match is None:
        return None
    handle = next(group for group in match.groups() if group)
    return handle.rstrip(".")


def extract_claims(
    title: str,
    text: str,
    data_types: Iterable[str],
    signals: Iterable[str],
    currency_seen: bool | None = None,
) -> Claims:
    """Claims of a post from its original title and text and the vocabulary found in it.

    Numbers are read in one pass (record counts, prices). Prices are looked for only when a
    currency can be there: a currency symbol, or a currency code as a word or right after a
    digit (``currency_seen``: the matcher's automaton pass saw one; None: look here). The seller is
    looked for only when an ``@`` or a Telegram link is there.
    """
    if currency_seen is None:
        currency_seen = has_currency_code(f"{title}\n{text}".lower())
    joined = f"{title}\n{text}"[:MAX_CLAIM_CHARS]
    signals = signals if isinstance(signals, (set, frozenset)) else set(signals)
    prices = currency_seen or "$" in joined or "€" in joined or "£" in joined
    records, price, currency = _scan(joined, records=True, prices=prices)
    return Claims(
        records=records,
        data_types=sorted(
            data_types if isinstance(data_types, (set, frozenset)) else set(data_types)
        ),
        price=price,
        currency=currency,
        seller=seller_of(joined) if "@" in joined or "t.me/" in joined else None,
        sample_offered="sample" in signals,
    )
