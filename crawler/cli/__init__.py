"""The ``leakwatch`` command line (Typer). Commands are thin adapters over crawler/ and db/."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Annotated

import typer

from crawler.cli import (
    alerts,
    crawl,
    daemon,
    database,
    doctor,
    entity,
    hits,
    incidents,
    match,
    parse,
    retention,
    sources,
    users,
    watchlist,
    web,
)
from crawler.cli.errors import LeakwatchGroup
from crawler.cli.state import CliState
from crawler.core.version import __version__

app = typer.Typer(
    cls=LeakwatchGroup,
    name="leakwatch",
    help="Watch forums, paste sites, Telegram channels and leak sites for French health data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def print_version(value: bool) -> None:
    """``--version``: print the version and exit."""
    if value:
        typer.echo(f"leakwatch {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    ctx: typer.Context,
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            envvar="LEAKWATCH_CONFIG",
            help="Config file (default: ./leakwatch.toml). Env: LEAKWATCH_CONFIG.",
            show_default=False,
        ),
    ] = None,
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            "-V",
            is_eager=True,
            callback=print_version,
            help="Print the leakwatch version and exit.",
        ),
    ] = False,
) -> None:
    """leakwatch: spot French health-sector data sale posts as soon as they appear.

    Configuration comes from leakwatch.toml plus LEAKWATCH_* environment variables
    (see docs/configuration.md).
    """
    ctx.obj = CliState(config=config)


@app.command()
def version() -> None:
    """Print the leakwatch version."""
    typer.echo(f"leakwatch {__version__}")


app.add_typer(database.app, name="db")
app.add_typer(sources.app, name="sources")
app.add_typer(alerts.app, name="alerts")
app.command(name="crawl")(crawl.crawl)
app.command(name="run")(daemon.run)
app.command(name="status")(daemon.status)
app.command(name="doctor")(doctor.doctor)
app.command(name="retention")(retention.retention)
app.command(name="match")(match.match)
app.command(name="parse")(parse.parse)
app.add_typer(watchlist.app, name="watchlist")
app.command(name="hits")(hits.hits)
app.command(name="entity")(entity.entity)
app.command(name="incidents")(incidents.incidents)
app.add_typer(users.app, name="users")
app.command(name="web")(web.web)


def main() -> None:
    """Console-script entry point."""
    try:
        app()
    finally:
        # The process ends: hide what it holds from the collections the interpreter runs as it
        # shuts down. A command that loaded the watchlist and its matcher index (a crawl, the
        # daemon) would otherwise spend ~0.7 s of CPU walking millions of objects to exit.
        gc.freeze()
