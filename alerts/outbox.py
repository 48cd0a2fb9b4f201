"""The transactional outbox: alert messages are queued in the transaction that stores the hits.

:func:`enqueue_hit_alerts` is called by the storage pipeline after it flushes new hits and
before it commits; :func:`enqueue_operations_alert` by the daemon when a source's health
changes; :func:`enqueue_history_summary` by the run recorder when a run stored items too old to
alert (one ``source.history_quiet`` line per run). Nothing here talks to the network:
:mod:`alerts.deliverer` sends the queued messages.

One message per hit × routed channel (idempotency key ``hit:<hit id>:<channel>``, unique, so a
re-crawl never alerts twice). A hit is one post × one entity whatever the number of mentions
(title and body, repeated names, a later edit naming it again: :mod:`db.findings`), so a post
alerts once per entity it names. A hit on an incident the channel was already told about is a
follow-up: an ``alert.updated`` document whose ``update`` says why (``repost``: another post or
source named the entity) and whether it raised the severity (``escalated``).

:func:`enqueue_refusing_alert` is called by the deliverer when a receiver refuses a message
(401, 403, 404): one ``channel.refusing`` message per operations channel, once per change of
state (its key names the refusing channel's newest delivered message, so the refusals that
follow add nothing until the channel delivers again).

:func:`enqueue_status_alerts` queues the other follow-up: a leak site changed a victim's status
(``status_changed``: "countdown" → "published"), sent for the post's hits already stored.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from alerts.payload import (
    ALERT_CREATED,
    ALERT_UPDATED,
    CHANNEL_REFUSING,
    SOURCE_HEALTH_CHANGED,
    SOURCE_HISTORY_QUIET,
    alert_data,
    envelope,
    history_quiet_data,
    iso,
    operations_data,
    refusing_data,
)
from alerts.routing import channels_for, facts_of, operations_channels
from crawler.core.config import Settings
from crawler.core.quiet_history import QuietHistory
from crawler.core.severity import SEVERITY_ORDER
from db.models import Entity, Hit, Post, utcnow
from db.outbox import HELD, PENDING, insert_message, last_delivered_id, prior_alerts


def enqueue_hit_alerts(
    session: Session, settings: Settings, hit_ids: Sequence[int], now: datetime | None = None
) -> int:
    """Queue the alerts of newly stored hits for their routed channels; return how many.

    Messages of a channel in digest mode are held for its digest. Must run in the transaction
    that stored the hits, after a flush (the hits need their ids and incidents).
    """
    if not hit_ids or not settings.routes:
        return 0
    now = now or utcnow()
    digest = {channel.name for channel in settings.channels if channel.digest != "off"}
    queued = 0
    for hit in _load_hits(session, hit_ids):
        post = hit.post
        extra_tags = [*post.tags, *(post.source.config or {}).get("tags", [])]
        facts = facts_of(hit.severity, hit.entity, post.source.kind, extra_tags)
        channels = channels_for(settings, facts)
        if not channels:
            continue
        data = alert_data(hit, base_url=settings.web.base_url)
        for channel in channels:
            update = _follow_up(session, hit, channel)
            document = envelope(
                ALERT_UPDATED if update else ALERT_CREATED, {**data, "update": update}, now
            )
            message_id = insert_message(
                session,
                channel=channel,
                kind="alert",
                payload=document,
                idempotency_key=f"hit:{hit.id}:{channel}",
                now=now,
                status=HELD if channel in digest else PENDING,
                hit_id=hit.id,
                incident_id=hit.incident_id,
            )
            queued += message_id is not None
    return queued


@dataclass(frozen=True)
class StatusChange:
    """A stored post whose leak-site status changed (``previous`` None: it had none)."""

    post_id: int
    previous: str | None
    status: str


def enqueue_status_alerts(
    session: Session,
    settings: Settings,
    changes: Sequence[StatusChange],
    now: datetime | None = None,
) -> int:
    """Queue an ``alert.updated`` for each routed channel of the hits of posts whose status
    changed; return how many messages were queued.

    ``update`` is ``{"reason": "status_changed", "escalated": false, "status": …,
    "previous_status": …}``; one message per (post, entity) and channel, never twice for the
    same change (idempotency key ``status:<hit id>:<previous>><status>:<channel>``). Hits an
    analyst marked ``false_positive`` are not followed up. Must run in the transaction that
    stored the posts.
    """
    if not changes or not settings.routes:
        return 0
    now = now or utcnow()
    by_post = {change.post_id: change for change in changes}
    hit_ids = list(
        session.execute(
            select(Hit.id).where(
                Hit.post_id.in_(list(by_post)), Hit.triage_status != "false_positive"
            )
        ).scalars()
    )
    digest = {channel.name for channel in settings.channels if channel.digest != "off"}
    queued = 0
    for hit in _load_hits(session, hit_ids):
        change = by_post[hit.post_id]
        post = hit.post
        extra_tags = [*post.tags, *(post.source.config or {}).get("tags", [])]
        facts = facts_of(hit.severity, hit.entity, post.source.kind, extra_tags)
        update = {
            "reason": "status_changed",
            "escalated": False,
            "status": change.status,
            "previous_status": change.previous,
        }
        document = envelope(
            ALERT_UPDATED,
            {**alert_data(hit, base_url=settings.web.base_url), "update": update},
            now,
        )
        for channel in channels_for(settings, facts):
            message_id = insert_message(
                session,
                channel=channel,
                kind="alert",
                payload=document,
                idempotency_key=(
                    f"status:{hit.id}:{change.previous or ''}>{change.status}:{channel}"
                ),
                now=now,
                status=HELD if channel in digest else PENDING,
                hit_id=hit.id,
                incident_id=hit.incident_id,
            )
            queued += message_id is not None
    return queued


def enqueue_operations_alert(
    session: Session,
    settings: Settings,
    source_name: str,
    old_health: str,
    new_health: str,
    detail: str | None,
    now: datetime | None = None,
) -> int:
    """Queue a ``source.health_changed`` message for every operations channel; return count.

    Never held for a digest: operations messages are sent as they come.
    """
    now = now or utcnow()
    kinds = {source.name: source.kind for source in settings.sources}
    data = operations_data(source_name, kinds.get(source_name), old_health, new_health, detail)
    document = envelope(SOURCE_HEALTH_CHANGED, data, now)
    queued = 0
    for channel in operations_channels(settings):
        identity = f"{source_name}|{old_health}|{new_health}|{iso(now)}|{channel}"
        key = "health:" + hashlib.sha256(identity.encode()).hexdigest()[:40]
        message_id = insert_message(
            session,
            channel=channel,
            kind="operations",
            payload=document,
            idempotency_key=key,
            now=now,
        )
        queued += message_id is not None
    return queued


def enqueue_history_summary(
    session: Session,
    settings: Settings,
    source_name: str,
    run_id: int,
    summary: QuietHistory,
    now: datetime | None = None,
) -> int:
    """Queue the run's ``source.history_quiet`` line for every operations channel; return
    how many messages were queued.

    Nothing is queued when nothing entered quietly. At most one message per run and channel
    (idempotency key ``quiet:<run id>:<channel>``); never held for a digest.
    """
    if summary.is_empty:
        return 0
    now = now or utcnow()
    kinds = {source.name: source.kind for source in settings.sources}
    data = history_quiet_data(source_name, kinds.get(source_name), run_id, summary)
    document = envelope(SOURCE_HISTORY_QUIET, data, now)
    queued = 0
    for channel in operations_channels(settings):
        message_id = insert_message(
            session,
            channel=channel,
            kind="operations",
            payload=document,
            idempotency_key=f"quiet:{run_id}:{channel}",
            now=now,
        )
        queued += message_id is not None
    return queued


def enqueue_refusing_alert(
    session: Session,
    channel: str,
    status: int,
    error: str,
    operations: Sequence[str],
    now: datetime | None = None,
) -> list[str]:
    """Queue a ``channel.refusing`` message about ``channel`` for each of the ``operations``
    channels but itself (it would refuse it too); return those queued now.

    Nothing is queued while the channel has delivered nothing since the last such message:
    one message per change of state, not one per dead-lettered alert.
    """
    now = now or utcnow()
    since = last_delivered_id(session, channel)
    document = envelope(CHANNEL_REFUSING, refusing_data(channel, status, error), now)
    queued = []
    for target in operations:
        if target == channel:
            continue
        identity = f"{channel}|{since}|{target}"
        message_id = insert_message(
            session,
            channel=target,
            kind="operations",
            payload=document,
            idempotency_key="refusing:" + hashlib.sha256(identity.encode()).hexdigest()[:40],
            now=now,
        )
        if message_id is not None:
            queued.append(target)
    return queued


def _load_hits(session: Session, hit_ids: Sequence[int]) -> list[Hit]:
    stmt = (
        select(Hit)
        .where(Hit.id.in_(list(hit_ids)))
        .options(
            selectinload(Hit.post).selectinload(Post.claims),
            selectinload(Hit.post).selectinload(Post.source),
            selectinload(Hit.entity).selectinload(Entity.parent),
            selectinload(Hit.incident),
        )
        .order_by(Hit.id)
    )
    return list(session.execute(stmt).scalars())


def _follow_up(session: Session, hit: Hit, channel: str) -> dict[str, Any] | None:
    if hit.incident_id is None:
        return None
    prior = prior_alerts(session, hit.incident_id, channel)
    if not prior:
        return None
    # The incident is the entity's, and a post names an entity in one hit: what the channel
    # was told came from other posts.
    escalated = _rank(hit.severity) > max(_rank(severity) for severity in prior)
    return {"reason": "repost", "escalated": escalated}


def _rank(severity: str) -> int:
    return SEVERITY_ORDER.index(severity) if severity in SEVERITY_ORDER else 0
