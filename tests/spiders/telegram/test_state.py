"""Incremental state of Telegram sources and the paging rule (pure)."""

from __future__ import annotations

from typing import Any

import pytest

from spiders.telegram.state import TelegramState, next_before


def test_last_id_is_the_newest_id_ever_seen() -> None:
    raw: dict[str, Any] = {}
    channel = TelegramState(raw).channel("leaks")
    assert channel.last_id is None
    channel.saw([51, 70, 60])
    channel.saw([31, 50])
    channel.saw([])
    assert channel.last_id == 70 and raw == {"channels": {"leaks": {"last_id": 70}}}
    channel.forget()
    assert channel.last_id is None


@pytest.mark.parametrize(
    "raw",
    [{"channels": "junk"}, {"channels": {"leaks": [1, 2]}},
     {"channels": {"leaks": {"last_id": "9"}}}, {"channels": {"leaks": {"last_id": True}}}],
)  # fmt: skip
def test_a_damaged_state_reads_as_a_first_crawl(raw: dict[str, Any]) -> None:
    assert TelegramState(raw).channel("leaks").last_id is None


PAGE = list(range(51, 71))


@pytest.mark.parametrize(
    ("page_ids", "older", "smallest", "known", "pages", "depth", "expected"),
    [
        (PAGE, True, 51, None, 1, 5, 51),  # first crawl: backfill
        (PAGE, True, 31, None, 2, 2, None),  # first crawl: depth reached
        (PAGE, False, 51, None, 1, 5, None),  # no link to older messages: the beginning
        ([], True, 51, None, 1, 5, None),  # an empty page ends paging
        ([1, 2, 3], True, 1, None, 1, 5, None),  # message 1 is the first there can be
        (PAGE, True, 51, 70, 1, 5, None),  # nothing new: one page
        (PAGE, True, 51, 50, 1, 5, None),  # all new messages are on this page
        (PAGE, True, 51, 40, 1, 1, 51),  # more new messages below, whatever the depth
        (PAGE, True, 31, 40, 2, 5, None),  # the known id is reached
    ],
)
def test_next_before(
    page_ids: list[int],
    older: bool,
    smallest: int,
    known: int | None,
    pages: int,
    depth: int,
    expected: int | None,
) -> None:
    assert next_before(page_ids, older, smallest, known, pages, depth) == expected
