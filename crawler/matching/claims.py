"""Sale score and claims of a post: record count, data types, price, currency, seller, sample.

The vocabulary hits come from the automaton pass (:mod:`crawler.matching.vocabulary`); numbers,
prices and handles are read with small linear regexes over at most :data:`MAX_CLAIM_CHARS`
characters of the original text, so a huge or hostile post cannot make them slow.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache, partial

from crawler.core.records import Claims
from crawler.matching.finess import is_valid_finess
from crawler.matching.vocabulary import SALE_SIGNALS

_scan_records: Callable[[str, Callable[[str, int], tuple[int, float | None]]], float | None] | None
try:
    from crawler.matching._fold import scan_records as _scan_records
except ImportError:  # the C extension is not built: the loop of _scan reads every number
    _scan_records = None

MAX_CLAIM_CHARS = 20_000
_MULTIPLIER = r"k|m|mm|million|millions|mil|mille|thousand|bn|billion|milliard|milliards"
#: What a record count counts (at most 15 letters: _fold.c's RECORD_TAIL allows for it).
RECORD_WORDS = frozenset(
    (
        *("lines", "line", "records", "record", "rows", "row", "lignes", "ligne", "entries"),
        *("enregistrements", "entrées", "entrees", "patients", "patient", "users", "user"),
        *("utilisateurs", "clients", "client", "customers", "personnes", "people", "dossiers"),
        *("dossier", "accounts", "comptes", "fiches", "fullz", "members", "membres", "adhérents"),
        *("adherents", "assurés", "assures", "bénéficiaires", "beneficiaires", "employees"),
        *("employés", "employes", "salariés", "salaries", "contacts", "emails", "identités"),
        *("identites", "profils", "profiles"),
    )
)
#: A number, then on the same line an optional multiplier, "+", "de"/"d'"/"of" and a word (a
#: unit when it is one of RECORD_WORDS). Starts with a bare digit class so ``re`` can skip to
#: digits quickly; the word is looked up in a set rather than matched as an alternation.
_RECORDS = re.compile(
    rf"\d(?P<number>\d{{0,2}}(?:[ ,.'\u00a0\u202f]\d{{3}})+|\d*(?:[.,]\d+)?)[^\S\n]?"
    rf"(?P<multiplier>{_MULTIPLIER})?\b\+?[^\S\n]?(?:de[^\S\n]|d['\u2019]|of[^\S\n])?[^\S\n]?"
    r"(?P<word>[^\W\d_]{1,15}\b)?",
    re.IGNORECASE,
)
#: The unit written before the number: "Patients : 758 912", "rows=1200000".
_UNIT_BEFORE = re.compile(r"([^\W\d_]{1,15})[^\S\n]?[:=][^\S\n]?$")
#: A label saying what a bare number is when it is not a count: an identifier, a phone
#: number, a postcode or a price ("FINESS : 750 712 184", "Tél. 01 23 456 789", "CP 75 013").
_NOT_COUNT_LABEL = re.compile(
    r"\b(?:finess|nir|nss|insee|s[ée]cu|s[ée]curit[ée] sociale|siret|siren|rpps|adeli|iban"
    r"|t[ée]l|t[ée]l[ée]phone|phone|mobile|portable|fax|cp|code postal|zip|prix|price|tarif"
    r"|co[uû]t|cost)\W{0,3}(?:n°[^\S\n]?)?$",
    re.IGNORECASE,
)
#: A currency or a percent sign right after a number: a price or a ratio, not a count.
_PRICE_AFTER_COUNT = re.compile(
    r"[^\S\n]{0,2}(?:[$€£%]|(?:usdt?|eur|euros?|dollars?|gbp|btc|bitcoins?|xmr|monero|tether"
    r"|ltc|eth)(?![a-z]))",
    re.IGNORECASE,
)
#: Where a number sits inside a longer run of digit groups (NIR, phone, SIRET): a separator
#: between it and a digit.
_CHAIN_SEPARATORS = " .\u00a0\u202f"
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
# The three tables below are read by the C extension too (crawler/matching/fold_header.py).
#: Right after a record count, these make it a price or a percentage ("5k$", "3k usd", "9k%"):
#: the signs and the first three letters of the currency words of ``_PRICE_AFTER_COUNT``,
#: as the C scan reads them.
NOT_RECORDS_AFTER = (
    "$", "€", "£", "%", "usd", "eur", "dol", "gbp", "btc", "bit", "xmr", "mon", "tet", "ltc", "eth",
)  # fmt: skip
#: A currency sign in the two characters before a number makes it a price ("$750k").
CURRENCY_SIGNS = "$€£"
#: A number right after a letter, a digit or one of these is part of something else ("v2.5k").
GLUED_BEFORE = "_.,"
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


def _records_at(text: str, start: int, bare: list[float] | None = None) -> tuple[int, float | None]:
    # (end of the number read at ``start``, the record count it claims or None). A count is a
    # number written with a multiplier ("1,2M", "350k") or a unit word ("758 912 patients",
    # "Lignes : 120 000"). A bare grouped number ("758 912") is appended to ``bare`` instead:
    # it counts only when no written count is there. The C scan (_fold.c) decides numbers
    # written "750k"/"2M" itself, so every rule that can refuse one is mirrored there.
    match = _RECORDS.match(text, start)
    if match is None:  # digits glued to a word: "200GB"
        return start + 1, None
    multiplier, word = match.group("multiplier", "word")
    unit = word if word and word.lower() in RECORD_WORDS else None
    end = match.end() if unit or not word else match.start("word")
    if start and (text[start - 1].isalnum() or text[start - 1] in GLUED_BEFORE):
        return end, None
    number_end = match.end("number")
    number = text[start:number_end]
    if not multiplier:
        unit = unit or _unit_before(text, start)
        if not (unit or _GROUPED_TAIL.search(number)):
            return end, None  # "2024", "08": a bare number claims nothing
        if _not_a_count(text, start, number_end, number, bool(unit)):
            return end, None
    if _PRICE_AFTER_COUNT.match(text, end):
        return end, None  # a price or a percentage
    before = text[start - 2 : start] if start > 1 else text[:start]
    if any(sign in before for sign in CURRENCY_SIGNS):
        return end, None
    value = parse_number(number)
    if value is None:
        return end, None
    if multiplier:
        value *= _MULTIPLIERS.get(multiplier.lower(), 1)
    elif not unit:
        if bare is not None and 10_000 <= value < 1e11 and not _identifier(number):
            bare.append(value)
        return end, None
    return end, value if value >= 100 else None


def _unit_before(text: str, start: int) -> str | None:
    # "Patients : 758 912": the unit word and a colon or "=" right before the number.
    close = text[max(0, start - 3) : start]
    if "=" not in close and ":" not in close:
        return None
    found = _UNIT_BEFORE.search(text, max(0, start - 24), start)
    return found.group(1) if found and found.group(1).lower() in RECORD_WORDS else None


def _not_a_count(text: str, start: int, number_end: int, number: str, attached: bool) -> bool:
    # Numbers that are never counts: a leading zero (phones "06 123 456 78"), a date or range
    # part ("12/11/2024", "2024-11"); without a unit word also an international phone
    # ("+33 612 345 678"), a run of digit groups (NIR "1 85 05 75 123 456 73", SIRET) and a
    # labelled identifier, phone, postcode or price ("FINESS : 750 712 184", "CP 75 013").
    if len(number) > 1 and number[0] == "0" and number[1].isdigit():
        return True
    previous = text[start - 1] if start else ""
    if previous == "/" or (previous == "-" and start > 1 and text[start - 2].isdigit()):
        return True
    follows = text[number_end : number_end + 2]
    if len(follows) == 2 and follows[0] in "/-" and follows[1].isdigit():
        return True
    if attached:
        return False
    chained = previous in _CHAIN_SEPARATORS and start > 1 and text[start - 2].isdigit()
    if previous == "+" or chained:
        return True
    if len(follows) == 2 and follows[0] in _CHAIN_SEPARATORS and follows[1].isdigit():
        return True
    return _NOT_COUNT_LABEL.search(text, max(0, start - 24), start) is not None


def _identifier(number: str) -> bool:
    # Nine digits with a valid Luhn key, written "750 712 184": a FINESS or SIREN number.
    digits = _NUMBER_SPACES.sub("", number)
    return len(digits) == 9 and digits.isdigit() and is_valid_finess(digits)


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
    # One pass over the numbers of ``text``: the record count and the first price. The count
    # is the largest one written as a count (unit word or multiplier), else the largest bare
    # grouped number. Runs of ASCII digits are found by C scans over a digit/other class
    # string. For records alone, the C extension reads "750k" itself and calls _records_at
    # for other numbers.
    best: float | None = None
    bare: list[float] = []
    if records and not prices and _scan_records is not None:
        best = _scan_records(text, partial(_records_at, bare=bare))
        return _count(best, bare), None, None
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
            read_to, value = _records_at(text, start, bare)
            if value is not None and (best is None or value > best):
                best = value
        end = classes.find(b" ", start)
        start = classes.find(b"1", end) if end >= 0 else -1
    return (_count(best, bare), *(price or (None, None)))


def _count(best: float | None, bare: list[float]) -> int | None:
    if best is None:
        return int(max(bare)) if bare else None
    return int(best) if best < 1e11 else None


def record_count(text: str) -> int | None:
    """The record count claimed in ``text`` ("750k", "1.2M lines", "Patients : 758 912").

    Counts written with a unit word or a multiplier win over bare grouped numbers ("758,912");
    the largest of the winning kind is returned. Phone numbers, NIR, FINESS/SIREN numbers,
    postcodes, prices and dates are not counts.
    """
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
