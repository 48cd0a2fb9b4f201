"""The severity rule: listings, sale posts, confident matches and chatter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from crawler.core.listing import RansomwareListing
from crawler.core.records import Claims
from crawler.core.severity import severity_of

LISTING = RansomwareListing("nightveil", datetime(2026, 11, 23, tzinfo=UTC))


@pytest.mark.parametrize(
    ("kind", "sale", "claim", "score", "listing", "expected"),
    [
        ("establishment", 0.9, Claims(data_types=["nir"]), 0.9, None, "critical"),
        ("establishment", 0.9, Claims(), 0.9, None, "high"),
        ("vendor", 0.9, Claims(records=1000), 0.9, None, "high"),
        ("establishment", 0.3, Claims(), 0.6, None, "medium"),
        ("establishment", 0.0, Claims(), 0.7, None, "low"),
        # a listing is a breach whatever its wording: no sale words, no claims, a weak match
        ("establishment", 0.0, Claims(), 0.6, LISTING, "critical"),
        ("group", 0.0, Claims(), 0.8, LISTING, "critical"),
        ("lab", 0.0, Claims(), 0.8, LISTING, "critical"),
        ("insurer", 0.1, Claims(), 0.8, LISTING, "critical"),
        ("occupational", 0.0, Claims(), 0.7, LISTING, "critical"),  # workers' medical files
        ("occupational", 0.9, Claims(data_types=["medical_records"]), 0.8, None, "critical"),
        ("vendor", 0.0, Claims(), 0.8, LISTING, "high"),
        ("other", 0.0, Claims(), 0.5, LISTING, "high"),
    ],
)
def test_severity(
    kind: str,
    sale: float,
    claim: Claims,
    score: float,
    listing: RansomwareListing | None,
    expected: str,
) -> None:
    assert severity_of(kind, sale, claim, score, listing) == expected
