"""Text parameters → list filters, the same for the CLI, the pages, exports and the JSON API.

Values arrive as strings (command-line options, query strings). HTML forms send every field,
empty ones included, so an empty value means "no filter". Dates are ``YYYY-MM-DD`` or ISO 8601
date-times (UTC when no zone is given); a date-only ``until`` keeps its whole day. A value that
cannot be used raises :class:`crawler.core.errors.InvalidFilter` naming the parameter.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime, timedelta

from crawler.core.errors import InvalidFilter
from crawler.core.records import ENTITY_KINDS
from crawler.core.severity import REVIEW
from crawler.core.triage import INCIDENT_STATUSES, TRIAGE_STATUSES
from db.hits import SEVERITIES, HitFilters
from db.incidents import IncidentFilters
from db.pagination import MAX_ID
from spiders.registry import KINDS

#: The source families, as the registry lists them.
SOURCE_KINDS: tuple[str, ...] = KINDS
#: Severities the hit filters accept: a hit's, or ``review`` for the possible hits.
HIT_SEVERITIES = (*SEVERITIES, REVIEW)
_TRUE = ("1", "true", "on", "yes")


def hit_filters(params: Mapping[str, str]) -> HitFilters:
    """The hit filters in ``params`` (keys as in the web form: ``q``, ``entity``, ``kind``…;
    ``group`` is a health group, ``ransomware_group`` the group that listed the victim,
    ``seller`` a seller handle a post claims).

    ``severity`` may be ``review``: the faces then list possible hits
    (:func:`db.possible_hits.possible_hit_list`) with the same filters.
    """
    return HitFilters(
        entity=_text(params, "entity"),
        kind=_choice(params, "kind", ENTITY_KINDS),
        group=_text(params, "group"),
        vendor=_text(params, "vendor"),
        department=_text(params, "department"),
        region=_text(params, "region"),
        source=_text(params, "source"),
        source_kind=_choice(params, "source_kind", SOURCE_KINDS),
        ransomware_group=_text(params, "ransomware_group"),
        seller=_text(params, "seller"),
        since=parse_time(params.get("since"), "since"),
        until=parse_time(params.get("until"), "until", end_of_day=True),
        sale_only=(params.get("sale_only") or "").lower() in _TRUE,
        min_score=_score(params.get("min_score")),
        query=_text(params, "q"),
        status=_choice(params, "status", TRIAGE_STATUSES),
        severity=_choice(params, "severity", HIT_SEVERITIES),
        incident_id=_identifier(params, "incident"),
    )


def incident_filters(params: Mapping[str, str]) -> IncidentFilters:
    """The incident filters in ``params``: ``entity``, ``severity``, ``status``, dates."""
    return IncidentFilters(
        entity=_text(params, "entity"),
        severity=_choice(params, "severity", SEVERITIES),
        status=_choice(params, "status", INCIDENT_STATUSES),
        since=parse_time(params.get("since"), "since"),
        until=parse_time(params.get("until"), "until", end_of_day=True),
    )


def parse_time(value: str | None, name: str, end_of_day: bool = False) -> datetime | None:
    """``YYYY-MM-DD`` or an ISO 8601 date-time as aware UTC (None when empty).

    With ``end_of_day``, a date alone means the end of that day (the next midnight).
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise InvalidFilter(f"{name}: expected YYYY-MM-DD or an ISO 8601 date-time") from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    if end_of_day and len(value) == 10:
        parsed += timedelta(days=1)
    return parsed.astimezone(UTC)


def _text(params: Mapping[str, str], name: str) -> str | None:
    # NUL cannot be sent to PostgreSQL and is never meaningful in a filter.
    value = (params.get(name) or "").replace("\x00", "").strip()
    return value[:200] or None


def _choice(params: Mapping[str, str], name: str, allowed: tuple[str, ...]) -> str | None:
    value = _text(params, name)
    if value is not None and value not in allowed:
        raise InvalidFilter(f"{name}: expected one of {', '.join(allowed)}")
    return value


def _identifier(params: Mapping[str, str], name: str) -> int | None:
    value = _text(params, name)
    if value is None:
        return None
    if not (value.isascii() and value.isdigit()) or not 0 < int(value) <= MAX_ID:
        raise InvalidFilter(f"{name}: expected a row id")
    return int(value)


def _score(value: str | None) -> float | None:
    value = (value or "").strip()
    if not value:
        return None
    try:
        score = float(value)
    except ValueError:
        raise InvalidFilter("min_score: expected a number between 0 and 1") from None
    if not 0 <= score <= 1:
        raise InvalidFilter("min_score: expected a number between 0 and 1")
    return score
