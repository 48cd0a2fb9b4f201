"""An analyst's answer to a possible hit: resolve it to one candidate, or dismiss it.

- :func:`resolve_possible_hit`: the possible hit becomes a normal hit of the chosen candidate
  (triage ``confirmed``, score :data:`RESOLVED_SCORE`, the usual severity of
  :func:`crawler.core.severity.severity_of`, joined to the entity's incident); the caller then
  queues its alerts in the same transaction (:func:`alerts.review.resolve_and_alert`). It can
  also give the entity an alias (:func:`add_alias`).
- :func:`dismiss_possible_hit`: triage ``false_positive``; it can add exclusions (the rows of
  :mod:`db.exclusions`) so the same name does not come back: for every candidate, the phrase
  (by default the name as written) on every source (``phrase``) or on this post's source only
  (``phrase_on_source``). The phrase also drops later *hits* of those candidates whose matched
  text, title or excerpt contains it, like a phrase exclusion made on a hit.

Analysts' aliases are ``entity_aliases`` rows. They reach the matcher through
:func:`analyst_aliases`: every crawl adds them to the watchlist entity of the same key
(:func:`crawler.runtime.finder.load_matcher`), where they follow the rules of any watchlist
alias (a generic one still needs the entity's place).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from crawler.core.records import Claims
from crawler.core.severity import severity_of
from db.errors import AlreadyTriaged, NotFound, TriageError
from db.exclusions import fold
from db.findings import attach_incidents, listing_of, merge_mentions
from db.models import (
    Claim,
    Entity,
    EntityAlias,
    Exclusion,
    Hit,
    PossibleHit,
    Post,
    Source,
    utcnow,
)
from db.repository import dialect_insert
from db.triage import MAX_NOTE, MAX_PHRASE

DismissScope = Literal["phrase", "phrase_on_source"]
DISMISS_SCOPES: tuple[DismissScope, ...] = ("phrase", "phrase_on_source")
#: The match score of a hit an analyst made from a possible hit: a person tied the name to it.
RESOLVED_SCORE = 1.0
#: Longest alias stored.
MAX_ALIAS = 200


@dataclass(frozen=True)
class Resolution:
    """What resolving did: the hit (``new`` when it was not there already) and the alias."""

    hit_id: int
    new: bool
    alias_added: bool


def resolve_possible_hit(
    session: Session,
    possible_id: int,
    entity_id: int,
    username: str,
    note: str | None = None,
    alias: str | None = None,
) -> Resolution:
    """Tie a possible hit to one of its candidates: store the hit, mark it resolved.

    Raises NotFound for an unknown possible hit or when ``entity_id`` is not one of its
    candidates, AlreadyTriaged when it was already resolved or dismissed, and TriageError for an
    unusable alias.
    """
    possible = _open(session, possible_id)
    if entity_id not in {candidate.entity_id for candidate in possible.candidates}:
        raise NotFound(f"entity {entity_id} is not a candidate of possible hit {possible_id}")
    entity = session.get(Entity, entity_id)
    post = session.get(Post, possible.post_id)
    if entity is None or post is None:
        raise NotFound(f"possible hit {possible_id} lost its entity or post")
    source = session.get(Source, post.source_id)
    now = utcnow()
    severity = severity_of(
        entity.kind,
        post.sale_score,
        _claims(session, post.id),
        RESOLVED_SCORE,
        listing_of(post, source.kind if source is not None else ""),
    )
    mention = {
        "field": possible.field,
        "start": possible.start,
        "end": possible.end,
        "matched": possible.matched,
        "score": RESOLVED_SCORE,
    }
    table = Hit.__table__
    hit_id = session.execute(
        dialect_insert(session)(table)
        .values(
            post_id=post.id,
            entity_id=entity_id,
            mentions=[mention],
            matched=possible.matched,
            score=RESOLVED_SCORE,
            severity=severity,
            created_at=now,
            triage_status="confirmed",
            triage_note=_note(note),
            triaged_by=username[:64],
            triaged_at=now,
        )
        .on_conflict_do_nothing(index_elements=[table.c.post_id, table.c.entity_id])
        .returning(table.c.id)
    ).scalar_one_or_none()
    new = hit_id is not None
    if hit_id is None:  # the post already names this entity elsewhere: one more mention
        hit = session.execute(
            select(Hit).where(Hit.post_id == post.id, Hit.entity_id == entity_id)
        ).scalar_one()
        hit.mentions = merge_mentions(hit.mentions, [mention])
        hit_id = hit.id
    else:
        attach_incidents(session, [(hit_id, entity_id, severity)], now)
    _close(possible, "confirmed", note, username)
    possible.entity_id, possible.hit_id = entity_id, hit_id
    added = bool(alias) and add_alias(session, entity_id, alias or "", username, possible_id)
    return Resolution(hit_id, new, added)


def dismiss_possible_hit(
    session: Session,
    possible_id: int,
    username: str,
    note: str | None = None,
    exclude: DismissScope | None = None,
    phrase: str | None = None,
) -> int:
    """Mark a possible hit a false positive; optionally exclude its candidates with a phrase
    (``phrase``; when empty, the name as written). Returns how many exclusions were added.

    Raises NotFound for an unknown possible hit, AlreadyTriaged when it was already resolved or
    dismissed, and TriageError for an unknown scope or an empty phrase.
    """
    if exclude is not None and exclude not in DISMISS_SCOPES:
        raise TriageError(f"unknown exclusion scope {exclude!r}")
    possible = _open(session, possible_id)
    _close(possible, "false_positive", note, username)
    if exclude is None:
        return 0
    folded = fold(_clean(phrase or "") or possible.matched)[:MAX_PHRASE]
    if not folded:
        raise TriageError("an exclusion needs a phrase")
    source_id = None
    if exclude == "phrase_on_source":
        post = session.get(Post, possible.post_id)
        source_id = post.source_id if post is not None else None
    now = utcnow()
    rows = [
        Exclusion(
            entity_id=candidate.entity_id,
            source_id=source_id,
            phrase=folded,
            note=possible.triage_note or f"dismissed possible hit {possible_id}",
            created_by=username[:64],
            created_at=now,
        )
        for candidate in possible.candidates
    ]
    session.add_all(rows)
    session.flush()
    return len(rows)


def add_alias(
    session: Session, entity_id: int, alias: str, username: str, possible_id: int | None = None
) -> bool:
    """Give an entity an analyst's alias; False when it already had it.

    Raises TriageError for an alias without two letters or digits.
    """
    text = _clean(alias)[:MAX_ALIAS]
    if sum(char.isalnum() for char in text) < 2:
        raise TriageError("an alias needs at least two letters or digits")
    stmt = (
        dialect_insert(session)(EntityAlias)
        .values(
            entity_id=entity_id,
            alias=text,
            possible_hit_id=possible_id,
            created_by=username[:64],
            created_at=utcnow(),
        )
        .on_conflict_do_nothing(index_elements=[EntityAlias.entity_id, EntityAlias.alias])
        .returning(EntityAlias.id)
    )
    return session.execute(stmt).scalar_one_or_none() is not None


def analyst_aliases(session: Session) -> dict[str, list[str]]:
    """Entity key → the aliases analysts gave it, oldest first (what crawls add to the
    watchlist)."""
    rows = session.execute(
        select(Entity.key, EntityAlias.alias)
        .join(Entity, EntityAlias.entity_id == Entity.id)
        .order_by(EntityAlias.id)
    )
    aliases: dict[str, list[str]] = {}
    for key, alias in rows:
        aliases.setdefault(key, []).append(alias)
    return aliases


def _open(session: Session, possible_id: int) -> PossibleHit:
    possible = session.execute(
        select(PossibleHit).where(PossibleHit.id == possible_id).with_for_update()
    ).scalar_one_or_none()
    if possible is None:
        raise NotFound(f"no possible hit {possible_id}")
    if possible.triage_status != "new":
        done = "resolved" if possible.triage_status == "confirmed" else "dismissed"
        raise AlreadyTriaged(f"possible hit {possible_id} was already {done}")
    return possible


def _close(possible: PossibleHit, status: str, note: str | None, username: str) -> None:
    possible.triage_status = status
    possible.triage_note = _note(note)
    possible.triaged_by = username[:64]
    possible.triaged_at = utcnow()


def _note(note: str | None) -> str | None:
    kept = "".join(char for char in note or "" if char in "\n\t" or ord(char) >= 32)
    return kept.strip()[:MAX_NOTE] or None


def _clean(text: str) -> str:
    # Typed text without control characters (PostgreSQL refuses NUL) and runs of spaces.
    return " ".join("".join(" " if ord(char) < 32 else char for char in text).split())


def _claims(session: Session, post_id: int) -> Claims:
    # The claims of the post's newest version, as the severity rule reads them.
    claim = session.execute(
        select(Claim)
        .where(Claim.post_id == post_id)
        .order_by(Claim.created_at.desc(), Claim.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    if claim is None:
        return Claims()
    return Claims(
        records=int(claim.records) if claim.records is not None else None,
        data_types=list(claim.data_types),
        price=claim.price,
        currency=claim.currency,
        seller=claim.seller,
        sample_offered=claim.sample_offered,
    )
