from __future__ import annotations

import time

import pytest

from crawler.core.redaction import excerpt, redact


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
    "text",
    ["FINESS 940300445", "758,912 records", "cb 4970 1012 3456 7890 exp", "year 2024, 750k"],
)
def test_leaves_other_numbers(text: str) -> None:
    assert redact(text) == text


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
    assert time.perf_counter() - started < 2
