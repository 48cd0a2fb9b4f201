"""HTML pages: hit list, hit (with triage), entities, incidents, sources. Every page needs a login.

Each list page also answers ``?format=csv|json|jsonl`` with the whole filtered list (up to
``EXPORT_MAX_ROWS``), so whatever is on screen can be exported.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Path, Request
from starlette.responses import RedirectResponse, Response

from crawler.core.records import ENTITY_KINDS
from crawler.core.severity import REVIEW
from crawler.core.triage import TRIAGE_STATUSES
from crawler.reports.evidence import evidence_records
from crawler.reports.filters import HIT_SEVERITIES, SOURCE_KINDS, hit_filters, incident_filters
from crawler.reports.misp import misp_event_with_evidence, stix_bundle
from crawler.web.auth import Analyst, PageUser, check_csrf
from crawler.web.charts import weekly_chart
from crawler.web.context import web_context
from crawler.web.downloads import (
    EXPORT_MAX_ROWS,
    FORMATS,
    csv_dialect,
    export_response,
    json_download,
)
from crawler.web.errors import BadRequest
from crawler.web.rendering import link, page_language, render
from db.entities import (
    TIMELINE_COLUMNS,
    claims_by_post,
    entity_claims,
    entity_summary,
    entity_timeline,
)
from db.entity_lookup import FoundEntity
from db.hits import (
    HIT_COLUMNS,
    SEVERITIES,
    HitFilters,
    hit_by_id,
    hit_list,
    iter_hits,
)
from db.incidents import (
    INCIDENT_COLUMNS,
    SOURCE_COLUMNS,
    incident_detail,
    incident_list,
    source_health,
)
from db.pagination import MAX_ID, walk_pages
from db.repository import sources_query
from db.trends import weekly_hit_counts
from db.triage import EXCLUSION_SCOPES, ExclusionScope, entity_exclusions, triage_hit

router = APIRouter(include_in_schema=False)
#: A row id in a URL path (ids are 32-bit on PostgreSQL: larger ones are refused up front).
RowId = Annotated[int, Path(ge=1, le=MAX_ID)]
#: Most entities an entity search lists.
MAX_FOUND = 100
CHOICES = {
    "kinds": ENTITY_KINDS,
    "severities": SEVERITIES,
    "hit_severities": HIT_SEVERITIES,
    "statuses": TRIAGE_STATUSES,
    "source_kinds": SOURCE_KINDS,
}


@router.get("/")
def home(user: PageUser) -> Response:
    """The hit list is the home page."""
    return RedirectResponse("/hits", status_code=303)


@router.get("/hits")
def hits_page(request: Request, user: PageUser) -> Response:
    """Hits, newest first, with filters and full-text search; or their export."""
    params = request.query_params
    filters = hit_filters(params)
    if filters.severity == REVIEW:  # possible hits have their own list, with the same filters
        return RedirectResponse(link("/possible-hits", params, severity=None), status_code=303)
    context = web_context(request)
    fmt = export_format(params.get("format"))
    if fmt:
        return export_response(
            context.readers,
            lambda session: (row.as_dict() for row in iter_hits(session, filters, EXPORT_MAX_ROWS)),
            HIT_COLUMNS,
            fmt,
            "hits",
            csv_dialect(params),
        )
    with context.readers.begin() as session:
        page = hit_list(session, filters, params.get("cursor"))
        sources = [source.name for source in session.execute(sources_query()).scalars()]
        counts = weekly_hit_counts(session, filters)
    return render(
        request,
        "hits.html",
        {
            "page": page,
            "params": dict(params),
            "filtered": any(value for key, value in params.items() if key not in ("q", "cursor")),
            "sources": sources,
            "chart": weekly_chart(counts, page_language(request, user)),
            **CHOICES,
        },
        user,
    )


@router.get("/hits/{hit_id}")
def hit_page(request: Request, hit_id: RowId, user: PageUser) -> Response:
    """One hit: the post, the match, its claims, its triage (a form for analysts)."""
    with web_context(request).readers.begin() as session:
        hit = hit_by_id(session, hit_id)
        claims = claims_by_post(session, [hit.post_id]).get(hit.post_id, [])
        exclusions = entity_exclusions(session, hit.entity_id)
        evidence = evidence_records(session, web_context(request).settings.data_dir, [hit.post_id])
    return render(
        request,
        "hit.html",
        {
            "hit": hit,
            "claims": claims,
            "exclusions": exclusions,
            "evidence": evidence,
            "saved": request.query_params.get("saved") == "1",
            "scopes": EXCLUSION_SCOPES,
            **CHOICES,
        },
        user,
    )


@router.post("/hits/{hit_id}/triage")
def triage(
    request: Request,
    hit_id: RowId,
    user: Analyst,
    status: Annotated[str, Form()],
    csrf_token: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    exclude: Annotated[str, Form()] = "",
    phrase: Annotated[str, Form()] = "",
) -> Response:
    """Analysts only: set the hit's status and note; a false positive may add an exclusion."""
    check_csrf(request, csrf_token)
    scope: ExclusionScope | None = None
    if exclude:
        if exclude not in EXCLUSION_SCOPES:
            raise BadRequest(f"exclude: expected one of {', '.join(EXCLUSION_SCOPES)}")
        scope = exclude
    with web_context(request).writers.begin() as session:
        triage_hit(session, hit_id, status, note, user.username, scope, phrase or None)
    return RedirectResponse(f"/hits/{hit_id}?saved=1", status_code=303)


