"""Digest mode: a channel with ``digest = "hourly"`` or ``"daily"`` gets one summary per period
instead of one message per hit; possible hits always come in a review digest.

Its alert messages are queued as ``held``. Once a period (a UTC clock hour, or a UTC day) has
ended, the deliverer replaces the period's held messages by one ``digest`` document (counts by
severity, then one line per alert, most severe first) queued like any other message, and marks
them ``digested``. Operations and test messages are never held.

Possible hits routed to a channel (``possible_hits = true`` routes, :mod:`alerts.review`) are
always held; once the channel's review period has ended (its ``digest`` period, daily when
``digest = "off"``) they become one ``review.digest`` document listing those still waiting for
an analyst (none waiting: no document).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from alerts.payload import DIGEST, REVIEW_DIGEST, envelope, iso
from alerts.review import KIND as POSSIBLE_HIT_KIND
from crawler.core.config import ChannelConfig, Settings
from crawler.core.severity import SEVERITY_ORDER
from db.models import OutboxMessage
from db.outbox import held_before, insert_message, mark_digested
from db.possible_hits import waiting_ids

PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}
#: Most alerts listed in one digest document (the count covers them all).
MAX_ITEMS = 100


def period_start(kind: str, at: datetime) -> datetime:
    """Start of the hourly or daily period (UTC) containing ``at``."""
    start = at.replace(minute=0, second=0, microsecond=0)
    return start.replace(hour=0) if kind == "daily" else start


def review_period(channel: ChannelConfig) -> str:
    """The period of a channel's review digests: its ``digest`` period, daily when off."""
    return channel.digest if channel.digest != "off" else "daily"


def build_due_digests(session: Session, settings: Settings, now: datetime) -> int:
    """Queue a digest for every ended period with held messages; return how many were queued."""
    queued = 0
    for channel in settings.channels:
        if not channel.enabled:
            continue
        if channel.digest != "off":
            queued += _alert_digests(session, channel, now)
        queued += _review_digests(session, channel, now)
    return queued


def _alert_digests(session: Session, channel: ChannelConfig, now: datetime) -> int:
    kind = channel.digest
    queued = 0
    for start, messages in _held_periods(session, channel.name, kind, "alert", now):
        insert_message(
            session,
            channel=channel.name,
            kind="digest",
            payload=envelope(DIGEST, digest_data(kind, start, messages), now),
            idempotency_key=f"digest:{channel.name}:{start:%Y%m%dT%H}:{messages[0].id}",
            now=now,
        )
        mark_digested(session, [message.id for message in messages], now)
        queued += 1
    return queued


def _review_digests(session: Session, channel: ChannelConfig, now: datetime) -> int:
    kind = review_period(channel)
    queued = 0
    for start, messages in _held_periods(session, channel.name, kind, POSSIBLE_HIT_KIND, now):
        ids = [message.payload["data"]["possible_hit_id"] for message in messages]
        waiting = waiting_ids(session, ids)
        items = [m for m, i in zip(messages, ids, strict=True) if i in waiting]
        if items:
            insert_message(
                session,
                channel=channel.name,
                kind="digest",
                payload=envelope(REVIEW_DIGEST, review_digest_data(kind, start, items), now),
                idempotency_key=f"review:{channel.name}:{start:%Y%m%dT%H}:{messages[0].id}",
                now=now,
            )
            queued += 1
        mark_digested(session, [message.id for message in messages], now)
    return queued


def _held_periods(
    session: Session, channel: str, kind: str, message_kind: str, now: datetime
) -> list[tuple[datetime, list[OutboxMessage]]]:
    # The channel's held messages of ended periods, grouped by period, oldest first.
    held = held_before(session, channel, period_start(kind, now), message_kind)
    periods: dict[datetime, list[OutboxMessage]] = defaultdict(list)
    for message in held:
        periods[period_start(kind, message.created_at)].append(message)
    return sorted(periods.items())


def digest_data(kind: str, start: datetime, messages: list[OutboxMessage]) -> dict[str, Any]:
    """The ``data`` of a digest document summarising held alert ``messages``."""
    items = [_item(message.payload) for message in messages]
    items.sort(key=lambda item: (-_rank(item["severity"]), item["hit_id"] or 0))
    by_severity = {severity: 0 for severity in reversed(SEVERITY_ORDER)}
    for item in items:
        by_severity[item["severity"]] = by_severity.get(item["severity"], 0) + 1
    return {
        "period": {"kind": kind, "start": iso(start), "end": iso(start + PERIODS[kind])},
        "count": len(items),
        "by_severity": by_severity,
        "alerts": items[:MAX_ITEMS],
    }


def review_digest_data(kind: str, start: datetime, messages: list[OutboxMessage]) -> dict[str, Any]:
    """The ``data`` of a ``review.digest`` document: the period's possible hits still waiting,
    oldest first (at most MAX_ITEMS listed; ``count`` covers them all)."""
    items = [_review_item(message.payload) for message in messages]
    return {
        "period": {"kind": kind, "start": iso(start), "end": iso(start + PERIODS[kind])},
        "count": len(items),
        "possible_hits": items[:MAX_ITEMS],
    }


def _review_item(document: dict[str, Any]) -> dict[str, Any]:
    data = document.get("data", {})
    post, source = data.get("post", {}), data.get("source", {})
    return {
        "possible_hit_id": data.get("possible_hit_id"),
        "matched": data.get("matched", ""),
        "reasons": list(data.get("reasons", [])),
        "candidates": [candidate.get("name", "?") for candidate in data.get("candidates", [])],
        "candidate_count": data.get("candidate_count", 0),
        "source": source.get("name", "?"),
        "title": post.get("title"),
        "url": post.get("url"),
        "first_seen": post.get("first_seen"),
    }


def _item(document: dict[str, Any]) -> dict[str, Any]:
    data = document.get("data", {})
    entity, post, source = data.get("entity", {}), data.get("post", {}), data.get("source", {})
    return {
        "hit_id": data.get("hit_id"),
        "hit_url": data.get("hit_url"),
        "incident_id": (data.get("incident") or {}).get("id"),
        "severity": data.get("severity", "low"),
        "update": bool(data.get("update")),
        "entity": entity.get("name", "?"),
        "entity_kind": entity.get("kind"),
        "department": entity.get("department"),
        "source": source.get("name", "?"),
        "title": post.get("title"),
        "url": post.get("url"),
        "first_seen": post.get("first_seen"),
    }


def _rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 0
