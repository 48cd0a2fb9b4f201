"""Store what the matcher found in a post: entities, hits, claims and incidents, each hit with
its severity (:mod:`crawler.core.severity`), and possible hits with their candidates. Runs
inside the storage pipeline's transaction, so a hit and its outbox rows are committed together
or not at all. The crawled text kept (a hit's matched words, a claim's seller) is redacted here
(crawler.core.redaction).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select, tuple_, update
from sqlalchemy.orm import Session

from crawler.core.listing import LISTING_SOURCE_KINDS, RansomwareListing, ransomware_listing
from crawler.core.records import EntityMatch, EntityRecord, PossibleMatch, PostFindings
from crawler.core.redaction import redact
from crawler.core.severity import SEVERITY_ORDER, severity_of
from crawler.matching.accents import with_accents
from db.exclusions import exclusion_rules, rules_apply
from db.models import Claim, Entity, Hit, Incident, PossibleHit, PossibleHitCandidate, Post, utcnow
from db.repository import dialect_insert
from db.triage import refresh_incident_status

#: Hits of one entity closer than this in time belong to the same incident.
INCIDENT_WINDOW = timedelta(days=30)
#: Most mentions kept on one hit (a paste repeating a name a thousand times keeps the first).
MAX_MENTIONS = 50


def upsert_entities(session: Session, entities: Sequence[EntityRecord]) -> dict[str, int]:
    """Create missing entities (by ``key``) and return key → id, parents included.

    Names are stored with their accents (:func:`crawler.matching.accents.with_accents`: the
    watchlist's FINESS names lost them); a stored name that differs from that only by its
    accents ("Hopital Foch", stored before) gets them.
    """
    unique = {entity.key: entity for entity in entities}
    ids: dict[str, int] = {}
    for key, entity_id, name in session.execute(
        select(Entity.key, Entity.id, Entity.name).where(Entity.key.in_(list(unique)))
    ):
        ids[key] = entity_id
        shown = with_accents(name)
        if shown != name:
            session.execute(update(Entity).where(Entity.id == entity_id).values(name=shown))
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
                name=with_accents(entity.name),
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

    A hit is one post × one entity: the matcher's matches of the entity in the post (title,
    body, repeated) become its ``mentions``, and its score and severity are its best
    mention's. Hits are unique per (post, entity), so a re-crawl adds no hit; an edited post
    naming the entity elsewhere adds the new mentions to the stored hit (no new hit, hence no
    new alert). A match of an excluded entity, or one an analyst's exclusion covers (its
    phrase, its source: db/exclusions.py), is dropped. A post of a leak site or feed that is a
    ransomware group's victim listing (:func:`crawler.core.listing.ransomware_listing`, read
    from the stored post) makes its hits at least ``high``. Claims and hits are each one
    executemany statement; incidents are read once per batch and updated once per entity.
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
    if rules or source_kind in LISTING_SOURCE_KINDS:
        ids = [post.post_id for post in hit_posts]
        stored_posts = {
            p.id: p for p in session.execute(select(Post).where(Post.id.in_(ids))).scalars()
        }
    mentions: dict[tuple[int, int], list[dict[str, Any]]] = {}
    sale: dict[int, PostFindings] = {}
    listings: dict[int, RansomwareListing | None] = {}
    kinds: dict[int, str] = {}
    for post in hit_posts:
        stored = stored_posts.get(post.post_id)
        sale[post.post_id] = post.findings
        listings[post.post_id] = listing_of(stored, source_kind)
        for hit in post.findings.hits:
            entity_id = entity_ids[hit.entity.key]
            if entity_id in excluded:
                continue
            if stored is not None and rules_apply(rules.get(entity_id, []), stored, hit.matched):
                continue
            kinds[entity_id] = hit.entity.kind
            mentions.setdefault((post.post_id, entity_id), []).append(mention_of(hit))
    if not mentions:
        return []
    values: list[dict[str, Any]] = []
    for (post_id, entity_id), found in mentions.items():
        ordered = merge_mentions([], found)
        best = best_mention(ordered)
        findings = sale[post_id]
        severity = severity_of(
            kinds[entity_id], findings.sale_score, findings.claim, best["score"], listings[post_id]
        )
        values.append(
            {
                "post_id": post_id,
                "entity_id": entity_id,
                "mentions": ordered,
                "matched": best["matched"],
                "score": best["score"],
                "severity": severity,
                "created_at": now,
                "triage_status": "new",
            }
        )
    table = Hit.__table__
    stmt = (
        dialect_insert(session)(table)
        .on_conflict_do_nothing(index_elements=[table.c.post_id, table.c.entity_id])
        .returning(table.c.id, table.c.entity_id, table.c.severity, table.c.post_id)
    )
    inserted = sorted(session.execute(stmt, values).all())
    created = {(post_id, entity_id) for _id, entity_id, _severity, post_id in inserted}
    _add_mentions(session, {key: found for key, found in mentions.items() if key not in created})
    new_hits = [(hit_id, entity_id, severity) for hit_id, entity_id, severity, _ in inserted]
    attach_incidents(session, new_hits, now)
    return [hit_id for hit_id, _entity_id, _severity in new_hits]


def mention_of(hit: EntityMatch) -> dict[str, Any]:
    """A hit's mention as stored in ``Hit.mentions``; the matched words are redacted."""
    return {
        "field": hit.field,
        "start": hit.start,
        "end": hit.end,
        "matched": redact(hit.matched)[:500],
        "score": hit.score,
    }


def merge_mentions(
    known: Sequence[dict[str, Any]], found: Sequence[dict[str, Any]]
) -> list[dict[str, Any]]:
    """``known`` mentions and ``found`` ones, once per (field, start), the title first then by
    field and position; at most MAX_MENTIONS (the first ones)."""
    unique: dict[tuple[str, int], dict[str, Any]] = {}
    for mention in [*known, *found]:
        unique.setdefault((mention["field"], mention["start"]), mention)
    ordered = sorted(unique.values(), key=lambda m: (m["field"] != "title", m["field"], m["start"]))
    return ordered[:MAX_MENTIONS]


def best_mention(mentions: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """The mention with the highest score, the first of equals (title first)."""
    return max(mentions, key=lambda mention: float(mention["score"]))


def _add_mentions(session: Session, found: dict[tuple[int, int], list[dict[str, Any]]]) -> None:
    """Add newly found mentions to hits already stored (an edited post names the entity again
    elsewhere): the hit stays one hit, with no new alert; its best mention may change."""
    if not found:
        return
    stored = session.execute(
        select(Hit).where(tuple_(Hit.post_id, Hit.entity_id).in_(list(found)))
    ).scalars()
    for hit in stored:
        merged = merge_mentions(hit.mentions, found[(hit.post_id, hit.entity_id)])
        if merged != hit.mentions:
            best = best_mention(merged)
            hit.mentions, hit.matched, hit.score = merged, best["matched"], best["score"]


def listing_of(post: Post | None, source_kind: str) -> RansomwareListing | None:
    """The ransomware listing a stored post is (its group and date), or None."""
    if post is None:
        return None
    return ransomware_listing(
        source_kind,
        post.author,
        post.extra,
        post.tags,
        post.posted_at,
        post.first_seen,
        post.group_name,
    )


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
                "seller": redact(claim.seller)[:255] if claim.seller else None,
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


def attach_incidents(
    session: Session, new_hits: Sequence[tuple[int, int, str]], now: datetime
) -> None:
    """Put new hits, ``(hit id, entity id, severity)``, in their entity's incident of the last
    INCIDENT_WINDOW (a new one when there is none), raising its severity and hit count, and
    setting its status from its hits' triage again."""
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
    # A new hit is untriaged: a handled incident is open again (confirmed), a dismissed one new.
    refresh_incident_status(session, [incident.id for incident in current.values()])


def store_batch_possible_hits(
    session: Session, posts: Sequence[FoundPost], now: datetime | None = None
) -> list[int]:
    """Store the possible hits of a batch of posts with their candidates; return the new ids.

    Possible hits are unique per (post, field, start), so a re-crawl adds nothing. A candidate
    that is excluded (the whole entity, or an analyst's exclusion covering the name in this post:
    db/exclusions.py) is left out, and a possible hit left without candidates is dropped; so is
    one of which a candidate is already a hit of the same post (the post names it elsewhere).
    """
    now = now or utcnow()
    pending = [
        (post.post_id, possible)
        for post in posts
        for possible in post.findings.possible
        if not {hit.entity.key for hit in post.findings.hits}
        & {candidate.key for candidate in possible.candidates}
    ]
    if not pending:
        return []
    entity_ids = upsert_entities(
        session, [candidate for _, possible in pending for candidate in possible.candidates]
    )
    allowed = _allowed_candidates(session, pending, entity_ids)
    values: list[dict[str, Any]] = []
    kept: dict[tuple[int, str, int], list[int]] = {}
    for (post_id, possible), candidates in zip(pending, allowed, strict=True):
        if not candidates or (post_id, possible.field, possible.start) in kept:
            continue
        kept[(post_id, possible.field, possible.start)] = candidates
        values.append(_possible_values(post_id, possible, now))
    if not values:
        return []
    table = PossibleHit.__table__
    stmt = (
        dialect_insert(session)(table)
        .on_conflict_do_nothing(index_elements=[table.c.post_id, table.c.field, table.c.start])
        .returning(table.c.id, table.c.post_id, table.c.field, table.c.start)
    )
    new = sorted(session.execute(stmt, values).all())
    rows = [
        {"possible_hit_id": possible_id, "entity_id": entity_id, "position": position}
        for possible_id, post_id, field, start in new
        for position, entity_id in enumerate(kept[(post_id, field, start)])
    ]
    if rows:
        session.execute(dialect_insert(session)(PossibleHitCandidate.__table__), rows)
    return [possible_id for possible_id, *_ in new]


def _allowed_candidates(
    session: Session,
    pending: Sequence[tuple[int, PossibleMatch]],
    entity_ids: dict[str, int],
) -> list[list[int]]:
    # The entity ids of each possible hit's candidates that no exclusion covers, in order.
    ids = set(entity_ids.values())
    excluded = set(
        session.execute(
            select(Entity.id).where(Entity.id.in_(ids), Entity.excluded.is_(True))
        ).scalars()
    )
    rules = exclusion_rules(session, ids)
    stored: dict[int, Post] = {}
    if rules:
        post_ids = list({post_id for post_id, _ in pending})
        stored = {
            p.id: p for p in session.execute(select(Post).where(Post.id.in_(post_ids))).scalars()
        }
    allowed: list[list[int]] = []
    for post_id, possible in pending:
        post = stored.get(post_id)
        candidates: list[int] = []
        for candidate in possible.candidates:
            entity_id = entity_ids[candidate.key]
            if entity_id in excluded or entity_id in candidates:
                continue
            if post is not None and rules_apply(rules.get(entity_id, []), post, possible.matched):
                continue
            candidates.append(entity_id)
        allowed.append(candidates)
    return allowed


def _possible_values(post_id: int, possible: PossibleMatch, now: datetime) -> dict[str, Any]:
    return {
        "post_id": post_id,
        "field": possible.field,
        "start": possible.start,
        "end": possible.end,
        "matched": possible.matched[:500],
        "score": possible.score,
        "reasons": list(possible.reasons),
        "created_at": now,
        "triage_status": "new",
    }
