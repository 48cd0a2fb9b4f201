"""Shared spider helpers."""

from __future__ import annotations

from twisted.internet.defer import CancelledError
from twisted.python.failure import Failure

from spiders.base import failure_reason


def test_failure_reason_is_never_empty() -> None:
    # Scrapy cancels an oversize streamed download with a bare CancelledError.
    assert failure_reason(Failure(CancelledError())) == "CancelledError"
    assert failure_reason(Failure(TimeoutError("took too long"))) == "took too long"
