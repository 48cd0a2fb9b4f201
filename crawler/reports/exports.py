"""Export rows as CSV, JSON or JSON Lines, the same from the CLI and the web UI.

Crawled text is hostile. In CSV, a cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a
carriage return is prefixed with ``'`` so that a spreadsheet shows it as text instead of running
it as a formula (OWASP "CSV injection").

For spreadsheets set up for French, CSV can start with a UTF-8 byte order mark (without it Excel
reads UTF-8 as Windows-1252: "HÃ´pital") and use ``;`` between cells (a French Excel reads
``,`` as the decimal comma). Formulas are defused whatever the separator.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
#: The UTF-8 byte order mark, as the first character of a CSV export when asked for.
BOM = "\ufeff"
#: CSV separators: the standard comma, or the semicolon French spreadsheets expect.
SEPARATORS = {"comma": ",", "semicolon": ";"}


@dataclass(frozen=True)
class CsvDialect:
    """How to write CSV: with a byte order mark or not, and the cell separator."""

    bom: bool = False
    separator: str = ","


def neutralise_cell(value: Any) -> str:
    """The CSV text of ``value``: lists joined with ``|``, mappings as JSON, formulas defused
    with ``'``."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | Decimal):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, list | tuple):
        value = "|".join(neutralise_cell(item) for item in value)
    elif isinstance(value, Mapping):  # a hit's mention: its JSON, never a Python repr
        value = json.dumps(json_value(value), ensure_ascii=False)
    text = str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_lines(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    dialect: CsvDialect | None = None,
) -> Iterator[str]:
    """The header line then one CSV line per row (only ``columns``, in that order)."""
    dialect = dialect or CsvDialect()
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=dialect.separator, lineterminator="\r\n")
    writer.writerow(columns)
    yield (BOM if dialect.bom else "") + _drain(buffer)
    for row in rows:
        writer.writerow([neutralise_cell(row.get(column)) for column in columns])
        yield _drain(buffer)


def json_value(value: Any) -> Any:
    """``value`` made JSON-serialisable: datetimes as ISO 8601, decimals as numbers."""
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, Mapping):
        return {key: json_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [json_value(item) for item in value]
    return value


def jsonl_lines(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """One compact JSON object per line."""
    for row in rows:
        yield json.dumps(json_value(row), ensure_ascii=False) + "\n"


def json_array_chunks(rows: Iterable[Mapping[str, Any]]) -> Iterator[str]:
    """A JSON array of the rows, produced piece by piece (for streaming large exports)."""
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(json_value(row), ensure_ascii=False)
    yield "]\n"


def _drain(buffer: io.StringIO) -> str:
    text = buffer.getvalue()
    buffer.seek(0)
    buffer.truncate()
    return text
