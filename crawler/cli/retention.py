"""``leakwatch retention``: apply the ``[retention]`` ages now, or see what they would delete."""

from __future__ import annotations

import typer

from crawler.cli.output import check_format, print_rows
from crawler.cli.state import state_of
from crawler.runtime.retention import run_retention
from db.engine import make_engine, make_session_factory
from db.migrate import upgrade
from db.models import utcnow

COLUMNS = ["kind", "count"]


def retention(
    ctx: typer.Context,
    dry_run: bool = typer.Option(
        False, "--dry-run", help="Count what would be deleted; delete nothing."
    ),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or jsonl."),
) -> None:
    """Delete what the configured retention ages let go (the daemon does it daily): old runs,
    outbox messages, posts that never produced a hit, false positives' screenshots, page
    snapshots (and findings, when finding_days is set). See docs/deployment.md, "Retention".

    Prints one row per kind with the count deleted, or to be deleted with --dry-run.
    """
    check_format(fmt)
    settings = state_of(ctx).settings
    upgrade(settings.database_url)
    engine = make_engine(settings.database_url)
    try:
        outcome = run_retention(make_session_factory(engine), settings, utcnow(), dry_run)
    finally:
        engine.dispose()
    rows = [{"kind": kind, "count": count} for kind, count in outcome.counts.items()]
    title = "would delete (dry run)" if dry_run else "deleted"
    print_rows(rows, COLUMNS, fmt, title=f"retention: {title}")
