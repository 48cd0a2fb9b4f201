"""``leakwatch crawl SOURCE``: one crawl of one configured source, in this process."""

from __future__ import annotations

import os

import typer

from crawler.cli.state import fail, open_database, state_of
from crawler.core.errors import ConfigError
from crawler.runtime.crawl import run_crawl


def crawl(
    ctx: typer.Context,
    source: str = typer.Argument(..., help="Name of a source in the config."),
    run_id: int | None = typer.Option(
        None, "--run-id", hidden=True, help="Record into this existing run (used by the daemon)."
    ),
) -> None:
    """Crawl one configured source now and store what it finds.

    Exit code 0 when the run ended ok or partial (a cap was reached), 1 when it failed
    (source down, parser broken, login required…), 2 for a configuration error.
    """
    settings = state_of(ctx).settings
    try:
        settings.source(source)
    except ConfigError as exc:
        fail(str(exc))
    if run_id is None:
        open_database(ctx, create=True)
    summary = run_crawl(settings, source, run_id=run_id, environ=os.environ)
    typer.echo(
        f"run {summary.run_id}: {summary.status} (health {summary.health}): "
        f"{summary.pages} page(s), {summary.items} item(s), {summary.new_posts} new post(s), "
        f"{summary.hits} hit(s), {summary.errors} error(s)"
        + (f" — {summary.detail}" if summary.detail else "")
    )
    if summary.status not in ("ok", "partial"):
        raise typer.Exit(1)
