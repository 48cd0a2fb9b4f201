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

from crawler.reports.exports import (
    SEPARATORS,
    CsvDialect,
    csv_lines,
    json_array_chunks,
    json_value,
    jsonl_lines,
)
from crawler.web.errors import BadRequest

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
    dialect: CsvDialect | None = None,
) -> Response:
    """A streamed download of ``rows(session)`` in ``fmt``, as ``<name>.<fmt>``."""

    def produce() -> Iterator[str]:
        with sessions.begin() as session:
            records = rows(session)
            if fmt == "csv":
                yield from csv_lines(records, columns, dialect)
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


def csv_dialect(params: Mapping[str, str]) -> CsvDialect:
    """The CSV dialect a request asks for: ``bom=1`` for a UTF-8 byte order mark,
    ``sep=semicolon`` for ``;`` between cells (``sep=comma``, the default, for ``,``).

    Raises BadRequest for another separator.
    """
    separator = params.get("sep") or "comma"
    if separator not in SEPARATORS:
        raise BadRequest(f"sep: expected one of {', '.join(SEPARATORS)}")
    bom = (params.get("bom") or "").lower() in ("1", "true", "on", "yes")
    return CsvDialect(bom=bom, separator=SEPARATORS[separator])
