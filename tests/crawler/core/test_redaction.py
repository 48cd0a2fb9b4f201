from __future__ import annotations

import time

import phonenumbers
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from stdnum import iban
from stdnum.fr import nir

from crawler.core.redaction import (
    MAX_REDACT_CHARS,
    excerpt,
    redact,
    redact_document,
    redact_json,
)


@pytest.mark.parametrize(
    ("text", "mask"),
    [
        ("NIR 1 85 05 78 006 084 91 here", "[NIR]"),
        ("secu: 2850578006084 ok", "[NIR]"),
        ("call 06 12 34 56 78 now", "[PHONE]"),
        ("tel +33 1 42 68 53 00", "[PHONE]"),
        ("mail jean.dupont@example.com", "[EMAIL]"),
        ("IBAN FR76 3000 6000 0112 3456 7890 189", "[IBAN]"),
        ("iban fr76 3000 6000 0112 3456 7890 189", "[IBAN]"),
        ("cb 4970 1012 3456 7893 exp", "[CARD]"),
    ],
)
def test_masks_confirmed_personal_data(text: str, mask: str) -> None:
    assert mask in redact(text)


@pytest.mark.parametrize(
    ("text", "redacted"),
    [
        ("NIR 1-85-05-78-006-084-91 ici", "NIR [NIR] ici"),
        ("NIR 1.85.05.78.006.084.91.", "NIR [NIR]."),
        ("IBAN FR76-3000-6000-0112-3456-7890-189", "IBAN [IBAN]"),
        ("IBAN FR76.3000.6000.0112.3456.7890.189 fin", "IBAN [IBAN] fin"),
        ("BE71 0961 2345 6769 CODE", "[IBAN] CODE"),
        ("contact jean.dupont (at) proton.me", "contact [EMAIL]"),
        ("contact jean[at]proton[dot]me", "contact [EMAIL]"),
        ("contact jean {arobase} gmail (point) com", "contact [EMAIL]"),
        ("contact jean.dupont at gmail.com", "contact [EMAIL]"),
        ("contact jdupont at gmail.com", "contact [EMAIL]"),
        ("contact jean＠proton.me", "contact [EMAIL]"),
        ("tel +33 (0)6 12 34 56 78", "tel [PHONE]"),
        ("tel (0)6 12 34 56 78", "tel [PHONE]"),
        ("tel +33 06 12 34 56 78", "tel [PHONE]"),
        ("tel 0033 6.12.34.56.78", "tel [PHONE]"),
    ],
)
def test_masks_the_written_forms_hostile_pages_use(text: str, redacted: str) -> None:
    assert redact(text) == redacted


@pytest.mark.parametrize(
    "text",
    [
        "FINESS 940300445",
        "758,912 records",
        "cb 4970 1012 3456 7890 exp",
        "year 2024, 750k",
        "patients at chu-rennes.fr",
        "price (at) 2.5 BTC",
        "FINESS 2A0000123 et 060780491",
    ],
)
def test_leaves_other_numbers(text: str) -> None:
    assert redact(text) == text


