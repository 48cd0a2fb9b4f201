"""HTML pages of the possible hits: the list, one possible hit with its candidates, and the
analyst's two answers (resolve to a candidate, dismiss). Every page needs a login; answers need
an analyst and the form's CSRF token.

The list takes the hit list's filters (``/hits?severity=review`` redirects here) and answers
``?format=csv|json|jsonl`` with the whole filtered list.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from starlette.responses import RedirectResponse, Response

from alerts.review import resolve_and_alert
from crawler.reports.filters import hit_filters
from crawler.web.auth import Analyst, PageUser, check_csrf
from crawler.web.context import web_context
from crawler.web.downloads import EXPORT_MAX_ROWS, csv_dialect, export_response
from crawler.web.errors import BadRequest
from crawler.web.pages import CHOICES, RowId, export_format
from crawler.web.rendering import render
from db.entities import claims_by_post
from db.pagination import MAX_ID
from db.possible_hits import (
    POSSIBLE_HIT_COLUMNS,
    iter_possible_hits,
    possible_hit_by_id,
    possible_hit_list,
)
from db.repository import sources_query
from db.review import DISMISS_SCOPES, DismissScope, dismiss_possible_hit

router = APIRouter(include_in_schema=False)


@router.get("/possible-hits")
def possible_hits_page(request: Request, user: PageUser) -> Response:
    """Possible hits, newest first, with the hit filters; or their export."""
    params = request.query_params
    filters = hit_filters(params)
    context = web_context(request)
    fmt = export_format(params.get("format"))
    if fmt:
        return export_response(
            context.readers,
            lambda session: (
                row.as_dict() for row in iter_possible_hits(session, filters, EXPORT_MAX_ROWS)
            ),
            POSSIBLE_HIT_COLUMNS,
            fmt,
            "possible-hits",
            csv_dialect(params),
        )
    with context.readers.begin() as session:
        page = possible_hit_list(session, filters, params.get("cursor"))
        sources = [source.name for source in session.execute(sources_query()).scalars()]
    shown = {key: value for key, value in params.items() if key != "severity"}
    return render(
        request,
        "possible_hits.html",
        {
            "page": page,
            "params": shown,
            "filtered": any(value for key, value in shown.items() if key not in ("q", "cursor")),
            "sources": sources,
            **CHOICES,
        },
        user,
    )


@router.get("/possible-hits/{possible_id}")
def possible_hit_page(request: Request, possible_id: RowId, user: PageUser) -> Response:
    """One possible hit: the post, the name, its candidates; the analyst's answer forms."""
    with web_context(request).readers.begin() as session:
        row = possible_hit_by_id(session, possible_id)
        claims = claims_by_post(session, [row.post_id]).get(row.post_id, [])
    return render(
        request,
        "possible_hit.html",
        {
            "possible": row,
            "claims": claims,
            "saved": request.query_params.get("saved") == "1",
            "scopes": DISMISS_SCOPES,
        },
        user,
    )


@router.post("/possible-hits/{possible_id}/resolve")
def resolve(
    request: Request,
    possible_id: RowId,
    user: Analyst,
    entity_id: Annotated[int, Form(ge=1, le=MAX_ID)],
    csrf_token: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    add_alias: Annotated[str, Form()] = "",
    alias: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Analysts only: tie the possible hit to one candidate (it becomes that entity's hit, with
    its alerts), optionally giving the entity ``alias``; then show the hit."""
    check_csrf(request, csrf_token)
    context = web_context(request)
    with context.writers.begin() as session:
        resolution = resolve_and_alert(
            session,
            context.settings,
            possible_id,
            entity_id,
            user.username,
            note,
            alias if add_alias else None,
        )
    return RedirectResponse(f"/hits/{resolution.hit_id}?saved=1", status_code=303)


@router.post("/possible-hits/{possible_id}/dismiss")
def dismiss(
    request: Request,
    possible_id: RowId,
    user: Analyst,
    csrf_token: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    exclude: Annotated[str, Form()] = "",
    phrase: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Analysts only: mark the possible hit a false positive; optionally exclude its candidates
    with a phrase (everywhere, or on this post's source)."""
    check_csrf(request, csrf_token)
    scope: DismissScope | None = None
    if exclude:
        if exclude not in DISMISS_SCOPES:
            raise BadRequest(f"exclude: expected one of {', '.join(DISMISS_SCOPES)}")
        scope = exclude
    with web_context(request).writers.begin() as session:
        dismiss_possible_hit(session, possible_id, user.username, note, scope, phrase or None)
    return RedirectResponse(f"/possible-hits/{possible_id}?saved=1", status_code=303)
