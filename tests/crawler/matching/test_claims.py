from __future__ import annotations

import time

import pytest

from crawler.matching.claims import extract_claims, price_of, record_count, sale_assessment


@pytest.mark.parametrize(
    ("text", "records"),
    [
        ("758,912 records", 758912),
        ("Selling 750k patients db", 750000),
        ("1.2M lines", 1200000),
        ("750 000 lignes", 750000),
        ("1,5 million de patients", 1500000),
        ("price 2 BTC", None),
        ("call 0612 before 2024", None),
    ],
)
def test_record_count(text: str, records: int | None) -> None:
    assert record_count(text) == records


@pytest.mark.parametrize(
    ("text", "price"),
    [
        ("2 BTC", (2.0, "BTC")),
        ("Prix 800€", (800.0, "EUR")),
        ("$1,200 firm", (1200.0, "USD")),
        ("500 USDT", (500.0, "USDT")),
        ("0.5 xmr", (0.5, "XMR")),
        ("no price", (None, None)),
    ],
)
def test_price(text: str, price: tuple[float | None, str | None]) -> None:
    assert price_of(text) == price


def test_sale_score_combines_categories() -> None:
    assert sale_assessment([]).score == 0.0
    strong = sale_assessment(["selling", "price", "sample", "data"])
    assert strong.score > 0.7
    assert strong.signals == ["data", "price", "sample", "selling"]


def test_claims_seller_and_sample() -> None:
    claims = extract_claims("db for sale", "contact: @medileaks, t.me later", ["nir"], ["sample"])
    assert claims.seller == "medileaks"
    assert claims.sample_offered
    assert claims.data_types == ["nir"]


def test_claims_are_bounded_on_hostile_input() -> None:
    text = "1" * 200_000 + " " + "1 000 " * 50_000 + "@" + "a" * 100_000
    started = time.perf_counter()
    extract_claims("", text, [], ["price"])
    assert time.perf_counter() - started < 2
