"""The versioned JSON document every channel is sent (``docs/webhooks.md`` describes it).

Every message is an envelope ``{"version", "type", "timestamp", "data"}`` in the Standard
Webhooks layout. ``type`` is one of :data:`EVENT_TYPES`. The document is built once, when the
message is enqueued, and stored in the outbox row, so every retry sends the same bytes.

Crawled text (title, author, group, excerpt, seller, matched words, listing group) is redacted
here with :func:`crawler.core.redaction.redact`, before it is stored in the outbox, whatever the
channel.
Channels that interpret markup (Slack) escape it when they render.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from typing import Any

from alerts.routing import region_of_department
from crawler.core.listing import ransomware_listing
from crawler.core.quiet_history import QuietHistory
from crawler.core.redaction import redact
from crawler.core.severity import REVIEW
from db.models import Claim, Entity, Hit, Incident, PossibleHit, Post

#: Bumped on any incompatible change to the document; additive changes keep it.
SCHEMA_VERSION = 1
ALERT_CREATED = "alert.created"
ALERT_UPDATED = "alert.updated"
SOURCE_HEALTH_CHANGED = "source.health_changed"
#: One line per run that stored items older than the source's ``alert_max_age_days``.
SOURCE_HISTORY_QUIET = "source.history_quiet"
#: A channel's receiver refuses our alerts (401, 403, 404): they are dead-lettered.
CHANNEL_REFUSING = "channel.refusing"
DIGEST = "digest"
TEST = "test"
#: A possible hit held for its channel's review digest (never sent on its own).
POSSIBLE_HIT = "possible_hit.created"
#: The summary of a period's possible hits still waiting for an analyst.
REVIEW_DIGEST = "review.digest"
EVENT_TYPES = (
    ALERT_CREATED,
    ALERT_UPDATED,
    SOURCE_HEALTH_CHANGED,
    SOURCE_HISTORY_QUIET,
    CHANNEL_REFUSING,
    DIGEST,
    TEST,
    POSSIBLE_HIT,
    REVIEW_DIGEST,
)
#: Most candidates listed for one possible hit.
MAX_CANDIDATES = 10
#: Longest excerpt sent, in characters.
MAX_EXCERPT = 1_000
MAX_TITLE = 300


def envelope(event_type: str, data: dict[str, Any], now: datetime) -> dict[str, Any]:
    """The outer document: schema version, event type, creation time and ``data``."""
    if event_type not in EVENT_TYPES:
        raise ValueError(f"unknown event type {event_type!r}")
    return {"version": SCHEMA_VERSION, "type": event_type, "timestamp": iso(now), "data": data}


def alert_data(
    hit: Hit, update: dict[str, Any] | None = None, base_url: str | None = None
) -> dict[str, Any]:
    """The ``data`` of an ``alert.created``/``alert.updated`` document for ``hit``.

    ``update`` is None for a new alarm, else ``{"reason": …, "escalated": bool}``.
    ``base_url`` (``web.base_url``) gives ``hit_url``, the hit's page in leakwatch.
    """
    post = hit.post
    return {
        "hit_id": hit.id,
        "hit_url": hit_url(base_url, hit.id),
        "severity": hit.severity,
        "update": update,
        "incident": _incident(hit.incident),
        "entity": _entity(hit.entity),
        "source": {"name": post.source.name, "kind": post.source.kind},
        "post": _post(post),
        "group": redact(post.group_name) if post.group_name else None,
        "sale_score": round(post.sale_score, 3),
        "listing": listing_data(post),
        "claims": _claims(latest_claim(post)),
        "matched": redact(hit.matched),
        "mentions": [
            {
                "field": mention["field"],
                "start": mention["start"],
                "end": mention["end"],
                "matched": redact(mention["matched"]),
            }
            for mention in hit.mentions
        ],
        "excerpt": redact(post.excerpt)[:MAX_EXCERPT],
    }


def possible_hit_data(possible: PossibleHit) -> dict[str, Any]:
    """The ``data`` of a ``possible_hit.created`` document: the name, why it was kept, its
    candidates (at most MAX_CANDIDATES), its post and source."""
    post = possible.post
    return {
        "possible_hit_id": possible.id,
        "severity": REVIEW,
        "reasons": list(possible.reasons),
        "score": round(possible.score, 3),
        "matched": redact(possible.matched),
        "field": possible.field,
        "candidates": [
            _entity(candidate.entity) for candidate in possible.candidates[:MAX_CANDIDATES]
        ],
        "candidate_count": len(possible.candidates),
        "source": {"name": post.source.name, "kind": post.source.kind},
        "post": _post(post),
        "sale_score": round(post.sale_score, 3),
        "excerpt": redact(post.excerpt)[:MAX_EXCERPT],
    }


def operations_data(
    source_name: str, source_kind: str | None, old_health: str, new_health: str, detail: str | None
) -> dict[str, Any]:
    """The ``data`` of a ``source.health_changed`` document."""
    return {
        "source": {"name": source_name, "kind": source_kind},
        "old_health": old_health,
        "new_health": new_health,
        "detail": redact(detail)[:MAX_EXCERPT] if detail else None,
    }


def history_quiet_data(
    source_name: str,
    source_kind: str | None,
    run_id: int,
    summary: QuietHistory,
) -> dict[str, Any]:
    """The ``data`` of a ``source.history_quiet`` document: what one run stored without
    alerting because it was published before the source's ``alert_max_age_days``."""
    return {
        "source": {"name": source_name, "kind": source_kind},
        "run_id": run_id,
        "summary": summary.sentence(source_name),
        "older_items": summary.older_items,
        "named_entities": summary.named_entities,
        "quiet_hits": summary.quiet_hits,
        "quiet_possible_hits": summary.quiet_possible_hits,
        "newest_quiet": iso(summary.newest_quiet),
        "alert_max_age_days": summary.alert_max_age_days,
        "cutoff": iso(summary.cutoff),
        "alerted_hits": summary.alerted_hits,
    }