# Surroundings: letters, spaces and punctuation that no mask can take in.
_WORDS = st.lists(
    st.text("abcdefghijklmnopqrstuvwxyzéèàçôABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=10),
    max_size=6,
).map(" ".join)
_BEFORE = _WORDS.map(lambda words: f"{words} " if words else "")
_AFTER = st.tuples(st.sampled_from([", ", "; ", ". ", "! "]), _WORDS).map("".join) | st.just("")
_SEPARATOR = st.sampled_from(["", " ", ".", "-"])


def _digits(count: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=count, max_size=count)


def _join(parts: list[str], separators: list[str]) -> str:
    return parts[0] + "".join(sep + part for sep, part in zip(separators, parts[1:], strict=True))


@st.composite
def nirs(draw: st.DrawFn) -> str:
    """A valid NIR (key included, or not), grouped with any mix of separators."""
    month = f"{draw(st.integers(1, 12)):02d}"
    department = draw(
        st.sampled_from(["2A", "2B"])
        | st.integers(1, 95).filter(lambda d: d != 20).map("{:02d}".format)
    )
    parts = [draw(st.sampled_from("12")), draw(_digits(2)), month, department]
    parts += [draw(_digits(3).filter(lambda d: d != "000")) for _ in range(2)]
    if draw(st.booleans()):
        parts.append(nir.calc_check_digits("".join(parts)))
    return _join(parts, [draw(_SEPARATOR) for _ in parts[1:]])


_BBAN = {
    "FR": "5n5n11c2n",
    "DE": "18n",
    "GB": "4a14n",
    "IT": "1a10n12c",
    "NL": "4a10n",
    "CH": "5n12c",
}
_CHARACTERS = {
    "n": "0123456789",
    "a": "ABCDEFGHIJKLMNOPQRSTUVWXYZ",
    "c": "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ",
}


@st.composite
def ibans(draw: st.DrawFn) -> str:
    """A valid IBAN of a country without national checks, compact or in groups of four."""
    country = draw(st.sampled_from(sorted(_BBAN)))
    bban = ""
    for count, kind in _parts(_BBAN[country]):
        bban += draw(st.text(_CHARACTERS[kind], min_size=count, max_size=count))
    number = country + iban.calc_check_digits(country + "00" + bban) + bban
    if draw(st.booleans()):
        number = number.lower()
    groups = [number[i : i + 4] for i in range(0, len(number), 4)]
    separator = draw(st.sampled_from(["", " ", ".", "-"]))
    assert iban.is_valid(number)
    return separator.join(groups)


def _parts(spec: str) -> list[tuple[int, str]]:
    parts, count = [], ""
    for character in spec:
        if character.isdigit():
            count += character
        else:
            parts.append((int(count), character))
            count = ""
    return parts


@st.composite
def phones(draw: st.DrawFn) -> str:
    """A valid French number, national or international, grouped with any separators."""
    significant = draw(st.sampled_from("123456789")) + draw(_digits(8))
    assume(phonenumbers.is_valid_number(phonenumbers.parse("0" + significant, "FR")))
    pairs = [significant[0]] + [significant[i : i + 2] for i in range(1, 9, 2)]
    body = _join(pairs, [draw(_SEPARATOR) for _ in pairs[1:]])
    prefix = draw(st.sampled_from(["0", "+33{s}", "0033{s}", "+33{s}(0){s}", "(0){s}", "+33{s}0"]))
    return prefix.replace("{s}", draw(_SEPARATOR)) + body


_LABEL = st.text("abcdefghijklmnopqrstuvwxyz0123456789", min_size=1, max_size=12)
_TLD = st.text("abcdefghijklmnopqrstuvwxyz", min_size=2, max_size=6)


@st.composite
def emails(draw: st.DrawFn) -> str:
    """An address written with @, a full-width ＠ or a spelled-out at and dot."""
    local = draw(_LABEL) + draw(st.sampled_from([".", "_", "-", "+", ""])) + draw(_LABEL)
    domain = [draw(_LABEL) for _ in range(draw(st.integers(1, 3)))] + [draw(_TLD)]
    at = draw(st.sampled_from(["@", "＠", " (at) ", "[at]", " [AT] ", "{at}", "(arobase)"]))
    dot = "." if at in "@＠" else draw(st.sampled_from([".", " (dot) ", "[dot]", "(point)"]))
    if at == "@" and draw(st.booleans()):
        # A plain " at " counts when the local part is not a plain word.
        word = st.text("abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=12)
        local, at = draw(word) + "." + draw(word), " at "
    return local + at + dot.join(domain)


@settings(deadline=None)
@given(st.one_of(nirs(), ibans(), phones(), emails()), _BEFORE, _AFTER)
def test_personal_data_never_survives(value: str, before: str, after: str) -> None:
    redacted = redact(before + value + after)
    assert redacted.startswith(before) and redacted.endswith(after)
    assert redacted[len(before) : len(redacted) - len(after)] in {
        "[NIR]",
        "[IBAN]",
        "[PHONE]",
        "[EMAIL]",
    }


_FINESS = (st.sampled_from(["2A", "2B"]) | st.integers(1, 95).map("{:02d}".format)).flatmap(
    lambda department: _digits(7).map(lambda rest: department + rest)
)
_DATES = (
    st.dates()
    .map(
        lambda day: (
            f"{day:%d/%m/%Y}",
            day.isoformat(),
            f"{day:%d.%m.%Y}",
            f"{day:%d-%m-%Y}",
            f"{day.isoformat()}T09:30:00Z",
        )
    )
    .flatmap(st.sampled_from)
)
_AMOUNTS = st.integers(0, 50_000_000).flatmap(
    lambda n: st.sampled_from(
        [
            f"{n:,}",
            f"{n:,}".replace(",", " "),
            f"{n:,}".replace(",", "."),
            str(n),
            f"{n / 1000:.1f}k",
        ]
    )
)
_PRICES = st.tuples(_AMOUNTS, st.sampled_from(["€", " €", "$", " BTC", " XMR", " USD"])).map(
    "".join
)
_PLAIN_NUMBERS = st.one_of(
    _FINESS,
    _DATES,
    _PRICES,
    _AMOUNTS.map(lambda n: f"{n} records"),
    _AMOUNTS.map(lambda n: f"{n} lignes"),
    st.integers(1, 99).map(lambda n: f"{n}%"),
    st.sampled_from(["12:30", "v2.3.1", "1.2M", "2.5", "patients at chu-rennes.fr"]),
)
_WORD = st.sampled_from(
    ["vente", "base", "patients", "at", "dot", "hôpital", "FINESS", "records", "selling", "of"]
)


@settings(deadline=None)
@given(st.lists(st.tuples(_WORD, _PLAIN_NUMBERS), max_size=12))
def test_text_without_personal_data_is_unchanged(pieces: list[tuple[str, str]]) -> None:
    text = " ".join(f"{word} {number}" for word, number in pieces)
    assert redact(text) == text


def test_redact_document_masks_past_the_cap_and_across_pieces() -> None:
    line = "<p>ordinary line of a page</p>\n"
    filler = line * (MAX_REDACT_CHARS // len(line))
    page = filler + "<td>NIR 1 85 05 78 006 084 91</td>\n" + filler + "jean@proton.me\n" + filler
    redacted = redact_document(page)
    assert "1 85 05 78 006 084 91" not in redacted and "jean@proton.me" not in redacted
    assert redacted.count("[NIR]") == 1 and redacted.count("[EMAIL]") == 1
    assert redacted.count(line) == 3 * filler.count(line)


def test_redact_json_redacts_every_string_and_keeps_keys() -> None:
    value = {"links": ["mailto:jean@proton.me", "https://x.example/"], "views": 12, "a@b.fr": None}
    assert redact_json(value) == {
        "links": ["mailto:[EMAIL]", "https://x.example/"],
        "views": 12,
        "a@b.fr": None,
    }


def test_excerpt_is_short_redacted_and_centred() -> None:
    text = "x " * 400 + "CH d'Arles patient Jean, 06 12 34 56 78, " + "y " * 400
    start = text.index("CH d'Arles")
    short = excerpt(text, [(start, start + 10)], width=120)
    assert "CH d'Arles" in short and "[PHONE]" in short
    assert short.startswith("…") and short.endswith("…")
    assert len(short) <= 130


def test_redact_is_bounded() -> None:
    started = time.perf_counter()
    redact("1" * 300_000 + "@" * 10_000)
    redact("jean (at) " * 30_000)
    redact("a." * 150_000)
    assert time.perf_counter() - started < 2
