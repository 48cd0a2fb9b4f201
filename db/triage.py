"""Triage of hits by analysts, and the exclusions that keep false positives from coming back.

An analyst moves a hit from ``new`` to ``confirmed``, ``false_positive`` or ``handled`` with a
note; its incident's status follows (:func:`refresh_incident_status`, the rule is
:func:`crawler.core.triage.incident_status`). Marking a false positive can also add an
exclusion (:class:`db.models.Exclusion`):

- ``phrase``: this entity, whenever the phrase appears in the matched text, title or excerpt;
- ``source``: this entity on this source;
- ``entity``: the whole entity (``Entity.excluded``), on every source.

The storage pipeline (:func:`db.findings.store_findings`) drops the hits these rules cover
before storing them, with :func:`exclusion_rules` and :func:`rules_apply` (see docs/web.md).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.core.triage import TRIAGE_STATUSES, incident_status
from db.errors import NotFound, TriageError
from db.exclusions import exclusion_rules, fold, rules_apply
from db.models import Entity, Exclusion, Hit, Incident, Post, utcnow

ExclusionScope = Literal["phrase", "source", "entity"]
EXCLUSION_SCOPES: tuple[ExclusionScope, ...] = ("phrase", "source", "entity")
#: Longest note or phrase stored.
MAX_NOTE = 2000
MAX_PHRASE = 200


@dataclass(frozen=True)
class ExclusionRow:
    """An exclusion as shown on an entity page."""

    id: int
    entity_id: int
    source_name: str | None
    phrase: str | None
    note: str | None
    created_by: str
    created_at: datetime


def triage_hit(
    session: Session,
    hit_id: int,
    status: str,
    note: str | None,
    username: str,
    exclude: ExclusionScope | None = None,
    phrase: str | None = None,
) -> Hit:
    """Set a hit's triage status and note; for a false positive, optionally add an exclusion.

    Raises NotFound for an unknown hit and TriageError for an unknown status, an exclusion on
    anything but a false positive, or a phrase exclusion without a phrase.
    """
    if status not in TRIAGE_STATUSES:
        raise TriageError(f"unknown triage status {status!r}")
    if exclude is not None and status != "false_positive":
        raise TriageError("only a false positive can add an exclusion")
    hit = session.get(Hit, hit_id)
    if hit is None:
        raise NotFound(f"no hit {hit_id}")
    hit.triage_status = status
    hit.triage_note = (note or "").strip()[:MAX_NOTE] or None
    hit.triaged_by = username[:64]
    hit.triaged_at = utcnow()
    if exclude is not None:
        add_exclusion(session, hit, exclude, phrase, username, hit.triage_note)
    if hit.incident_id is not None:
        refresh_incident_status(session, [hit.incident_id])
    return hit


def refresh_incident_status(session: Session, incident_ids: Iterable[int]) -> None:
    """Set each incident's status from the triage of its hits
    (:func:`crawler.core.triage.incident_status`)."""
    ids = sorted(set(incident_ids))
    if not ids:
        return
    statuses: dict[int, list[str]] = {incident_id: [] for incident_id in ids}
    for incident_id, status in session.execute(
        select(Hit.incident_id, Hit.triage_status).where(Hit.incident_id.in_(ids))
    ):
        if incident_id is not None:
            statuses[incident_id].append(status)
    for incident in session.execute(select(Incident).where(Incident.id.in_(ids))).scalars():
        incident.status = incident_status(statuses[incident.id])


def add_exclusion(
    session: Session,
    hit: Hit,
    scope: ExclusionScope,
    phrase: str | None,
    username: str,
    note: str | None = None,
) -> Exclusion | None:
    """Exclude ``hit``'s entity by ``scope``; returns the new row (None for a whole entity).

    Raises TriageError for an unknown scope or an empty phrase.
    """
    if scope == "entity":
        entity = session.get(Entity, hit.entity_id)
        if entity is not None:
            entity.excluded = True
        return None
    if scope == "phrase":
        folded = fold(phrase or "")[:MAX_PHRASE]
        if not folded:
            raise TriageError("a phrase exclusion needs a phrase")
        exclusion = Exclusion(entity_id=hit.entity_id, phrase=folded)
    elif scope == "source":
        post = session.get(Post, hit.post_id)
        if post is None:
            raise NotFound(f"no post {hit.post_id}")
        exclusion = Exclusion(entity_id=hit.entity_id, source_id=post.source_id)
    else:
        raise TriageError(f"unknown exclusion scope {scope!r}")
    exclusion.note = note
    exclusion.hit_id = hit.id
    exclusion.created_by = username[:64]
    exclusion.created_at = utcnow()
    session.add(exclusion)
    session.flush()
    return exclusion


def is_excluded(session: Session, entity_id: int, post: Post, matched: str = "") -> bool:
    """True when a hit of ``entity_id`` in ``post`` (matched text ``matched``) must be dropped.

    The entity is excluded as a whole, or one of its exclusions applies: its source (if set)
    is the post's, and its phrase (if set) appears, case- and accent-insensitively, in the
    matched text, the post's title or its excerpt.
    """
    entity = session.get(Entity, entity_id)
    if entity is not None and entity.excluded:
        return True
    rules = exclusion_rules(session, [entity_id]).get(entity_id, [])
    return rules_apply(rules, post, matched)


def entity_exclusions(session: Session, entity_id: int) -> list[ExclusionRow]:
    """The exclusions of one entity, newest first."""
    rows = session.execute(
        select(Exclusion).where(Exclusion.entity_id == entity_id).order_by(Exclusion.id.desc())
    ).scalars()
    return [
        ExclusionRow(
            id=row.id,
            entity_id=row.entity_id,
            source_name=row.source.name if row.source else None,
            phrase=row.phrase,
            note=row.note,
            created_by=row.created_by,
            created_at=row.created_at,
        )
        for row in rows
    ]
