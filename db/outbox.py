"""Named queries and writes of the alert outbox (``outbox_messages``).

Enqueueing is ``INSERT … ON CONFLICT (idempotency_key) DO NOTHING``, so the same hit is never
queued twice for a channel. Claiming follows one rule on both engines: a channel's oldest
pending message (its head) is locked with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; on
SQLite every write transaction is ``BEGIN IMMEDIATE``, which serialises claimers) and, when it is
due and not leased, the head and the due messages right behind it are leased with
``locked_by``/``locked_until``. Only the holder of a channel's head sends that channel, so
several deliverers keep each channel in order.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, bindparam, func, select, text, update
from sqlalchemy.orm import Session

from db.models import Hit, Incident, OutboxMessage
from db.repository import dialect_insert

PENDING = "pending"
DELIVERED = "delivered"
DEAD = "dead"
HELD = "held"
DIGESTED = "digested"
STATUSES = (PENDING, DELIVERED, DEAD, HELD, DIGESTED)
# Per-message marks go through the Core table: no ORM bookkeeping on the delivery hot path.
_OUTBOX: Table = OutboxMessage.__table__  # type: ignore[assignment]


def insert_message(
    session: Session,
    *,
    channel: str,
    kind: str,
    payload: dict[str, Any],
    idempotency_key: str,
    now: datetime,
    status: str = PENDING,
    hit_id: int | None = None,
    incident_id: int | None = None,
) -> int | None:
    """Queue one message; return its id, or None when the key was already queued."""
    insert = dialect_insert(session)
    stmt = (
        insert(OutboxMessage)
        .values(
            channel=channel,
            kind=kind,
            payload=payload,
            idempotency_key=idempotency_key,
            status=status,
            attempts=0,
            next_attempt_at=now,
            created_at=now,
            hit_id=hit_id,
            incident_id=incident_id,
        )
        .on_conflict_do_nothing(index_elements=[OutboxMessage.idempotency_key])
        .returning(OutboxMessage.id)
    )
    return session.execute(stmt).scalar_one_or_none()


def insert_messages(session: Session, rows: Sequence[dict[str, Any]]) -> int:
    """Queue many messages at once (column → value dicts); return how many were new."""
    if not rows:
        return 0
    insert = dialect_insert(session)
    stmt = (
        insert(OutboxMessage)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=[OutboxMessage.idempotency_key])
        .returning(OutboxMessage.id)
    )
    return len(session.execute(stmt).all())


def prior_alerts(session: Session, incident_id: int, channel: str) -> list[str]:
    """Severities of the hits already queued to ``channel`` for this incident."""
    rows = session.execute(
        select(Hit.severity)
        .join(OutboxMessage, OutboxMessage.hit_id == Hit.id)
        .where(
            OutboxMessage.incident_id == incident_id,
            OutboxMessage.channel == channel,
            OutboxMessage.kind == "alert",
        )
    )
    return list(rows.scalars())


def pending_heads(session: Session, channels: Iterable[str]) -> dict[str, int]:
    """The oldest pending message id of each of ``channels`` that has one."""
    rows = session.execute(
        select(OutboxMessage.channel, func.min(OutboxMessage.id))
        .where(OutboxMessage.status == PENDING, OutboxMessage.channel.in_(list(channels)))
        .group_by(OutboxMessage.channel)
    )
    return {channel: head for channel, head in rows}


def lock_pending(session: Session, message_id: int) -> OutboxMessage | None:
    """Row-lock a pending message, or None if it is gone or another claimer holds its lock."""
    return session.execute(
        select(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == PENDING)
        .with_for_update(skip_locked=True)
    ).scalar_one_or_none()


def last_attempt_at(session: Session, channel: str) -> datetime | None:
    """When the channel's most recent send attempt ended (for pacing)."""
    return session.execute(
        select(OutboxMessage.last_attempt_at)
        .where(OutboxMessage.channel == channel, OutboxMessage.last_attempt_at.is_not(None))
        .order_by(OutboxMessage.last_attempt_at.desc())
        .limit(1)
    ).scalar_one_or_none()


def last_delivered_id(session: Session, channel: str) -> int:
    """Id of the channel's newest delivered message, 0 when none was."""
    newest = session.execute(
        select(func.max(OutboxMessage.id)).where(
            OutboxMessage.status == DELIVERED, OutboxMessage.channel == channel
        )
    ).scalar_one_or_none()
    return int(newest or 0)


