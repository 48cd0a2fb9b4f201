"""The JSON API under ``/api``: the same queries as the pages, for scripts.

Authentication is an API token (``Authorization: Bearer lw_…``, from ``leakwatch users token``)
or a logged-in session cookie. Everything is read-only except triaging hits and resolving and
dismissing possible hits, which need an analyst (and, with a session cookie, its CSRF token in
``X-CSRF-Token``), as the pages' forms do.
Lists are paginated by cursor: pass ``next_cursor`` back as ``cursor`` until it is null. The
OpenAPI document is ``/api/openapi.json`` (login needed too).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from pydantic import BaseModel, ConfigDict, Field
from starlette.responses import JSONResponse

from alerts.review import resolve_and_alert
from crawler.core.records import EntityKind
from crawler.reports.filters import hit_filters, incident_filters
from crawler.reports.misp import misp_event_with_evidence, stix_bundle
from crawler.web.auth import ApiAnalyst, ApiUser, api_user
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
from db.entity_lookup import FoundEntity
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
from db.possible_hits import PossibleHitRow, possible_hit_by_id, possible_hit_list
from db.review import dismiss_possible_hit
from db.triage import triage_hit


class ErrorOut(BaseModel):
    """An error: what was wrong with the request."""

    detail: str


ERRORS: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "A parameter cannot be used"},
    401: {"model": ErrorOut, "description": "No valid API token or session"},
    404: {"model": ErrorOut, "description": "No such row"},
}
CONFLICT: dict[str, Any] = {"model": ErrorOut, "description": "Already resolved or dismissed"}
router = APIRouter(prefix="/api", tags=["api"], dependencies=[Depends(api_user)], responses=ERRORS)

#: A date (YYYY-MM-DD) or an ISO 8601 date-time (UTC when it has no zone).
When = Annotated[date | datetime, Field(union_mode="left_to_right")]
Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Rows per page")]
Cursor = Annotated[
    str | None, Query(max_length=200, description="`next_cursor` of the previous page")
]


class ListQuery(BaseModel):
    """Filters of the hit and possible-hit lists (every one optional; dates are YYYY-MM-DD or
    ISO 8601)."""

    model_config = ConfigDict(extra="forbid")

    q: str | None = Field(None, max_length=200, description="Full-text search (all words)")
    entity: str | None = Field(
        None,
        max_length=200,
        description="Name words or alias (any case or accents), FINESS, domain",
    )
    kind: EntityKind | None = None
    group: str | None = Field(None, max_length=200, description="Health group")
    ransomware_group: str | None = Field(
        None, max_length=200, description="Ransomware group that listed the victim (any case)"
    )
    seller: str | None = Field(
        None, max_length=200, description="Seller handle a version of the post claims (any case)"
    )
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
    incident: int | None = Field(None, ge=1, le=MAX_ID, description="Hits of this incident")
    cursor: str | None = Field(None, max_length=200)
    limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT)


class HitQuery(ListQuery):
    """Filters of the hit list."""

    severity: Literal["low", "medium", "high", "critical"] | None = None


class TriageIn(BaseModel):
    """An analyst's triage of a hit, as the hit page's form sends it."""

    model_config = ConfigDict(extra="forbid")

    status: Literal["new", "confirmed", "false_positive", "handled"]
    note: str | None = Field(None, max_length=2000)
    exclude: Literal["phrase", "source", "entity"] | None = Field(
        None,
        description="False positives only: exclude this entity whenever the phrase appears "
        "(`phrase`), on this source (`source`), or everywhere (`entity`)",
    )
    phrase: str | None = Field(None, max_length=200, description="Default: the words that matched")


class ResolveIn(BaseModel):
    """An analyst's resolution of a possible hit: the candidate the post names."""

    model_config = ConfigDict(extra="forbid")

    entity_id: int = Field(ge=1, le=MAX_ID, description="One of the possible hit's candidates")
    note: str | None = Field(None, max_length=2000)
    alias: str | None = Field(
        None,
        max_length=200,
        pattern=r"[0-9A-Za-z].*[0-9A-Za-z]",
        description="Also give the entity this alias (the matcher reads it from the next crawl)",
    )


class ResolveOut(BaseModel):
    """The hit the possible hit became (``new``: false when it already existed)."""

    hit: HitRow
    new: bool
    alias_added: bool


class DismissIn(BaseModel):
    """An analyst's dismissal of a possible hit, optionally excluding its candidates."""

    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(None, max_length=2000)
    exclude: Literal["phrase", "phrase_on_source"] | None = Field(
        None, description="Exclude every candidate with the phrase, everywhere or on this source"
    )
    phrase: str | None = Field(
        None, max_length=200, description="Default: the name as written in the post"
    )


