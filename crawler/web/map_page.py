"""The map of France: establishments named per department and region, each linked to its hits.

Takes the hit-list filters (``/map?since=2025-01-01&severity=critical``), so the map and the
list it leads to always count the same hits. Drawn as inline SVG from :mod:`crawler.web.france`;
nothing is fetched from outside (no tiles, no CDN).
"""

from __future__ import annotations

from dataclasses import replace

from fastapi import APIRouter, Request
from starlette.responses import Response

from crawler.core.severity import REVIEW
from crawler.reports.filters import hit_filters
from crawler.web.auth import PageUser
from crawler.web.context import web_context
from crawler.web.errors import BadRequest
from crawler.web.france import (
    HEIGHT,
    SHADES,
    TILE,
    WIDTH,
    inner_paris_box,
    region_counts,
    tiles,
)
from crawler.web.rendering import render
from db.hits import SEVERITIES
from db.trends import named_by_department

router = APIRouter(include_in_schema=False)
#: Filters the map ignores: it is always about establishments, all departments and regions.
IGNORED = ("kind", "department", "region", "cursor", "format")


@router.get("/map")
def map_page(request: Request, user: PageUser) -> Response:
    """The tile map and the region table for the hits matching the query's filters."""
    params = {key: value for key, value in request.query_params.items() if key not in IGNORED}
    filters = hit_filters(params)
    if filters.severity == REVIEW:
        raise BadRequest("severity: the map counts hits; possible hits have no entity yet")
    filters = replace(filters, kind="establishment")
    with web_context(request).readers.begin() as session:
        counts = named_by_department(session, filters)
    return render(
        request,
        "map.html",
        {
            "tiles": tiles(counts),
            "regions": region_counts(counts),
            "total": sum(counts.values()),
            "params": params,
            "hit_params": {**params, "kind": "establishment"},
            "size": {"width": WIDTH, "height": HEIGHT, "tile": TILE},
            "paris_box": inner_paris_box(),
            "shades": SHADES,
            "severities": SEVERITIES,
        },
        user,
    )