@dataclass(frozen=True)
class LeasedMessage:
    """What a deliverer needs of a message it leased."""

    id: int
    kind: str
    idempotency_key: str
    payload: dict[str, Any]
    incident_id: int | None
    created_at: datetime
    attempts: int


def lease_run(
    session: Session,
    channel: str,
    head_id: int,
    limit: int,
    owner: str,
    until: datetime,
    now: datetime,
) -> list[LeasedMessage]:
    """Lease the channel's head and the due pending messages right behind it, in id order.

    Stops at the first message not yet due; at most ``limit`` messages. Reads and writes go
    through the Core table: a run is hundreds of rows, which need no ORM bookkeeping.
    """
    columns = _OUTBOX.c
    candidates = session.execute(
        select(
            columns.id,
            columns.kind,
            columns.idempotency_key,
            columns.payload,
            columns.incident_id,
            columns.created_at,
            columns.attempts,
            columns.next_attempt_at,
        )
        .where(columns.channel == channel, columns.status == PENDING, columns.id >= head_id)
        .order_by(columns.id)
        .limit(limit)
    )
    run: list[LeasedMessage] = []
    for row in candidates:
        if row.next_attempt_at > now:
            break
        run.append(LeasedMessage(*row[:-1]))
    if run:
        session.execute(
            update(_OUTBOX)
            .where(columns.id.in_([message.id for message in run]))
            .values(locked_by=owner, locked_until=until)
        )
    return run


def relax_commit(session: Session) -> None:
    """On PostgreSQL, let this transaction commit without waiting for the WAL flush.

    Only for delivery marks: should the server itself crash right after, the mark is lost and
    the message is sent again with the same id (at-least-once, receivers deduplicate), while
    the enqueue transactions, which must never lose an alert, keep full durability.
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL synchronous_commit TO OFF"))


def mark_delivered(session: Session, deliveries: Sequence[tuple[int, datetime]]) -> None:
    """Record successful sends: (message id, time of the answer) pairs, in one statement."""
    if not deliveries:
        return
    relax_commit(session)
    session.execute(
        update(_OUTBOX)
        .where(_OUTBOX.c.id == bindparam("message_id"))
        .values(
            status=DELIVERED,
            delivered_at=bindparam("at"),
            last_attempt_at=bindparam("at"),
            attempts=_OUTBOX.c.attempts + 1,
            locked_by=None,
            locked_until=None,
            last_error=None,
        ),
        [{"message_id": message_id, "at": at} for message_id, at in deliveries],
    )


def wake_retries(session: Session, channel: str, at: datetime) -> int:
    """Make the channel's pending messages that wait for a retry due at ``at`` (its receiver
    just accepted a message: waiting out their backoff would only delay alerts); return how
    many."""
    columns = _OUTBOX.c
    result = session.execute(
        update(_OUTBOX)
        .where(
            columns.channel == channel,
            columns.status == PENDING,
            columns.attempts > 0,
            columns.next_attempt_at > at,
        )
        .values(next_attempt_at=at)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def mark_failed(
    session: Session, message_id: int, at: datetime, error: str, retry_at: datetime | None
) -> None:
    """Record a failed send: pending again at ``retry_at``, or dead when it is None."""
    relax_commit(session)
    values: dict[str, Any] = {
        "last_attempt_at": at,
        "attempts": _OUTBOX.c.attempts + 1,
        "last_error": error[:2000],
        "locked_by": None,
        "locked_until": None,
    }
    if retry_at is None:
        values["status"] = DEAD
    else:
        values["next_attempt_at"] = retry_at
    session.execute(update(_OUTBOX).where(_OUTBOX.c.id == message_id).values(**values))


def release(session: Session, message_ids: Sequence[int], owner: str) -> None:
    """Give back leases ``owner`` still holds on messages it did not get to send."""
    if message_ids:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(message_ids)), OutboxMessage.locked_by == owner)
            .values(locked_by=None, locked_until=None)
        )


def release_dead_locks(session: Session, host: str, alive: Callable[[int], bool]) -> int:
    """Free leases held by dead deliverers of this host (``host:pid:…`` owners); return how many.

    After a crash and restart, messages a killed deliverer had claimed go out again at once
    (with the same ``webhook-id``) instead of after their lease.
    """
    owners = session.execute(
        select(OutboxMessage.locked_by)
        .where(OutboxMessage.locked_by.like(f"{host}:%"), OutboxMessage.status == PENDING)
        .distinct()
    ).scalars()
    dead = []
    for owner in owners:
        parts = (owner or "").split(":")
        if len(parts) >= 2 and parts[1].isdigit() and not alive(int(parts[1])):
            dead.append(owner)
    if not dead:
        return 0
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.locked_by.in_(dead))
        .values(locked_by=None, locked_until=None)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def slack_threads(session: Session, incident_ids: Iterable[int], channel: str) -> dict[int, str]:
    """Thread ``ts`` of each incident that already has one in ``channel``."""
    ids = list(set(incident_ids))
    if not ids:
        return {}
    rows = session.execute(select(Incident.id, Incident.slack_thread).where(Incident.id.in_(ids)))
    return {i: str(threads[channel]) for i, threads in rows if threads and channel in threads}


def set_slack_thread(session: Session, incident_id: int, channel: str, ts: str) -> None:
    """Remember the incident's thread in ``channel`` (the first one set is kept)."""
    incident = session.execute(
        select(Incident).where(Incident.id == incident_id).with_for_update()
    ).scalar_one_or_none()
    if incident is not None and channel not in (incident.slack_thread or {}):
        incident.slack_thread = {**(incident.slack_thread or {}), channel: ts}


