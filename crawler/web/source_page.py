"""One source's page: its health and schedule now, and its runs and health over time (chart)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from crawler.web.auth import PageUser
from crawler.web.charts import runs_chart
from crawler.web.context import web_context
from crawler.web.rendering import page_language, render
from db.errors import NotFound
from db.incidents import source_health
from db.pagination import MAX_ID
from db.trends import source_runs

router = APIRouter(include_in_schema=False)


@router.get("/sources/{source_id}")
def source_page(
    request: Request, source_id: Annotated[int, Path(ge=1, le=MAX_ID)], user: PageUser
) -> Response:
    """A source's health, its recent runs as a chart (items read, status, health left) and as a
    table; raises NotFound for an unknown source."""
    with web_context(request).readers.begin() as session:
        found = [row for row in source_health(session) if row.id == source_id]
        if not found:
            raise NotFound(f"no source {source_id}")
        runs = source_runs(session, source_id)
    chart = runs_chart(runs, page_language(request, user))
    return render(
        request, "source.html", {"source": found[0], "runs": runs[::-1], "chart": chart}, user
    )
