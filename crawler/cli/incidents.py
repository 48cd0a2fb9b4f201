"""``leakwatch incidents``: incidents (one entity's hits grouped across sources), with the
status their hits' triage makes (:func:`crawler.core.triage.incident_status`)."""

from __future__ import annotations

import typer

from crawler.cli.output import check_format, print_document, print_rows
from crawler.cli.state import database_session, state_of
from crawler.reports.filters import incident_filters
from crawler.reports.misp import misp_event_with_evidence, stix_bundle
from db.incidents import INCIDENT_COLUMNS, incident_detail, incident_list

TABLE_COLUMNS = (
    "id", "last_seen", "first_seen", "severity", "entity_name", "department", "hit_count",
    "sources", "status",
)  # fmt: skip


def incidents(
    ctx: typer.Context,
    entity: str = typer.Option("", help="FINESS number (ET or EJ) or part of the entity name."),
    severity: str = typer.Option("", help="low, medium, high or critical."),
    status: str = typer.Option(
        "", help="new, confirmed, false_positive or handled (set by the triage of its hits)."
    ),
    since: str = typer.Option("", help="Active on or after (YYYY-MM-DD or ISO 8601)."),
    until: str = typer.Option("", help="Started before (a date alone includes that day)."),
    limit: int = typer.Option(50, min=1, max=500, help="Rows per page."),
    cursor: str = typer.Option("", help="Continue after a previous page (its next cursor)."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or jsonl."),
    misp: int | None = typer.Option(None, "--misp", help="Print incident ID as a MISP event."),
    stix: int | None = typer.Option(None, "--stix", help="Print incident ID as a STIX 2.1 bundle."),
) -> None:
    """Incidents, most recently active first; or one incident as MISP or STIX JSON."""
    check_format(fmt)
    params = {
        "entity": entity, "severity": severity, "status": status, "since": since, "until": until,
    }  # fmt: skip
    with database_session(ctx) as session:
        if misp is not None or stix is not None:
            detail = incident_detail(session, misp if misp is not None else stix or 0)
            if misp is not None:
                data_dir = state_of(ctx).settings.data_dir
                print_document(misp_event_with_evidence(session, data_dir, detail))
            else:
                print_document(stix_bundle(detail))
            return
        page = incident_list(session, incident_filters(params), cursor or None, limit)
    rows = [row.as_dict() for row in page.items]
    print_rows(
        rows,
        INCIDENT_COLUMNS,
        fmt,
        TABLE_COLUMNS,
        title=f"{len(rows)} incident(s)",
        zone=state_of(ctx).settings.display_zone,
    )
    if page.next_cursor and fmt == "table":
        typer.echo(f"more: --cursor {page.next_cursor}", err=True)
