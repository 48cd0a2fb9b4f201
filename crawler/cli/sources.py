"""``leakwatch sources``: the configured sources and their health."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from crawler.cli.state import open_database
from db.engine import make_engine, make_session_factory
from db.repository import latest_runs, sources_query, sync_sources

app = typer.Typer(help="Configured sources and their health.", no_args_is_help=True)


@app.command("list")
def list_command(ctx: typer.Context) -> None:
    """Table of sources: name, kind, engine, schedule, health and last run."""
    settings = open_database(ctx)
    engine = make_engine(settings.database_url)
    with make_session_factory(engine).begin() as session:
        sync_sources(session, settings.sources)
        runs = latest_runs(session)
        configured = {source.name: source for source in settings.sources}
        table = Table(title="leakwatch sources")
        for column in ("name", "kind", "engine", "schedule", "enabled", "health", "last run"):
            table.add_column(column)
        for row in session.execute(sources_query()).scalars():
            source = configured.get(row.name)
            if source is None:
                continue
            schedule = source.schedule.cron or f"every {source.schedule.every}"
            run = runs.get(row.id)
            last = (
                f"{run.started_at:%Y-%m-%d %H:%M} {run.status} ({run.items} items)"
                if run
                else "never"
            )
            table.add_row(
                row.name,
                row.kind,
                row.engine,
                schedule,
                "yes" if source.enabled else "no",
                row.health,
                last,
                style=None if source.enabled else "dim",
            )
    engine.dispose()
    Console(markup=False).print(table)
