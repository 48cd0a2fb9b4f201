"""Pages of the people behind the posts: ransomware groups and seller handles.

``/actors?year=2025&kind=establishment`` answers "who hit French hospitals this year?" in one
page; ``/actors/group?name=…`` and ``/actors/seller?name=…`` list the French health entities one
of them named, with first and last seen, linked to the filtered hit list.
"""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request
from starlette.responses import Response

from crawler.core.records import ENTITY_KINDS
from crawler.web.auth import PageUser
from crawler.web.charts import weekly_chart
from crawler.web.context import web_context
from crawler.web.errors import BadRequest
from crawler.web.rendering import page_language, render
from db.actors import (
    ACTOR_KINDS,
    ActorFilters,
    ActorKind,
    actor_detail,
    actor_list,
    year_bounds,
)
from db.hits import HitFilters
from db.trends import weekly_hit_counts

router = APIRouter(include_in_schema=False)
#: Years a filter accepts (the web and its data are younger than the first, older than the last).
FIRST_YEAR, LAST_YEAR = 2000, 2100


@router.get("/actors")
def actors_page(request: Request, user: PageUser) -> Response:
    """Ransomware groups and seller handles, the most entities named first, for a year."""
    filters = actor_filters(request.query_params)
    with web_context(request).readers.begin() as session:
        groups = actor_list(session, "group", filters)
        sellers = actor_list(session, "seller", filters)
    return render(
        request,
        "actors.html",
        {
            "groups": groups,
            "sellers": sellers,
            "filters": filters,
            "params": dict(request.query_params),
            "kinds": ENTITY_KINDS,
        },
        user,
    )


@router.get("/actors/{kind}")
def actor_page(request: Request, kind: str, user: PageUser) -> Response:
    """One ransomware group or seller handle (``?name=``, any case) and the entities it named."""
    if kind not in ACTOR_KINDS:
        raise BadRequest(f"actor kind: expected one of {', '.join(ACTOR_KINDS)}")
    actor_kind: ActorKind = "group" if kind == "group" else "seller"
    name = (request.query_params.get("name") or "").strip()
    if not name:
        raise BadRequest("name: required")
    filters = actor_filters(request.query_params)
    with web_context(request).readers.begin() as session:
        detail = actor_detail(session, actor_kind, name, filters)
        counts = weekly_hit_counts(
            session, actor_hit_filters(actor_kind, detail.actor.name, filters)
        )
    hit_params = {"ransomware_group" if kind == "group" else "seller": detail.actor.name}
    if filters.year is not None:
        hit_params |= {"since": f"{filters.year}-01-01", "until": f"{filters.year}-12-31"}
    if filters.kind:
        hit_params["kind"] = filters.kind
    return render(
        request,
        "actor.html",
        {
            "detail": detail,
            "filters": filters,
            "hit_params": hit_params,
            "chart": weekly_chart(counts, page_language(request, user)),
            "params": dict(request.query_params),
            "kinds": ENTITY_KINDS,
        },
        user,
    )


def actor_hit_filters(kind: ActorKind, name: str, filters: ActorFilters) -> HitFilters:
    """The hit-list filters of an actor's hits (the same hits its page counts)."""
    since = until = None
    if filters.year is not None:
        since, until = year_bounds(filters.year)
    return HitFilters(
        ransomware_group=name if kind == "group" else None,
        seller=name if kind == "seller" else None,
        kind=filters.kind,
        since=since,
        until=until,
    )


def actor_filters(params: Mapping[str, str]) -> ActorFilters:
    """``year`` and entity ``kind`` from a query string; raises BadRequest for a bad value."""
    year_text = (params.get("year") or "").strip()
    year = None
    if year_text:
        if not (year_text.isascii() and year_text.isdigit()):
            raise BadRequest(f"year: expected a year between {FIRST_YEAR} and {LAST_YEAR}")
        year = int(year_text)
        if not FIRST_YEAR <= year <= LAST_YEAR:
            raise BadRequest(f"year: expected a year between {FIRST_YEAR} and {LAST_YEAR}")
    kind = (params.get("kind") or "").strip() or None
    if kind is not None and kind not in ENTITY_KINDS:
        raise BadRequest(f"kind: expected one of {', '.join(ENTITY_KINDS)}")
    return ActorFilters(year=year, kind=kind)
