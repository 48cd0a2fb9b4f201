"""The incident status rule: the lifecycle new → confirmed / false positive → handled."""

from __future__ import annotations

import pytest

from crawler.core.triage import incident_status


@pytest.mark.parametrize(
    ("hits", "status"),
    [
        ([], "new"),
        (["new", "new"], "new"),
        (["new", "false_positive"], "new"),
        (["false_positive", "false_positive"], "false_positive"),
        (["new", "confirmed"], "confirmed"),
        (["confirmed", "false_positive"], "confirmed"),
        (["handled", "new"], "confirmed"),
        (["handled", "confirmed"], "confirmed"),
        (["handled", "false_positive"], "handled"),
        (["handled", "handled"], "handled"),
    ],
)
def test_incident_status(hits: list[str], status: str) -> None:
    assert incident_status(hits) == status
