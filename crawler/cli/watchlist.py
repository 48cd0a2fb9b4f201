"""``leakwatch watchlist``: import the official FINESS extract, inspect the watchlist."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.state import fail, open_database, state_of
from crawler.core.errors import WatchlistError
from crawler.matching.finess_import import read_etalab
from crawler.matching.normalise import normalise_phrase
from crawler.matching.watchlist import entity_to_dict, load_watchlist
from crawler.matching.watchlist_stats import watchlist_stats
from db.engine import make_engine, make_session_factory
from db.watchlist_import import store_entities

app = typer.Typer(help="The watchlist of French health entities.", no_args_is_help=True)


@app.command("import-finess")
def import_finess(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="etalab-cs1100507-stock-*.csv", exists=True)],
) -> None:
    """Import the official FINESS geolocated extract into the database (upsert by FINESS ET)."""
    settings = open_database(ctx)
    skipped: list[int] = []
    engine = make_engine(settings.database_url)
    try:
        report = store_entities(make_session_factory(engine), read_etalab(path, skipped))
    except WatchlistError as exc:
        fail(str(exc))
    finally:
        engine.dispose()
    report = replace(report, skipped=len(skipped))
    typer.echo(
        f"added {report.added}, changed {report.changed}, closed {report.closed}, "
        f"unchanged {report.unchanged}, skipped lines {report.skipped}"
    )


@app.command("stats")
def stats(
    ctx: typer.Context,
    top: Annotated[int, typer.Option(help="How many categories to list.")] = 15,
) -> None:
    """Count the configured watchlist's entities by kind, sector, category, legal entity and
    domain origin."""
    try:
        counts = watchlist_stats(load_watchlist(state_of(ctx).settings))
    except WatchlistError as exc:
        fail(str(exc))
    typer.echo(f"entities: {counts.entities}")
    _counter("by kind", counts.kinds)
    _counter("establishments by sector", counts.sectors)
    _counter(f"establishments by category (top {top})", counts.categories, top)
    typer.echo(
        f"legal entities: {counts.legal_entities} "
        f"(parents of {counts.sites_in_legal_entities} establishments)"
    )
    _counter("legal entities by how they are named", counts.legal_entity_names)
    typer.echo(f"domains: {counts.domains}")
    _counter("domains by origin", counts.domain_origins)
    typer.echo(f"departments: {counts.departments}")
    typer.echo(f"custom entries: {counts.custom}")


def _counter(title: str, counter: Counter[str], top: int | None = None) -> None:
    typer.echo(f"{title}:")
    for name, count in counter.most_common(top):
        typer.echo(f"  {name}: {count}")


@app.command("show")
def show(
    ctx: typer.Context,
    query: Annotated[str, typer.Argument(help="Key, FINESS number or words of the name.")],
) -> None:
    """Print the entities whose key, FINESS number or name matches QUERY, as JSON Lines."""
    try:
        watchlist = load_watchlist(state_of(ctx).settings)
    except WatchlistError as exc:
        fail(str(exc))
    folded = normalise_phrase(query)
    for entity in watchlist.entities:
        names = " | ".join(normalise_phrase(n) for n in [entity.name, *entity.aliases])
        if query in (entity.key, entity.finess_et, entity.finess_ej) or (
            folded and folded in names
        ):
            typer.echo(json.dumps(entity_to_dict(entity), ensure_ascii=False))
