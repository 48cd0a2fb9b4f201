"""``leakwatch doctor``: check proxies, Chromium, the database and the data directory."""

from __future__ import annotations

import typer

from crawler.cli.output import check_format, print_rows
from crawler.cli.state import state_of
from crawler.runtime.doctor import run_checks

COLUMNS = ["check", "target", "status", "detail"]


def doctor(
    ctx: typer.Context,
    timeout: float = typer.Option(5.0, "--timeout", min=0.1, help="Seconds per network check."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or jsonl."),
) -> None:
    """Check that this machine can crawl: proxies answer, Chromium starts, the database is
    reachable and migrated, the data directory is writable and private.

    Prints one row per check; exit code 1 when anything is wrong.
    """
    check_format(fmt)
    checks = run_checks(state_of(ctx).settings, timeout)
    rows = [
        {
            "check": c.name,
            "target": c.target,
            "status": "ok" if c.ok else "FAIL",
            "detail": c.detail,
        }
        for c in checks
    ]
    print_rows(rows, COLUMNS, fmt, title="leakwatch doctor")
    problems = sum(not check.ok for check in checks)
    if problems:
        typer.echo(f"{problems} problem(s) found", err=True)
        raise typer.Exit(1)
    if fmt == "table":
        typer.echo("everything is ready")
