"""The ``leakwatch`` command line (Typer). Commands are thin adapters over crawler/ and db/."""

from __future__ import annotations

import typer

from crawler import __version__

app = typer.Typer(
    name="leakwatch",
    help="Watch forums, paste sites, Telegram channels and leak sites for French health data.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.command()
def version() -> None:
    """Print the leakwatch version."""
    typer.echo(f"leakwatch {__version__}")


def main() -> None:
    """Console-script entry point."""
    app()