def list_messages(
    session: Session,
    statuses: Sequence[str] = (),
    channel: str | None = None,
    limit: int = 50,
) -> list[OutboxMessage]:
    """Messages, newest first, optionally of some statuses and one channel."""
    stmt = select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    if statuses:
        stmt = stmt.where(OutboxMessage.status.in_(list(statuses)))
    if channel:
        stmt = stmt.where(OutboxMessage.channel == channel)
    return list(session.execute(stmt).scalars())


@dataclass(frozen=True)
class Backlog:
    """What is left in the outbox: messages waiting (and when the next is due), held for a
    digest, and dead letters."""

    pending: int
    next_attempt_at: datetime | None
    held: int
    dead: int


def backlog(session: Session) -> Backlog:
    """The outbox's backlog now (one query)."""
    counts = {
        status: (count, first)
        for status, count, first in session.execute(
            select(
                OutboxMessage.status,
                func.count(OutboxMessage.id),
                func.min(OutboxMessage.next_attempt_at),
            )
            .where(OutboxMessage.status.in_((PENDING, HELD, DEAD)))
            .group_by(OutboxMessage.status)
        )
    }
    pending, next_at = counts.get(PENDING, (0, None))
    return Backlog(pending, next_at, counts.get(HELD, (0, None))[0], counts.get(DEAD, (0, None))[0])


def status_counts(session: Session) -> dict[tuple[str, str], int]:
    """Number of messages per (channel, status)."""
    rows = session.execute(
        select(OutboxMessage.channel, OutboxMessage.status, func.count(OutboxMessage.id)).group_by(
            OutboxMessage.channel, OutboxMessage.status
        )
    )
    return {(channel, status): count for channel, status, count in rows}


def requeue(
    session: Session,
    now: datetime,
    message_ids: Sequence[int] = (),
    channel: str | None = None,
    statuses: Sequence[str] = (DEAD,),
) -> int:
    """Make messages (dead ones by default) pending and due ``now``; return how many.

    They keep their id, so each goes back to its original place in its channel's order.
    """
    stmt = (
        update(OutboxMessage)
        .where(OutboxMessage.status.in_(list(statuses)))
        .values(status=PENDING, next_attempt_at=now, locked_by=None, locked_until=None)
    )
    if message_ids:
        stmt = stmt.where(OutboxMessage.id.in_(list(message_ids)))
    if channel:
        stmt = stmt.where(OutboxMessage.channel == channel)
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def held_before(
    session: Session, channel: str, before: datetime, kind: str = "alert"
) -> list[OutboxMessage]:
    """Messages of ``channel`` and ``kind`` held for a digest and created before ``before``,
    oldest first.

    Row-locked (waiting for a concurrent digest builder, which then leaves none).
    """
    return list(
        session.execute(
            select(OutboxMessage)
            .where(
                OutboxMessage.channel == channel,
                OutboxMessage.status == HELD,
                OutboxMessage.kind == kind,
                OutboxMessage.created_at < before,
            )
            .order_by(OutboxMessage.id)
            .with_for_update()
        ).scalars()
    )


def mark_digested(session: Session, message_ids: Sequence[int], at: datetime) -> None:
    """Record that held messages were summarised in a digest message."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(list(message_ids)))
        .values(status=DIGESTED, delivered_at=at)
    )
