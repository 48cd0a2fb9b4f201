"""``leakwatch crawl SOURCE``: one crawl of one configured source, in this process."""

from __future__ import annotations

import os

import typer

from crawler.cli.state import fail, open_database, state_of
from crawler.core.errors import ConfigError
from crawler.runtime.crawl import run_crawl, source_log_path


def crawl(
    ctx: typer.Context,
    source: str = typer.Argument(..., help="Name of a source in the config."),
    run_id: int | None = typer.Option(
        None, "--run-id", hidden=True, help="Record into this existing run (used by the daemon)."
    ),
    verbose: bool = typer.Option(
        False, "--verbose", "-v", help="Show the crawl's log here, not in the source's log file."
    ),
) -> None:
    """Crawl one configured source now, store what it finds and print a one-line summary.

    The crawl's log (Scrapy's) is appended to the source's log file, DATA_DIR/logs/SOURCE.log,
    as the daemon's crawls are; -v shows it here instead. Exit code 0 when the run ended ok or
    partial (a cap was reached), 1 when it failed (source down, parser broken, login
    required…), 2 for a configuration error.
    """
    settings = state_of(ctx).settings
    try:
        settings.source(source)
    except ConfigError as exc:
        fail(str(exc))
    if run_id is None:
        open_database(ctx, create=True)
    overrides = None
    log_path = None if verbose else source_log_path(settings, source)
    if log_path is not None:
        log_path.parent.mkdir(parents=True, exist_ok=True)
        overrides = {"LOG_FILE": str(log_path), "LOG_FILE_APPEND": True}
    summary = run_crawl(
        settings, source, run_id=run_id, scrapy_overrides=overrides, environ=os.environ
    )
    typer.echo(
        f"run {summary.run_id}: {summary.status} (health {summary.health}): "
        f"{summary.pages} page(s), {summary.items} item(s), {summary.new_posts} new post(s), "
        f"{summary.hits} hit(s), {summary.errors} error(s)"
        + (f" — {summary.detail}" if summary.detail else "")
    )
    if log_path is not None:
        typer.echo(f"log: {log_path}")
    if summary.status not in ("ok", "partial"):
        raise typer.Exit(1)
