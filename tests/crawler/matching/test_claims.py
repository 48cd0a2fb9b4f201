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


#: Sale posts as forums write them (FR and EN) and the record count each claims.
SALE_POSTS = [
    ("Vente base patients Clinique X – 758 912 patients, NIR, mutuelle, 0,5 BTC", 758_912),
    (
        "[VENTE] CH de Y – 1,2M dossiers patients (nom, prénom, NIR 1 85 05 75 123 456 73, "
        "tél 06 12 34 56 78). Prix : 2500$",
        1_200_000,
    ),
    (
        "Selling 1.2M rows hospital db FR, fields: nom prenom date_naissance NIR tel "
        "+33 6 12 34 56 78. Price 1 BTC, escrow ok",
        1_200_000,
    ),
    ("Fuite Clinique Z – 491 840 patients, dump du 12/11/2024, FINESS 750712184, 0.5 XMR", 491_840),
    ("DB mutuelle : 120 000 lignes, CP 75 013, contact tox. Prix 800€", 120_000),
    ("FRENCH HOSPITAL LEAK 2M records | NIR + mutuelle | sample free | 2 BTC", 2_000_000),
    ("Base 12 000 000 de lignes (assurés) – extraction 2024-11-12 – 1 BTC", 12_000_000),
    ("selling 1.5 million rows of french patients, 350k with NIR, price 2500$", 1_500_000),
    ("350k lignes patients CHU, joignable au +33 612 345 678", 350_000),
    ("Dossiers : 758 912\nNIR : 2 85 05 2A 123 456 73\nFINESS : 750 712 184", 758_912),
    ("Patients: 1.2 M | Date: 12/11/2024 | Prix: 25 000 dollars", 1_200_000),
    ("Clinique X dump, 1 200 000 d’enregistrements, SIRET 732 829 320 00074", 1_200_000),
    ("Leak CH de W: 40 000+ patients (tel, email, mutuelle), 2 500 €", 40_000),
]


@pytest.mark.parametrize(("text", "records"), SALE_POSTS)
def test_record_count_of_sale_posts(text: str, records: int) -> None:
    assert record_count(text) == records
    assert extract_claims("", text, [], ["price"]).records == records  # the Python loop too


@pytest.mark.parametrize(
    "text",
    [
        "NIR 1 85 05 75 123 456 73",
        "nir: 185057512345673",
        "NIR 2 85 05 2A 123 456 73",
        "tel 06 12 34 56 78, 06 123 456 78 ou +33 6 12 34 56 78",
        "whatsapp +33 612 345 678 / 0033 612 345 678",
        "FINESS : 750 712 184",
        "Clinique X (750 712 184)",  # nine digits with a valid Luhn key: FINESS or SIREN
        "SIREN 123 456 789",
        "CP 75 013 Paris",
        "Prix : 12 000",
        "25 000 dollars",
        "2 500 € ou 0,5 BTC",
        "$2,500",
        "dump du 12/11/2024",
        "exporté le 12/11/2024 patients.csv",
        "Date: 2024-11-12\npatients",
        "48 000 %",
    ],
)
def test_record_count_is_never_an_identifier_phone_postcode_price_or_date(text: str) -> None:
    assert record_count(text) is None
    assert extract_claims("", text, [], ["price"]).records is None


@pytest.mark.parametrize(
    ("text", "records"),
    [
        ("Base 758 912 patients, total 2 400 000", 758_912),  # a unit word wins
        ("Lignes = 120 000 ; fichier de 2 400 000", 120_000),  # also written before
        ("2M lines, 758 912 patients", 2_000_000),  # then the largest count
        ("Selling french hospital db 758,912", 758_912),  # a bare number when nothing else
        ("db 758,912 et 1 200 000", 1_200_000),
    ],
)
def test_a_written_count_wins_over_a_bare_number(text: str, records: int) -> None:
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
    st.sampled_from(["dollars", "eth", "monero", "bitcoin", "gbp", "+", "/", "-", " 73", "\n"]),
    st.sampled_from(["patients: ", "Lignes = ", "FINESS ", "tel ", "+33 ", "06 123 456", "2A "]),
    st.text(alphabet="0123456789kKmM $€%.,_'ab+/-:=", max_size=10),
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
@example("5k dollars, 12k+ eth")  # currencies the C scan must leave to Python
def test_c_record_scan_equals_python_loop(text: str) -> None:
    # With prices looked for, _scan reads every number in Python; records alone go through C.
    assert claims._scan(text, records=True, prices=False)[0] == claims._scan(text, True, True)[0]
