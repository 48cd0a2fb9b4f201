"""Printing lists from the query commands: a table for people, CSV/JSON/JSON Lines for tools.

Crawled text is printed without markup interpretation, and control characters are replaced in
tables, so a post title cannot restyle or drive the terminal.
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime, tzinfo
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from crawler.core.display_time import shown_time
from crawler.reports.exports import (
    CsvDialect,
    csv_lines,
    json_array_chunks,
    json_value,
    jsonl_lines,
)

FORMATS = ("table", "csv", "json", "jsonl")
#: The help of every command's ``--format/-f`` option.
FORMAT_HELP = "Output: table, csv, json or jsonl."
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def check_format(fmt: str) -> str:
    """``fmt`` when it is one of FORMATS; exits with code 2 otherwise."""
    if fmt not in FORMATS:
        raise typer.BadParameter(f"expected one of {', '.join(FORMATS)}", param_hint="--format")
    return fmt


def print_rows(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    fmt: str,
    table_columns: Sequence[str] | None = None,
    title: str | None = None,
    dialect: CsvDialect | None = None,
    zone: tzinfo = UTC,
) -> None:
    """Print ``rows`` as a table (``table_columns`` only, times in ``zone`` with its label),
    CSV, a JSON array or JSON Lines (times ISO 8601 in UTC with their offset).

    CSV and JSON are written row by row as ``rows`` yields them (an export of any size).
    """
    out = sys.stdout
    if fmt == "csv":
        out.writelines(csv_lines(rows, columns, dialect))
    elif fmt == "jsonl":
        out.writelines(jsonl_lines(rows))
    elif fmt == "json":
        out.writelines(json_array_chunks(rows))
    else:
        print_table(rows, table_columns or columns, title, zone)


def print_document(document: Mapping[str, Any]) -> None:
    """Print one JSON document."""
    sys.stdout.write(json.dumps(json_value(document), ensure_ascii=False, indent=2) + "\n")


def csv_dialect(bom: bool, semicolon: bool) -> CsvDialect:
    """The CSV dialect of the ``--bom`` and ``--semicolon`` options."""
    return CsvDialect(bom=bom, separator=";" if semicolon else ",")


def print_table(
    rows: Iterable[Mapping[str, Any]],
    columns: Sequence[str],
    title: str | None = None,
    zone: tzinfo = UTC,
) -> None:
    """A rich table of ``columns``, markup off, control characters replaced, times in
    ``zone`` with its label."""
    table = Table(title=title)
    for column in columns:
        table.add_column(column.replace("_", " "), overflow="fold")
    for row in rows:
        table.add_row(*(cell_text(row.get(column), zone) for column in columns))
    Console(markup=False, highlight=False, width=200).print(table)


def cell_text(value: Any, zone: tzinfo = UTC) -> str:
    """Readable, inert text for a table cell (a time in ``zone``, with its label)."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return shown_time(value, zone)
    if isinstance(value, float):
        return f"{value:.2f}"
    if isinstance(value, list | tuple):
        return ", ".join(cell_text(item, zone) for item in value)
    return _CONTROL.sub("?", str(value))
