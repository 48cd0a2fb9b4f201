"""The JSON API under ``/api``: the same queries as the pages, for scripts.

Authentication is an API token (``Authorization: Bearer lw_…``, from ``leakwatch users token``)
or a logged-in session cookie. Lists are paginated by cursor: pass ``next_cursor`` back as
``cursor`` until it is null. The OpenAPI document is ``/api/openapi.json`` (login needed too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse

from crawler.reports.filters import hit_filters, incident_filters
from crawler.reports.misp import misp_event, stix_bundle
from crawler.web.auth import ApiUser, api_user
from crawler.web.context import web_context
from crawler.web.pages import RowId
from db.entities import (
    ClaimRow,
    EntitySummary,
    TimelineEntry,
    entity_claims,
    entity_summary,
    entity_timeline,
)
from db.hits import HitRow, hit_by_id, hit_list
from db.incidents import (
    IncidentDetail,
    IncidentRow,
    SourceHealthRow,
    incident_detail,
    incident_list,
    source_health,
)
from db.pagination import DEFAULT_LIMIT, MAX_ID, MAX_LIMIT, Page


class ErrorOut(BaseModel):
    """An error: what was wrong with the request."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A parameter cannot be used"},
    401: {"model": ErrorOut, "description": "No valid API token or session"},
    404: {"model": ErrorOut, "description": "No such row"},
}
router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(api_user)], responses=ERRORS)

#: A date (YYYY-MM-DD) or an ISO 8601 date-time (UTC when it has no zone).
When = Annotated[date | datetime, Field(union_mode="left_to_right")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")]
Cursor = Annotated[
    str | None, Query(max_length=200, description="`next_cursor` of the previous page")
]


class HitQuery(BaseModel):
    """Filters of the hit list (every one optional; dates are YYYY-MM-DD or ISO 8601)."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(None, max_length=200, description="Full-text search (all words)")
    entity: str | None = Field(None, max_length=200, description="FINESS number or name part")
    kind: Literal["establishment", "group", "vendor", "insurer", "lab", "other"] | None = None
    group: str | None = Field(None, max_length=200)
    vendor: str | None = Field(None, max_length=200)
    department: str | None = Field(None, max_length=3)
    region: str | None = Field(None, max_length=64)
    source: str | None = Field(None, max_length=64)
    source_kind: Literal["forum", "telegram", "paste", "leaksite", "feed"] | None = None
    since: When | None = Field(None, description="Detected at or after")
    until: When | None = Field(None, description="Detected before (a date: that day included)")
    sale_only: bool = False
    min_score: float | None = Field(None, ge=0, le=1)
    status: Literal["new", "confirmed", "false_positive", "handled"] | None = None
    severity: Literal["low", "medium", "high", "critical"] | None = None
    incident: int | None = Field(None, ge=1, le=MAX_ID, description="Hits of this incident")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class IncidentQuery(BaseModel):
    """Filters of the incident list."""

    model_config = ConfigDict(extra="forbid")

    entity: str | None = Field(None, max_length=200, description="FINESS number or name part")
    severity: Literal["low", "medium", "high", "critical"] | None = None
    status: Literal["new", "confirmed", "false_positive", "handled"] | None = None
    since: When | None = Field(None, description="Active at or after")
    until: When | None = Field(None, description="Started before (a date: that day included)")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


@dataclass(frozen=True)
class EntityDetail:
    """An entity, one page of its timeline and its claims over time (oldest first)."""

    entity: EntitySummary
    timeline: Page[TimelineEntry]
    claims: list[ClaimRow]


@router.get("/hits", response_model=Page[HitRow])
def api_hits(request: Request, query: Annotated[HitQuery, Query()]) -> Page[HitRow]:
    """Hits matching the filters, newest first."""
    filters = hit_filters(_as_params(query))
    with web_context(request).readers.begin() as session:
        return hit_list(session, filters, query.cursor, query.limit)


@router.get("/hits/{hit_id}", response_model=HitRow)
def api_hit(request: Request, hit_id: RowId) -> HitRow:
    """One hit."""
    with web_context(request).readers.begin() as session:
        return hit_by_id(session, hit_id)


@router.get("/entities/{entity_id}", response_model=EntityDetail)
def api_entity(
    request: Request, entity_id: RowId, cursor: Cursor = None, limit: Limit = DEFAULT_LIMIT
) -> EntityDetail:
    """An entity: summary, posts naming it (newest first, paginated), claims over time."""
    with web_context(request).readers.begin() as session:
        summary = entity_summary(session, entity_id)
        timeline = entity_timeline(session, entity_id, cursor, limit)
        return EntityDetail(summary, timeline, entity_claims(session, entity_id))


@router.get("/incidents", response_model=Page[IncidentRow])
def api_incidents(request: Request, query: Annotated[IncidentQuery, Query()]) -> Page[IncidentRow]:
    """Incidents (one entity's hits across sources), most recently active first."""
    filters = incident_filters(_as_params(query))
    with web_context(request).readers.begin() as session:
        return incident_list(session, filters, query.cursor, query.limit)


@router.get("/incidents/{incident_id}", response_model=IncidentDetail)
def api_incident(request: Request, incident_id: RowId) -> IncidentDetail:
    """One incident with its hits and the claims of their posts (by post id)."""
    with web_context(request).readers.begin() as session:
        return incident_detail(session, incident_id)


@router.get("/incidents/{incident_id}/misp", response_model=dict[str, Any])
def api_incident_misp(request: Request, incident_id: RowId) -> dict[str, Any]:
    """The incident as a MISP event in the MISP core JSON format."""
    with web_context(request).readers.begin() as session:
        return misp_event(incident_detail(session, incident_id))


@router.get("/incidents/{incident_id}/stix", response_model=dict[str, Any])
def api_incident_stix(request: Request, incident_id: RowId) -> dict[str, Any]:
    """The incident as a STIX 2.1 bundle."""
    with web_context(request).readers.begin() as session:
        return stix_bundle(incident_detail(session, incident_id))


@router.get("/sources", response_model=Page[SourceHealthRow])
def api_sources(request: Request) -> Page[SourceHealthRow]:
    """Every source with its health and recent runs (one page: there are few sources)."""
    with web_context(request).readers.begin() as session:
        return Page(source_health(session), None)


def openapi_route(request: Request, user: ApiUser) -> JSONResponse:
    """The OpenAPI document of the API (registered by the app, behind the same auth)."""
    return JSONResponse(request.app.openapi())


def _as_params(query: BaseModel) -> dict[str, str]:
    values = query.model_dump(exclude_none=True, exclude={"cursor", "limit"})
    return {
        key: value.isoformat() if isinstance(value, date) else str(value)
        for key, value in values.items()
    }
