"""A hit's evidence screenshot, served to logged-in users through the hit it belongs to.

The file is found from the evidence row, never from the request (no path in a URL), read only
inside ``<data_dir>/evidence`` and only while its sha256 matches the one recorded at capture
(:func:`crawler.reports.evidence.read_screenshot`).
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request
from starlette.responses import Response

from crawler.reports.evidence import read_screenshot
from crawler.web.auth import PageUser
from crawler.web.context import web_context
from db.errors import NotFound
from db.evidence import evidence_of_post
from db.hits import hit_by_id
from db.pagination import MAX_ID

router = APIRouter(include_in_schema=False)
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]


@router.get("/hits/{hit_id}/evidence/{evidence_id}.png")
def evidence_screenshot(
    request: Request, hit_id: RowId, evidence_id: RowId, user: PageUser
) -> Response:
    """The PNG screenshot of evidence ``evidence_id`` of the hit's post; NotFound when the
    hit, the evidence (of that post) or a readable, unchanged screenshot is missing."""
    context = web_context(request)
    with context.readers.begin() as session:
        hit = hit_by_id(session, hit_id)
        rows = [row for row in evidence_of_post(session, hit.post_id) if row.id == evidence_id]
        content = read_screenshot(context.settings.data_dir, rows[0]) if rows else None
    if content is None:
        raise NotFound(f"no screenshot {evidence_id} for hit {hit_id}")
    return Response(
        content,
        media_type="image/png",
        headers={"Content-Disposition": f'inline; filename="leakwatch-evidence-{evidence_id}.png"'},
    )