class DismissOut(BaseModel):
    """The dismissed possible hit and how many exclusions were added."""

    possible_hit: PossibleHitRow
    exclusions: int


class IncidentQuery(BaseModel):
    """Filters of the incident list."""

    model_config = ConfigDict(extra="forbid")

    entity: str | None = Field(
        None,
        max_length=200,
        description="Name words or alias (any case or accents), FINESS, domain",
    )
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


@router.post(
    "/hits/{hit_id}/triage",
    response_model=HitRow,
    responses={403: {"model": ErrorOut, "description": "Not an analyst"}},
)
def api_triage(request: Request, hit_id: RowId, body: TriageIn, user: ApiAnalyst) -> HitRow:
    """Analysts: set a hit's triage status and note (its incident's status follows); a false
    positive may add an exclusion, as on the hit page."""
    context = web_context(request)
    with context.writers.begin() as session:
        triage_hit(
            session, hit_id, body.status, body.note, user.username, body.exclude, body.phrase
        )
    with context.readers.begin() as session:
        return hit_by_id(session, hit_id)


@router.get("/possible-hits", response_model=Page[PossibleHitRow])
def api_possible_hits(
    request: Request, query: Annotated[ListQuery, Query()]
) -> Page[PossibleHitRow]:
    """Possible hits (names an analyst must tie to one entity; severity `review`), newest first.

    The entity filters apply to their candidates; `status` is `new` (waiting), `confirmed`
    (resolved) or `false_positive` (dismissed).
    """
    filters = hit_filters(_as_params(query))
    with web_context(request).readers.begin() as session:
        return possible_hit_list(session, filters, query.cursor, query.limit)


@router.get("/possible-hits/{possible_id}", response_model=PossibleHitRow)
def api_possible_hit(request: Request, possible_id: RowId) -> PossibleHitRow:
    """One possible hit with its candidates."""
    with web_context(request).readers.begin() as session:
        return possible_hit_by_id(session, possible_id)


@router.post(
    "/possible-hits/{possible_id}/resolve",
    response_model=ResolveOut,
    responses={403: {"model": ErrorOut, "description": "Not an analyst"}, 409: CONFLICT},
)
def api_resolve(
    request: Request, possible_id: RowId, body: ResolveIn, user: ApiAnalyst
) -> ResolveOut:
    """Analysts: tie a possible hit to one of its candidates. It becomes a hit of that entity
    (severity, incident and alerts as for any hit); `alias` also gives the entity an alias."""
    context = web_context(request)
    with context.writers.begin() as session:
        resolution = resolve_and_alert(
            session,
            context.settings,
            possible_id,
            body.entity_id,
            user.username,
            body.note,
            body.alias,
        )
    with context.readers.begin() as session:
        hit = hit_by_id(session, resolution.hit_id)
    return ResolveOut(hit=hit, new=resolution.new, alias_added=resolution.alias_added)


@router.post(
    "/possible-hits/{possible_id}/dismiss",
    response_model=DismissOut,
    responses={403: {"model": ErrorOut, "description": "Not an analyst"}, 409: CONFLICT},
)
def api_dismiss(
    request: Request, possible_id: RowId, body: DismissIn, user: ApiAnalyst
) -> DismissOut:
    """Analysts: mark a possible hit a false positive; `exclude` keeps the name from coming
    back for its candidates (also dropping their later hits that contain the phrase)."""
    context = web_context(request)
    with context.writers.begin() as session:
        added = dismiss_possible_hit(
            session, possible_id, user.username, body.note, body.exclude, body.phrase
        )
    with context.readers.begin() as session:
        return DismissOut(possible_hit=possible_hit_by_id(session, possible_id), exclusions=added)


@router.get("/entities", response_model=list[FoundEntity])
def api_entities(
    request: Request,
    q: Annotated[
        str,
        Query(
            min_length=1,
            max_length=200,
            description="Words of a name or alias (any case or accents), FINESS ET/EJ, domain",
        ),
    ],
    limit: Limit = DEFAULT_LIMIT,
) -> list[FoundEntity]:
    """Entities `q` designates: stored ones (with an `id`, best first), then entities of the
    watchlist no post named yet (`id` null)."""
    context = web_context(request)
    with context.readers.begin() as session:
        return context.entities.find(session, q, limit)


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
    context = web_context(request)
    with context.readers.begin() as session:
        detail = incident_detail(session, incident_id)
        return misp_event_with_evidence(session, context.settings.data_dir, detail)


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
