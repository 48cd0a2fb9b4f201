"""Downloads of any list as CSV, JSON or JSON Lines, streamed page by page.

The rows are produced by a generator that opens its own read session, so a large export never
holds the whole list in memory and never outlives its database session.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import Any

from sqlalchemy.orm import Session, sessionmaker
from starlette.responses import Response, StreamingResponse

from crawler.reports.exports import csv_lines, json_array_chunks, json_value, jsonl_lines

#: Most rows one export returns; narrow the filters for more.
EXPORT_MAX_ROWS = 100_000
FORMATS = ("csv", "json", "jsonl")
MEDIA_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "json": "application/json",
    "jsonl": "application/x-ndjson",
}

RowSource = Callable[[Session], Iterable[Mapping[str, Any]]]


def export_response(
    sessions: sessionmaker[Session],
    rows: RowSource,
    columns: Sequence[str],
    fmt: str,
    name: str,
) -> Response:
    """A streamed download of ``rows(session)`` in ``fmt``, as ``<name>.<fmt>``."""

    def produce() -> Iterator[str]:
        with sessions.begin() as session:
            records = rows(session)
            if fmt == "csv":
                yield from csv_lines(records, columns)
            elif fmt == "jsonl":
                yield from jsonl_lines(records)
            else:
                yield from json_array_chunks(records)

    return StreamingResponse(
        produce(),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{name}.{fmt}"'},
    )


def json_download(document: Mapping[str, Any], name: str) -> Response:
    """A JSON document (MISP event, STIX bundle) as an attachment ``<name>``."""
    return Response(
        json.dumps(json_value(document), ensure_ascii=False, indent=2),
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
