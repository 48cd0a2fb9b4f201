"""``leakwatch db``: schema migrations."""

from __future__ import annotations

import typer

from crawler.cli.state import require_sqlite_file, state_of
from db.migrate import current_revision, head_revision, upgrade

app = typer.Typer(
    help="Database schema: create and migrate (SQLite or PostgreSQL).", no_args_is_help=True
)


@app.command("upgrade")
def upgrade_command(
    ctx: typer.Context,
    revision: str = typer.Argument("head", help="Target Alembic revision."),
) -> None:
    """Create or migrate the configured database to the newest schema."""
    settings = state_of(ctx).settings
    upgrade(settings.database_url, revision)
    typer.echo(f"database at revision {current_revision(settings.database_url)}")


@app.command("current")
def current_command(ctx: typer.Context) -> None:
    """Show the database's schema revision and the newest one shipped."""
    settings = state_of(ctx).settings
    require_sqlite_file(settings.database_url)
    typer.echo(f"current: {current_revision(settings.database_url) or 'empty'}")
    typer.echo(f"head:    {head_revision()}")
