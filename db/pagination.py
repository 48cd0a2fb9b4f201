"""Keyset pagination: pages of rows ordered by (timestamp, id) newest first, and their cursors.

A cursor is the (timestamp, id) of the last row of a page, base64url-encoded. The next page is
the rows strictly before it in that order, found through an index on (timestamp, id): the cost
of a page does not grow with its depth, unlike ``OFFSET``.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, tuple_

from db.errors import InvalidCursor

Row = TypeVar("Row")
#: Page size when the caller gives none, and the largest one accepted.
DEFAULT_LIMIT = 50
MAX_LIMIT = 500
#: Largest row id (ids are 32-bit on PostgreSQL); bigger ones are refused before any query.
MAX_ID = 2**31 - 1


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of rows and the cursor of the next page (None on the last page)."""

    items: list[Row]
    next_cursor: str | None


@dataclass(frozen=True)
class Position:
    """Where a page ends: the sort timestamp and id of its last row."""

    at: datetime
    id: int


def encode_cursor(at: datetime, row_id: int) -> str:
    """The opaque cursor pointing after the row (``at``, ``row_id``)."""
    raw = f"{at.astimezone(UTC).isoformat()}|{row_id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> Position:
    """The position a cursor points after; raises InvalidCursor when it is not one of ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        at_text, id_text = base64.urlsafe_b64decode(padded.encode()).decode().split("|")
        at = datetime.fromisoformat(at_text)
        row_id = int(id_text)
    except (ValueError, binascii.Error, UnicodeError) as exc:
        raise InvalidCursor(f"invalid cursor: {cursor[:40]!r}") from exc
    if at.tzinfo is None:
        raise InvalidCursor(f"invalid cursor: {cursor[:40]!r}")
    return Position(at.astimezone(UTC), row_id)


def before(at_column: Any, id_column: Any, cursor: str | None) -> ColumnElement[bool] | None:
    """The condition "strictly after the cursor's row in newest-first order", or None."""
    if not cursor:
        return None
    position = decode_cursor(cursor)
    # A row-value comparison, not an OR of two: both engines turn it into one index range.
    return tuple_(at_column, id_column) < (position.at, position.id)


def clamp_limit(limit: int | None) -> int:
    """A page size between 1 and MAX_LIMIT (DEFAULT_LIMIT when None)."""
    return max(1, min(limit or DEFAULT_LIMIT, MAX_LIMIT))


def page_of(rows: Sequence[Row], limit: int, position: Any) -> Page[Row]:
    """Cut ``rows`` (fetched with ``limit + 1``) to a page; ``position(row)`` gives (at, id)."""
    items = list(rows[:limit])
    if len(rows) <= limit or not items:
        return Page(items, None)
    at, row_id = position(items[-1])
    return Page(items, encode_cursor(at, row_id))


def walk_pages(
    fetch: Callable[[str | None, int], Page[Row]], max_rows: int, cursor: str | None = None
) -> Iterator[Row]:
    """Every row of a paginated list after ``cursor``, page after page, up to ``max_rows``.

    ``fetch(cursor, limit)`` returns one page; pages of MAX_LIMIT rows are asked for.
    """
    cursor = cursor or None
    sent = 0
    while sent < max_rows:
        page = fetch(cursor, min(MAX_LIMIT, max_rows - sent))
        yield from page.items
        sent += len(page.items)
        if page.next_cursor is None:
            return
        cursor = page.next_cursor
