"""``leakwatch hits``: the hit list, filtered, as a table, CSV, JSON or JSON Lines. A hit is
one post × one entity, with its mentions (``docs/web.md``).

A table shows one page; CSV, JSON and JSON Lines are the whole list (or ``--limit`` rows),
written row by row as the pages are read. ``--severity review`` lists the possible hits
instead (names an analyst must tie to one entity), with the same filters applied to their
candidates.
"""

from __future__ import annotations

import sys

import typer

from crawler.cli.output import FORMAT_HELP, check_format, csv_dialect, print_rows
from crawler.cli.state import database_session, state_of
from crawler.core.severity import REVIEW
from crawler.reports.filters import SOURCE_KINDS, hit_filters
from db.hits import HIT_COLUMNS, hit_list, iter_hits
from db.pagination import MAX_LIMIT
from db.possible_hits import POSSIBLE_HIT_COLUMNS, iter_possible_hits, possible_hit_list

TABLE_COLUMNS = (
    "id", "created_at", "severity", "entity_name", "department", "title", "source_name",
    "author", "ransomware_group", "sale_score", "triage_status",
)  # fmt: skip
REVIEW_COLUMNS = (
    "id", "created_at", "matched", "candidate_names", "reasons", "title", "source_name",
    "score", "triage_status",
)  # fmt: skip
#: Rows of a table page when no --limit is given.
TABLE_PAGE = 50


def hits(
    ctx: typer.Context,
    query: str = typer.Option("", "--query", "-q", help="Full-text search: posts with all words."),
    entity: str = typer.Option(
        "", help="Entity: words of its name or alias (any case or accents), FINESS, domain."
    ),
    kind: str = typer.Option(
        "", help="Entity kind: establishment, group, vendor, insurer, lab, occupational, other."
    ),
    group: str = typer.Option("", help="Health group: its own hits, its members', or tagged so."),
    vendor: str = typer.Option("", help="Vendor: its own hits, its customers', or tagged so."),
    department: str = typer.Option("", help="Department code (75, 2A…)."),
    region: str = typer.Option("", help="Region name, exactly as stored."),
    source: str = typer.Option("", help="Source name."),
    source_kind: str = typer.Option("", help=f"Source family: {', '.join(SOURCE_KINDS)}."),
    ransomware_group: str = typer.Option(
        "", help="Ransomware group that listed the victim (leak sites, feeds), any case."
    ),
    since: str = typer.Option("", help="Detected on or after (YYYY-MM-DD or ISO 8601)."),
    until: str = typer.Option("", help="Detected before (a date alone includes that day)."),
    sale_only: bool = typer.Option(False, "--sale-only", help="Sale posts only."),
    min_score: str = typer.Option("", help="Minimum match score (best mention's), 0 to 1."),
    status: str = typer.Option("", help="Triage: new, confirmed, false_positive, handled."),
    severity: str = typer.Option(
        "", help="low, medium, high or critical; review: the possible hits instead."
    ),
    incident: str = typer.Option("", help="Hits of this incident id."),
    limit: int | None = typer.Option(
        None,
        min=1,
        help=f"Most rows: a table page ({TABLE_PAGE} by default, 500 at most); exports are "
        "complete without it.",
        show_default=False,
    ),
    cursor: str = typer.Option("", help="Continue after a previous page (its next cursor)."),
    all_rows: bool = typer.Option(False, "--all", help="Table: every page, not just one."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
    bom: bool = typer.Option(False, "--bom", help="CSV: start with a UTF-8 byte order mark."),
    semicolon: bool = typer.Option(
        False, "--semicolon", help="CSV: separate cells with ; (French spreadsheets)."
    ),
) -> None:
    """Hits (posts naming a watched entity), newest first, with filters and search.

    --severity review lists possible hits (ambiguous names waiting for an analyst). A table
    shows one page and prints the cursor of the next one on stderr; csv, json and jsonl hold
    every matching row (or --limit rows).
    """
    check_format(fmt)
    params = {
        "q": query, "entity": entity, "kind": kind, "group": group, "vendor": vendor,
        "department": department, "region": region, "source": source,
        "source_kind": source_kind, "ransomware_group": ransomware_group, "since": since,
        "until": until,
        "sale_only": "1" if sale_only else "", "min_score": min_score, "status": status,
        "severity": severity, "incident": incident,
    }  # fmt: skip
    review = severity == REVIEW
    walk, fetch = (iter_possible_hits, possible_hit_list) if review else (iter_hits, hit_list)
    columns, table = (
        (POSSIBLE_HIT_COLUMNS, REVIEW_COLUMNS) if review else (HIT_COLUMNS, TABLE_COLUMNS)
    )
    noun = "possible hit(s)" if review else "hit(s)"
    zone = state_of(ctx).settings.display_zone
    with database_session(ctx) as session:
        filters = hit_filters(params)
        if fmt != "table" or all_rows:
            rows = (row.as_dict() for row in walk(session, filters, limit or sys.maxsize, cursor))
            if fmt == "table":
                listed = list(rows)
                print_rows(listed, columns, fmt, table, title=f"{len(listed)} {noun}", zone=zone)
            else:
                print_rows(rows, columns, fmt, dialect=csv_dialect(bom, semicolon))
            return
        page = fetch(session, filters, cursor or None, min(limit or TABLE_PAGE, MAX_LIMIT))
    listed = [row.as_dict() for row in page.items]
    print_rows(listed, columns, fmt, table, title=f"{len(listed)} {noun}", zone=zone)
    if page.next_cursor:
        typer.echo(f"more: --cursor {page.next_cursor}", err=True)
