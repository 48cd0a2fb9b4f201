"""``leakwatch watchlist``: import the official FINESS extract, inspect the watchlist."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import replace
from pathlib import Path
from typing import Annotated

import typer

from crawler.cli.state import fail, state_of
from crawler.core.errors import WatchlistError
from crawler.matching.finess_import import read_etalab
from crawler.matching.normalise import normalise_phrase
from crawler.matching.watchlist import entity_to_dict, load_watchlist
from db.engine import make_engine, make_session_factory
from db.watchlist_import import store_entities

app = typer.Typer(help="The watchlist of French health entities.", no_args_is_help=True)


@app.command("import-finess")
def import_finess(
    ctx: typer.Context,
    path: Annotated[Path, typer.Argument(help="etalab-cs1100507-stock-*.csv", exists=True)],
) -> None:
    """Import the official FINESS geolocated extract into the database (upsert by FINESS ET)."""
    settings = state_of(ctx).settings
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
def stats(ctx: typer.Context) -> None:
    """Count the configured watchlist's entities by kind and by department."""
    try:
        watchlist = load_watchlist(state_of(ctx).settings)
    except WatchlistError as exc:
        fail(str(exc))
    kinds = Counter(entity.kind for entity in watchlist.entities)
    typer.echo(f"entities: {len(watchlist.entities)}")
    for kind, count in kinds.most_common():
        typer.echo(f"  {kind}: {count}")
    departments = Counter(e.department for e in watchlist.entities if e.department)
    typer.echo(f"departments: {len(departments)}")


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