@router.get("/entities")
def entities_page(request: Request, user: PageUser) -> Response:
    """Entities the query designates (:mod:`db.entity_lookup`): stored ones, then watched ones
    no post named yet."""
    query = (request.query_params.get("q") or "").strip()
    entities: list[FoundEntity] = []
    if query:
        context = web_context(request)
        with context.readers.begin() as session:
            entities = context.entities.find(session, query, limit=MAX_FOUND)
    return render(request, "entities.html", {"q": query, "entities": entities}, user)


@router.get("/entities/{entity_id}")
def entity_page(request: Request, entity_id: RowId, user: PageUser) -> Response:
    """An entity's history: summary, posts naming it (timeline), claims over time."""
    params = request.query_params
    context = web_context(request)
    fmt = export_format(params.get("format"))
    if fmt:
        return export_response(
            context.readers,
            lambda session: (
                entry.as_dict()
                for entry in walk_pages(
                    lambda cursor, limit: entity_timeline(session, entity_id, cursor, limit),
                    EXPORT_MAX_ROWS,
                )
            ),
            TIMELINE_COLUMNS,
            fmt,
            f"entity-{entity_id}",
            csv_dialect(params),
        )
    with context.readers.begin() as session:
        summary = entity_summary(session, entity_id)
        timeline = entity_timeline(session, entity_id, params.get("cursor"))
        claims = entity_claims(session, entity_id)
        exclusions = entity_exclusions(session, entity_id)
        counts = weekly_hit_counts(session, HitFilters(entity_id=entity_id))
    return render(
        request,
        "entity.html",
        {
            "entity": summary,
            "timeline": timeline,
            "claims": claims,
            "exclusions": exclusions,
            "params": dict(params),
            "chart": weekly_chart(counts, page_language(request, user)),
        },
        user,
    )


@router.get("/incidents")
def incidents_page(request: Request, user: PageUser) -> Response:
    """Incidents, most recently active first; or their export."""
    params = request.query_params
    filters = incident_filters(params)
    context = web_context(request)
    fmt = export_format(params.get("format"))
    if fmt:
        return export_response(
            context.readers,
            lambda session: (
                row.as_dict()
                for row in walk_pages(
                    lambda cursor, limit: incident_list(session, filters, cursor, limit),
                    EXPORT_MAX_ROWS,
                )
            ),
            INCIDENT_COLUMNS,
            fmt,
            "incidents",
            csv_dialect(params),
        )
    with context.readers.begin() as session:
        page = incident_list(session, filters, params.get("cursor"))
    context_values = {"page": page, "params": dict(params), **CHOICES}
    return render(request, "incidents.html", context_values, user)


@router.get("/incidents/{incident_id}")
def incident_page(request: Request, incident_id: RowId, user: PageUser) -> Response:
    """One incident: its entity, its hits across sources, their claims, MISP/STIX exports."""
    with web_context(request).readers.begin() as session:
        detail = incident_detail(session, incident_id)
    return render(request, "incident.html", {"detail": detail}, user)


@router.get("/incidents/{incident_id}/misp.json")
def incident_misp(request: Request, incident_id: RowId, user: PageUser) -> Response:
    """The incident as a MISP event (MISP core JSON format)."""
    context = web_context(request)
    with context.readers.begin() as session:
        detail = incident_detail(session, incident_id)
        event = misp_event_with_evidence(session, context.settings.data_dir, detail)
    return json_download(event, f"leakwatch-incident-{incident_id}.misp.json")


@router.get("/incidents/{incident_id}/stix.json")
def incident_stix(request: Request, incident_id: RowId, user: PageUser) -> Response:
    """The incident as a STIX 2.1 bundle."""
    with web_context(request).readers.begin() as session:
        detail = incident_detail(session, incident_id)
    return json_download(stix_bundle(detail), f"leakwatch-incident-{incident_id}.stix.json")


@router.get("/sources")
def sources_page(request: Request, user: PageUser) -> Response:
    """Every source's health, schedule state, last runs and recent hits; or their export."""
    context = web_context(request)
    fmt = export_format(request.query_params.get("format"))
    if fmt:
        return export_response(
            context.readers,
            lambda session: (row.as_dict() for row in source_health(session)),
            SOURCE_COLUMNS,
            fmt,
            "sources",
            csv_dialect(request.query_params),
        )
    with context.readers.begin() as session:
        sources = source_health(session)
    return render(request, "sources.html", {"sources": sources}, user)


def export_format(value: str | None) -> str | None:
    """The export format a ``format`` parameter asks for (None: the HTML page).

    Raises BadRequest for an unknown format.
    """
    if not value or value == "html":
        return None
    if value not in FORMATS:
        raise BadRequest(f"format: expected html or one of {', '.join(FORMATS)}")
    return value
