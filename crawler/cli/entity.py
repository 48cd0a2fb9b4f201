"""``leakwatch entity NAME|FINESS``: one entity's history (posts naming it, claims over time)."""

from __future__ import annotations

import typer

from crawler.cli.output import check_format, print_document, print_rows, print_table
from crawler.cli.state import database_session, fail
from db.entities import (
    TIMELINE_COLUMNS,
    entity_claims,
    entity_summary,
    entity_timeline,
    find_entities,
)
from db.models import Entity

TIMELINE_TABLE = ("first_seen", "source_name", "title", "author", "sale_score", "matched")
CLAIM_TABLE = ("created_at", "post_id", "records", "data_types", "price", "currency", "seller")
FACTS = (
    "name", "kind", "finess_et", "finess_ej", "city", "department", "region", "first_seen",
    "last_seen", "post_count", "hit_count", "incident_count", "sources",
)  # fmt: skip


def entity(
    ctx: typer.Context,
    name: str = typer.Argument(..., help="FINESS number (ET or EJ), full name or part of it."),
    limit: int = typer.Option(50, min=1, max=500, help="Posts of the timeline to show."),
    fmt: str = typer.Option("table", "--format", "-f", help="table, csv, json or jsonl."),
) -> None:
    """Every post naming the entity (newest first), when it was first seen, claims over time.

    Exit code 1 when no entity matches or several do (they are listed).
    """
    check_format(fmt)
    with database_session(ctx) as session:
        candidates = find_entities(session, name)
        chosen = pick_entity(candidates, name)
        if chosen is None:
            if candidates:
                print_table(
                    [
                        {
                            "id": e.id,
                            "name": e.name,
                            "kind": e.kind,
                            "finess": e.finess_et,
                            "city": e.city,
                        }
                        for e in candidates
                    ],  # fmt: skip
                    ("id", "name", "kind", "finess", "city"),
                    title="several entities match: give a FINESS number or the full name",
                )
            fail(f"no single entity matches {name!r}", code=1)
            return
        summary = entity_summary(session, chosen.id).as_dict()
        page = entity_timeline(session, chosen.id, None, limit)
        timeline = [entry.as_dict() for entry in page.items]
        claims = [claim.as_dict() for claim in entity_claims(session, chosen.id)]
    if fmt == "json":
        print_document({"entity": summary, "timeline": timeline, "claims": claims})
    elif fmt in ("csv", "jsonl"):
        print_rows(timeline, TIMELINE_COLUMNS, fmt)
    else:
        print_table([{"fact": key, "value": summary[key]} for key in FACTS], ("fact", "value"))
        print_table(timeline, TIMELINE_TABLE, title=f"{len(timeline)} post(s), newest first")
        print_table(claims, CLAIM_TABLE, title="claims over time")


def pick_entity(candidates: list[Entity], name: str) -> Entity | None:
    """The one candidate meant by ``name``: the only one, or the exact FINESS or name match."""
    if len(candidates) == 1:
        return candidates[0]
    wanted = name.strip().casefold()
    exact = [
        entity
        for entity in candidates
        if wanted in (entity.name.casefold(), (entity.finess_et or "").casefold(),
                      (entity.finess_ej or "").casefold())
    ]  # fmt: skip
    return exact[0] if len(exact) == 1 else None
