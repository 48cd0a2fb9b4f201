"""``leakwatch hits``: the hit list, filtered, as a table, CSV, JSON or JSON Lines. A hit is
one post × one entity, with its mentions (``docs/web.md``).

``--severity review`` lists the possible hits instead (names an analyst must tie to one
entity), with the same filters applied to their candidates.
"""

from __future__ import annotations

import typer

from crawler.cli.output import check_format, print_rows
from crawler.cli.state import database_session
from crawler.core.severity import REVIEW
from crawler.reports.filters import SOURCE_KINDS, hit_filters
from db.hits import HIT_COLUMNS, hit_list, iter_hits
from db.possible_hits import POSSIBLE_HIT_COLUMNS, iter_possible_hits, possible_hit_list

TABLE_COLUMNS = (
    "id", "created_at", "severity", "entity_name", "department", "title", "source_name",
    "author", "ransomware_group", "sale_score", "triage_status",
)  # fmt: skip
REVIEW_COLUMNS = (
    "id", "created_at", "matched", "candidate_names", "reasons", "title", "source_name",
    "score", "triage_status",
)  # fmt: skip
#: Most rows ``--all`` prints.
MAX_ROWS = 100_000


def hits(
    ctx: typer.Context,
    query: str = typer.Option("", "--query", "-q", help="Full-text search: posts with all words."),
    entity: str = typer.Option("", help="FINESS number (ET or EJ) or part of the entity name."),
    kind: str = typer.Option("", help="Entity kind: establishment, group, vendor, insurer, lab."),
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
    limit: int = typer.Option(50, min=1, max=500, help="Rows per page."),
    cursor: str = typer.Option("", help="Continue after a previous page (its next cursor)."),
    all_rows: bool = typer.Option(False, "--all", help=f"Every page (at most {MAX_ROWS} rows)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or jsonl."),
) -> None:
    """Hits (posts naming a watched entity), newest first, with filters and search.

    ``--severity review`` lists possible hits (ambiguous names waiting for an analyst). A table
    shows one page and prints the cursor of the next one on stderr.
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
    with database_session(ctx) as session:
        filters = hit_filters(params)
        walk, fetch = (iter_possible_hits, possible_hit_list) if review else (iter_hits, hit_list)
        if all_rows:
            rows = [row.as_dict() for row in walk(session, filters, MAX_ROWS)]
            next_cursor = None
        else:
            page = fetch(session, filters, cursor or None, limit)
            rows, next_cursor = [row.as_dict() for row in page.items], page.next_cursor
    if review:
        title = f"{len(rows)} possible hit(s)"
        print_rows(rows, POSSIBLE_HIT_COLUMNS, fmt, REVIEW_COLUMNS, title=title)
    else:
        print_rows(rows, HIT_COLUMNS, fmt, TABLE_COLUMNS, title=f"{len(rows)} hit(s)")
    if next_cursor and fmt == "table":
        typer.echo(f"more: --cursor {next_cursor}", err=True)
