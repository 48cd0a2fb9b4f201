"""``leakwatch entity NAME|FINESS|DOMAIN``: one entity's history (posts naming it, claims over
time), found by :mod:`db.entity_lookup` among the stored entities and the watchlist."""

from __future__ import annotations

import typer

from crawler.cli.output import FORMAT_HELP, check_format, print_document, print_rows, print_table
from crawler.cli.state import database_session, entity_lookup, fail, state_of
from crawler.matching.normalise import normalise_phrase
from db.entities import (
    TIMELINE_COLUMNS,
    entity_claims,
    entity_summary,
    entity_timeline,
)
from db.entity_lookup import FoundEntity

TIMELINE_TABLE = ("first_seen", "source_name", "title", "author", "sale_score", "matched")
CLAIM_TABLE = ("created_at", "post_id", "records", "data_types", "price", "currency", "seller")
FACTS = (
    "name", "kind", "finess_et", "finess_ej", "city", "department", "region", "first_seen",
    "last_seen", "post_count", "hit_count", "incident_count", "sources",
)  # fmt: skip
WATCHED_FACTS = ("name", "kind", "key", "finess_et", "finess_ej", "city", "department", "region")
#: Candidates listed when the text designates several entities.
MAX_CANDIDATES = 20


def entity(
    ctx: typer.Context,
    name: str = typer.Argument(
        ..., help="Name or words of it (any case and accents), alias, FINESS ET/EJ or domain."
    ),
    limit: int = typer.Option(50, min=1, max=500, help="Posts of the timeline to show."),
    fmt: str = typer.Option("table", "--format", "-f", help=FORMAT_HELP),
) -> None:
    """Every post naming the entity (newest first), when it was first seen, claims over time.

    An entity of the watchlist that no post named yet is shown as such. Exit code 1 when no
    entity matches or several do (they are listed).
    """
    check_format(fmt)
    lookup = entity_lookup(ctx)
    with database_session(ctx) as session:
        candidates = lookup.find(session, name, limit=MAX_CANDIDATES)
        chosen = pick_entity(candidates, name)
        if chosen is None:
            _list_candidates(candidates)
            fail(f"no single entity matches {name!r}", code=1)
            return
        if chosen.id is None:
            _print_watched(chosen, fmt)
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
        zone = state_of(ctx).settings.display_zone
        facts = [{"fact": key, "value": summary[key]} for key in FACTS]
        print_table(facts, ("fact", "value"), zone=zone)
        print_table(timeline, TIMELINE_TABLE, f"{len(timeline)} post(s), newest first", zone)
        print_table(claims, CLAIM_TABLE, "claims over time", zone)


def pick_entity(candidates: list[FoundEntity], name: str) -> FoundEntity | None:
    """The one candidate meant by ``name``: the one whose FINESS number, key, name or alias it
    is (folded), else the only candidate; among several, the only one with a history."""
    if len(candidates) == 1:
        return candidates[0]
    folded = normalise_phrase(name)
    code = name.strip().upper()
    exact = [
        candidate
        for candidate in candidates
        if code in ((candidate.finess_et or ""), (candidate.finess_ej or ""), candidate.key.upper())
        or folded in {normalise_phrase(n) for n in (candidate.name, *candidate.aliases)}
    ]
    for group in (exact, [] if exact else candidates):
        if len(group) == 1:
            return group[0]
        stored = [candidate for candidate in group if candidate.id is not None]
        if len(stored) == 1:
            return stored[0]
    return None


def _list_candidates(candidates: list[FoundEntity]) -> None:
    if not candidates:
        return
    rows = [
        {
            "id": c.id or "",
            "name": c.name,
            "kind": c.kind,
            "finess": c.finess_et or c.finess_ej,
            "city": c.city,
            "history": "yes" if c.id is not None else "no post yet",
        }
        for c in candidates
    ]
    title = "several entities match: give a FINESS number or the full name"
    print_table(rows, ("id", "name", "kind", "finess", "city", "history"), title=title)


def _print_watched(found: FoundEntity, fmt: str) -> None:
    facts = {key: getattr(found, key) for key in WATCHED_FACTS}
    if fmt == "json":
        print_document({"entity": {**facts, "post_count": 0}, "timeline": [], "claims": []})
    elif fmt in ("csv", "jsonl"):
        print_rows([], TIMELINE_COLUMNS, fmt)
    else:
        print_table(
            [{"fact": key, "value": value} for key, value in facts.items()], ("fact", "value")
        )
        typer.echo("watched, but no post names it yet")
