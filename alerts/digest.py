"""Digest mode: a channel with ``digest = "hourly"`` or ``"daily"`` gets one summary per period
instead of one message per hit.

Its alert messages are queued as ``held``. Once a period (a UTC clock hour, or a UTC day) has
ended, the deliverer replaces the period's held messages by one ``digest`` document (counts by
severity, then one line per alert, most severe first) queued like any other message, and marks
them ``digested``. Operations and test messages are never held.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from alerts.payload import DIGEST, envelope, iso
from crawler.core.config import Settings
from crawler.core.severity import SEVERITY_ORDER
from db.models import OutboxMessage
from db.outbox import held_before, insert_message, mark_digested

PERIODS = {"hourly": timedelta(hours=1), "daily": timedelta(days=1)}
#: Most alerts listed in one digest document (the count covers them all).
MAX_ITEMS = 100


def period_start(kind: str, at: datetime) -> datetime:
    """Start of the hourly or daily period (UTC) containing ``at``."""
    start = at.replace(minute=0, second=0, microsecond=0)
    return start.replace(hour=0) if kind == "daily" else start


def build_due_digests(session: Session, settings: Settings, now: datetime) -> int:
    """Queue a digest for every ended period with held messages; return how many were queued."""
    queued = 0
    for channel in settings.channels:
        if not channel.enabled or channel.digest == "off":
            continue
        held = held_before(session, channel.name, period_start(channel.digest, now))
        periods: dict[datetime, list[OutboxMessage]] = defaultdict(list)
        for message in held:
            periods[period_start(channel.digest, message.created_at)].append(message)
        for start, messages in sorted(periods.items()):
            data = digest_data(channel.digest, start, messages)
            insert_message(
                session,
                channel=channel.name,
                kind="digest",
                payload=envelope(DIGEST, data, now),
                idempotency_key=f"digest:{channel.name}:{start:%Y%m%dT%H}:{messages[0].id}",
                now=now,
            )
            mark_digested(session, [message.id for message in messages], now)
            queued += 1
    return queued


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


def _item(document: dict[str, Any]) -> dict[str, Any]:
    data = document.get("data", {})
    entity, post, source = data.get("entity", {}), data.get("post", {}), data.get("source", {})
    return {
        "hit_id": data.get("hit_id"),
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
