from __future__ import annotations

import time

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from crawler.matching import claims
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
    assert strong.signals == ("data", "price", "sample", "selling")


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


#: Pieces of text around record counts: multipliers, units, prices, glued and grouped numbers.
_CLAIM_PIECES = st.one_of(
    st.sampled_from(["750k", "2M", "1.2M", "1,2m", "500k$", "3k%", "9k-", "7M.", "£2k", "_9k"]),
    st.sampled_from([".5k", "1 200 000", "12345", "10K records", "4m patients", "99k", "0k"]),
    st.sampled_from([" ", "\u00a0", "\n", "$", "€", "£", "%", "usd", "EUR", "xmr", "btc"]),
    st.sampled_from(["de ", "d'", "lignes", "utilisateurs", "enregistrements", "é", "٣", "K", "m"]),
    st.text(alphabet="0123456789kKmM $€%.,_'ab", max_size=10),
    st.text(max_size=5),
)


@pytest.mark.skipif(
    claims._scan_records is None,
    reason="C extension crawler.matching._fold is not built (pip install -e . builds it)",
)
@given(st.lists(_CLAIM_PIECES, max_size=25).map("".join))
@example("selling 750k de patients, 2M lignes, 5k usd")
@example("2M de lignes $")  # a price after the record word: no count
@example("40K d'enregistrements %")
def test_c_record_scan_equals_python_loop(text: str) -> None:
    # With prices looked for, _scan reads every number in Python; records alone go through C.
    assert claims._scan(text, records=True, prices=False)[0] == claims._scan(text, True, True)[0]
