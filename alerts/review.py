"""Possible hits and the alert channels: queued for review digests when stored, and the alerts
of the hit an analyst resolves one into.

:func:`enqueue_possible_hit_alerts` runs in the storage transaction, like
:func:`alerts.outbox.enqueue_hit_alerts`: one ``possible_hit.created`` message per possible hit
× channel with a matching ``possible_hits = true`` route (idempotency key
``possible:<id>:<channel>``), always *held*: :func:`alerts.digest.build_due_digests` summarises
them in a ``review.digest`` once the channel's review period has ended. A possible hit is never
alerted on its own.

:func:`resolve_and_alert` is what the web UI and the API call: it resolves the possible hit
(:func:`db.review.resolve_possible_hit`) and, in the same transaction, queues the new hit's
alerts through the ordinary routes, as the storage pipeline would have.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from alerts.outbox import enqueue_hit_alerts
from alerts.payload import POSSIBLE_HIT, envelope, possible_hit_data
from alerts.routing import facts_of, review_channels
from crawler.core.config import Settings
from crawler.core.severity import REVIEW
from db.models import Entity, PossibleHit, PossibleHitCandidate, Post, utcnow
from db.outbox import HELD, insert_message
from db.review import Resolution, resolve_possible_hit

#: Outbox ``kind`` of a held possible hit.
KIND = "possible_hit"


def enqueue_possible_hit_alerts(
    session: Session, settings: Settings, possible_ids: Sequence[int], now: datetime | None = None
) -> int:
    """Hold newly stored possible hits for the review digests of their routed channels; return
    how many messages were queued. Must run in the transaction that stored them."""
    if not possible_ids or not any(route.possible_hits for route in settings.routes):
        return 0
    now = now or utcnow()
    queued = 0
    for possible in _load(session, possible_ids):
        post = possible.post
        extra_tags = [*post.tags, *(post.source.config or {}).get("tags", [])]
        candidates = [
            facts_of(REVIEW, candidate.entity, post.source.kind, extra_tags)
            for candidate in possible.candidates
        ]
        channels = review_channels(settings, candidates)
        if not channels:
            continue
        document = envelope(POSSIBLE_HIT, possible_hit_data(possible), now)
        for channel in channels:
            message_id = insert_message(
                session,
                channel=channel,
                kind=KIND,
                payload=document,
                idempotency_key=f"possible:{possible.id}:{channel}",
                now=now,
                status=HELD,
            )
            queued += message_id is not None
    return queued


def resolve_and_alert(
    session: Session,
    settings: Settings,
    possible_id: int,
    entity_id: int,
    username: str,
    note: str | None = None,
    alias: str | None = None,
) -> Resolution:
    """Resolve a possible hit to one candidate and queue the new hit's alerts.

    Raises what :func:`db.review.resolve_possible_hit` raises.
    """
    resolution = resolve_possible_hit(session, possible_id, entity_id, username, note, alias)
    if resolution.new:
        session.flush()
        enqueue_hit_alerts(session, settings, [resolution.hit_id])
    return resolution


def _load(session: Session, possible_ids: Sequence[int]) -> list[PossibleHit]:
    stmt = (
        select(PossibleHit)
        .where(PossibleHit.id.in_(list(possible_ids)))
        .options(
            selectinload(PossibleHit.post).selectinload(Post.source),
            selectinload(PossibleHit.candidates)
            .selectinload(PossibleHitCandidate.entity)
            .selectinload(Entity.parent),
        )
        .order_by(PossibleHit.id)
    )
    return list(session.execute(stmt).scalars())
