"""Store what the matcher found in a post: entities, hits, claims and incidents, each hit with
its severity (:mod:`crawler.core.severity`). Runs inside the storage pipeline's transaction, so
a hit and its outbox rows are committed together or not at all.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from crawler.core.records import EntityRecord, PostFindings
from crawler.core.severity import SEVERITY_ORDER, severity_of
from db.exclusions import exclusion_rules, rules_apply
from db.models import Claim, Entity, Hit, Incident, Post, utcnow
from db.repository import dialect_insert

#: Hits of one entity closer than this in time belong to the same incident.
INCIDENT_WINDOW = timedelta(days=30)


def upsert_entities(session: Session, entities: Sequence[EntityRecord]) -> dict[str, int]:
    """Create missing entities (by ``key``) and return key → id, parents included."""
    unique = {entity.key: entity for entity in entities}
    ids = dict(
        (key, entity_id)
        for key, entity_id in session.execute(
            select(Entity.key, Entity.id).where(Entity.key.in_(list(unique)))
        )
    )
    insert = dialect_insert(session)
    for key, entity in unique.items():
        if key in ids:
            continue
        parent_id = None
        if entity.parent_key:
            parent_id = session.execute(
                select(Entity.id).where(Entity.key == entity.parent_key)
            ).scalar_one_or_none()
        stmt = (
            insert(Entity)
            .values(
                key=key,
                kind=entity.kind,
                name=entity.name,
                finess_et=entity.finess_et,
                finess_ej=entity.finess_ej,
                parent_id=parent_id,
                category=entity.category,
                department=entity.department,
                region=entity.region,
                city=entity.city,
                aliases=list(entity.aliases),
                domains=list(entity.domains),
                tags=list(entity.tags),
                origin="watchlist",
                excluded=False,
                updated_at=utcnow(),
            )
            .on_conflict_do_nothing(index_elements=[Entity.key])
        )
        session.execute(stmt)
        ids[key] = session.execute(select(Entity.id).where(Entity.key == key)).scalar_one()
    return ids


@dataclass(frozen=True)
class FoundPost:
    """A stored post and what the matcher found in this version of it."""

    post_id: int
    content_hash: str
    findings: PostFindings


def store_findings(
    session: Session,
    post_id: int,
    content_hash: str,
    findings: PostFindings,
    source_kind: str,
    now: datetime | None = None,
) -> list[int]:
    """Store one post's hits (new ones only), its claim and incidents; return new hit ids.

    See :func:`store_batch_findings`.
    """
    return store_batch_findings(
        session, [FoundPost(post_id, content_hash, findings)], source_kind, now
    )


def store_batch_findings(
    session: Session, posts: Sequence[FoundPost], source_kind: str, now: datetime | None = None
) -> list[int]:
    """Store the hits (new ones only), claims and incidents of a batch of posts of one source;
    return the new hit ids, in insertion order.

    Hits are unique per (post, entity, field, start), so a re-crawl adds nothing; a hit of an
    excluded entity, or one an analyst's exclusion covers (its phrase, its source:
    db/exclusions.py), is dropped. Claims and hits are each one executemany statement; incidents
    are read once per batch and updated once per entity.
    """
    now = now or utcnow()
    _store_claims(session, [post for post in posts if _has_claim(post.findings)], now)
    hit_posts = [post for post in posts if post.findings.hits]
    if not hit_posts:
        return []
    entity_ids = upsert_entities(
        session, [hit.entity for post in hit_posts for hit in post.findings.hits]
    )
    excluded = set(
        session.execute(
            select(Entity.id).where(Entity.id.in_(entity_ids.values()), Entity.excluded.is_(True))
        ).scalars()
    )
    rules = exclusion_rules(session, entity_ids.values())
    stored_posts: dict[int, Post] = {}
    if rules:
        ids = [post.post_id for post in hit_posts]
        stored_posts = {
            p.id: p for p in session.execute(select(Post).where(Post.id.in_(ids))).scalars()
        }
    values: list[dict[str, Any]] = []
    for post in hit_posts:
        findings = post.findings
        stored = stored_posts.get(post.post_id)
        for hit in findings.hits:
            entity_id = entity_ids[hit.entity.key]
            if entity_id in excluded:
                continue
            if stored is not None and rules_apply(rules.get(entity_id, []), stored, hit.matched):
                continue
            severity = severity_of(
                hit.entity.kind, findings.sale_score, findings.claim, source_kind, hit.score
            )
            values.append(
                {
                    "post_id": post.post_id,
                    "entity_id": entity_id,
                    "field": hit.field,
                    "start": hit.start,
                    "end": hit.end,
                    "matched": hit.matched[:500],
                    "score": hit.score,
                    "severity": severity,
                    "created_at": now,
                    "triage_status": "new",
                }
            )
    if not values:
        return []
    table = Hit.__table__
    stmt = (
        dialect_insert(session)(table)
        .on_conflict_do_nothing(
            index_elements=[table.c.post_id, table.c.entity_id, table.c.field, table.c.start]
        )
        .returning(table.c.id, table.c.entity_id, table.c.severity)
    )
    new_hits = sorted(
        (hit_id, entity_id, severity)
        for hit_id, entity_id, severity in session.execute(stmt, values)
    )
    _attach_incidents(session, new_hits, now)
    return [hit_id for hit_id, _entity_id, _severity in new_hits]


def _has_claim(findings: PostFindings) -> bool:
    return bool(findings.sale_score > 0 or findings.claim.records or findings.claim.seller)


def _store_claims(session: Session, posts: Sequence[FoundPost], now: datetime) -> None:
    if not posts:
        return
    values: list[dict[str, Any]] = []
    for post in posts:
        claim = post.findings.claim
        values.append(
            {
                "post_id": post.post_id,
                "content_hash": post.content_hash,
                "records": claim.records,
                "data_types": sorted(set(claim.data_types)),
                "price": claim.price,
                "currency": claim.currency,
                "seller": claim.seller[:255] if claim.seller else None,
                "sample_offered": claim.sample_offered,
                "sale_score": post.findings.sale_score,
                "created_at": now,
            }
        )
    table = Claim.__table__
    stmt = dialect_insert(session)(table).on_conflict_do_nothing(
        index_elements=[table.c.post_id, table.c.content_hash]
    )
    session.execute(stmt, values)


def _attach_incidents(
    session: Session, new_hits: Sequence[tuple[int, int, str]], now: datetime
) -> None:
    # Each entity's new hits join its incident of the last INCIDENT_WINDOW (or a new one).
    by_entity: dict[int, list[tuple[int, str]]] = {}
    for hit_id, entity_id, severity in new_hits:
        by_entity.setdefault(entity_id, []).append((hit_id, severity))
    current: dict[int, Incident] = {}
    recent = session.execute(
        select(Incident)
        .where(Incident.entity_id.in_(list(by_entity)), Incident.last_seen >= now - INCIDENT_WINDOW)
        .order_by(Incident.last_seen.desc(), Incident.id.desc())
        .with_for_update()
    ).scalars()
    for row in recent:
        current.setdefault(row.entity_id, row)
    fresh = [
        Incident(
            entity_id=entity_id,
            first_seen=now,
            last_seen=now,
            severity="low",
            status="new",
            hit_count=0,
            slack_thread={},
        )
        for entity_id in by_entity
        if entity_id not in current
    ]
    if fresh:
        session.add_all(fresh)
        session.flush()  # one batched INSERT gives the new incidents their ids
        current.update((incident.entity_id, incident) for incident in fresh)
    assignments: list[dict[str, int]] = []
    for entity_id, hits in by_entity.items():
        incident = current[entity_id]
        incident.last_seen = max(incident.last_seen, now)
        incident.hit_count += len(hits)
        for _hit_id, severity in hits:
            if SEVERITY_ORDER.index(severity) > SEVERITY_ORDER.index(incident.severity):
                incident.severity = severity
        assignments += [{"id": hit_id, "incident_id": incident.id} for hit_id, _severity in hits]
    if assignments:  # ORM bulk UPDATE by primary key: one executemany for the batch
        session.execute(update(Hit), assignments)