def refusing_data(channel: str, status: int, error: str) -> dict[str, Any]:
    """The ``data`` of a ``channel.refusing`` document: which channel, what it answered, and
    what to do (the error is the stored one: no URL, token or secret)."""
    return {
        "channel": channel,
        "status": status,
        "error": error[:MAX_EXCERPT],
        "message": (
            f"channel {channel} refuses alerts (HTTP {status}): its alerts are dead-lettered "
            f"until its receiver is fixed and `leakwatch alerts retry --channel {channel}` "
            "is run"
        ),
    }


def check_data(channel: str) -> dict[str, Any]:
    """The ``data`` of a ``test`` document (``leakwatch alerts test``)."""
    return {"channel": channel, "message": f"leakwatch test message for channel {channel}"}


def listing_data(post: Post) -> dict[str, Any] | None:
    """``{"group", "listed_at", "reason"}`` when the post is a ransomware group's victim listing
    (:func:`crawler.core.listing.ransomware_listing`), else None. ``reason`` is the line an
    alert shows: ``listed by <group> on <YYYY-MM-DD>``."""
    listing = ransomware_listing(
        post.source.kind,
        post.author,
        post.extra,
        post.tags,
        post.posted_at,
        post.first_seen,
        post.group_name,
    )
    if listing is None:
        return None
    shown = replace(listing, group=redact(listing.group))
    return {"group": shown.group, "listed_at": iso(shown.listed_at), "reason": shown.reason()}


def hit_url(base_url: str | None, hit_id: int) -> str | None:
    """The hit's page in the web UI under ``base_url``, or None without one."""
    return f"{base_url}/hits/{hit_id}" if base_url else None


def latest_claim(post: Post) -> Claim | None:
    """The claim of the post's newest version (claims are stored per content version)."""
    return max(post.claims, key=lambda claim: (claim.created_at, claim.id), default=None)


def iso(value: datetime | None) -> str | None:
    """ISO 8601 in UTC with a ``Z`` suffix, or None."""
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _post(post: Post) -> dict[str, Any]:
    return {
        "url": post.url,
        "title": redact(post.title)[:MAX_TITLE],
        "author": redact(post.author) if post.author else None,
        "posted_at": iso(post.posted_at),
        "first_seen": iso(post.first_seen),
    }


def _incident(incident: Incident | None) -> dict[str, Any] | None:
    if incident is None:
        return None
    return {
        "id": incident.id,
        "first_seen": iso(incident.first_seen),
        "hit_count": incident.hit_count,
        "severity": incident.severity,
    }


def _entity(entity: Entity) -> dict[str, Any]:
    return {
        "key": entity.key,
        "name": entity.name,
        "kind": entity.kind,
        "city": entity.city,
        "department": entity.department,
        "region": entity.region or region_of_department(entity.department),
        "finess_et": entity.finess_et,
        "finess_ej": entity.finess_ej,
        "parent": entity.parent.name if entity.parent is not None else None,
    }


def _claims(claim: Claim | None) -> dict[str, Any] | None:
    if claim is None:
        return None
    return {
        "records": int(claim.records) if claim.records is not None else None,
        "data_types": list(claim.data_types),
        "price": claim.price,
        "currency": claim.currency,
        "seller": redact(claim.seller) if claim.seller else None,
        "sample_offered": claim.sample_offered,
    }
