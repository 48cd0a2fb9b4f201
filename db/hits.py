"""The hit list: every post naming a watched entity, newest first, filtered and paginated.

One function, :func:`hit_list`, answers the CLI (``leakwatch hits``), the web page and the
JSON API, so the three always agree. Filters on the entity (name, FINESS, kind, group, vendor,
department, region) become one ``entity_id IN (…)`` sub-select; full-text search is a condition on
the joined post (:mod:`db.search`); the rest are plain conditions. Pages are
cut by keyset on (``created_at``, ``id``) (:mod:`db.pagination`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, replace
from dataclasses import field as dataclass_field
from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Float,
    Select,
    func,
    literal,
    literal_column,
    or_,
    select,
    tuple_,
)
from sqlalchemy.orm import Session

from crawler.core.severity import SALE_THRESHOLD
from db.entities import claims_by_post
from db.entity_lookup import entity_condition
from db.errors import NotFound
from db.models import Claim, Entity, Hit, Post, Source
from db.pagination import Page, before, clamp_limit, page_of, walk_pages
from db.search import estimated_rows, post_matches

SEVERITIES = ("low", "medium", "high", "critical")
#: SQLite: hits walked newest first before falling back to the planner's plan, and the
#: probability the walk tells the planner each filter has.
WALK_WINDOW = 20_000
LIKELY = 0.9
#: Searches matching at most this many posts start from those posts (see resolve_search).
SEARCH_DRIVE_LIMIT = 5_000


@dataclass(frozen=True)
class HitFilters:
    """What to keep in a hit list; every field left None (or False) keeps everything.

    ``entity`` is what :mod:`db.entity_lookup` looks up: words of a name or alias (any case or
    accents), a FINESS number (ET or EJ), a key or a domain. ``group`` and
    ``vendor`` keep hits on that group or vendor, on entities whose parent it is, or on entities
    tagged with exactly that text. ``since``/``until`` bound the hit's detection time
    (``until`` excluded). ``sale_only`` keeps posts whose sale score reaches
    ``crawler.core.severity.SALE_THRESHOLD``. ``query`` is full-text search (:mod:`db.search`);
    ``post_ids`` keeps hits of those posts (what a rare search resolves to).
    ``ransomware_group`` keeps posts listed by that ransomware group (any case); ``seller``
    posts one of whose versions claims that seller handle (any case).
    """

    entity: str | None = None
    entity_id: int | None = None
    kind: str | None = None
    group: str | None = None
    vendor: str | None = None
    department: str | None = None
    region: str | None = None
    source: str | None = None
    source_kind: str | None = None
    ransomware_group: str | None = None
    seller: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    sale_only: bool = False
    min_score: float | None = None
    query: str | None = None
    status: str | None = None
    severity: str | None = None
    incident_id: int | None = None
    post_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class HitRow:
    """One line of the hit list: the hit (one post × one entity), its entity, its post and the
    post's source. ``matched`` is the best mention's words; ``mentions`` every place the post
    names the entity (``field``, ``start``, ``end``, ``matched``, ``score``)."""

    id: int
    created_at: datetime
    severity: str
    score: float
    triage_status: str
    triage_note: str | None
    triaged_by: str | None
    matched: str
    mentions: list[dict[str, Any]]
    incident_id: int | None
    entity_id: int
    entity_name: str
    entity_kind: str
    finess: str | None
    department: str | None
    region: str | None
    post_id: int
    title: str
    excerpt: str
    url: str | None
    author: str | None
    ransomware_group: str | None
    posted_at: datetime | None
    first_seen: datetime
    sale_score: float
    source_name: str
    source_kind: str
    #: What the post's newest version claims (:class:`db.entities.ClaimRow`).
    records: int | None = None
    data_types: list[str] = dataclass_field(default_factory=list)
    price: float | None = None
    currency: str | None = None
    seller: str | None = None

    def as_dict(self) -> dict[str, Any]:
        """The row as a dict, in field order (datetimes left as datetimes)."""
        return asdict(self)


#: Column order of exported hit lists (CSV header, JSON keys).
HIT_COLUMNS = tuple(HitRow.__dataclass_fields__)


def hit_list(
    session: Session, filters: HitFilters, cursor: str | None = None, limit: int | None = None
) -> Page[HitRow]:
    """One page of hits matching ``filters``, newest first, after ``cursor``.

    Raises InvalidCursor for a cursor this function did not produce.
    """
    size = clamp_limit(limit)
    after = before(Hit.created_at, Hit.id, cursor)
    filters = resolve_search(session, filters)
    if session.get_bind().dialect.name == "sqlite" and hit_conditions(session, filters):
        rows = _walk_then_search(session, filters, after, size + 1)
    else:
        stmt = hits_query(session, filters)
        if after is not None:
            stmt = stmt.where(after)
        rows = list(session.execute(stmt.limit(size + 1)).all())
    items = hit_rows(session, rows)
    return page_of(items, size, lambda row: (row.created_at, row.id))


def hit_rows(session: Session, rows: Sequence[Any]) -> list[HitRow]:
    """Hit-list rows from ``hits_query`` rows, with what each post's newest version claims."""
    claims = claims_by_post(session, sorted({row.post_id for row in rows}))
    items = []
    for row in rows:
        versions = claims.get(row.post_id)
        latest = versions[-1] if versions else None
        extra: dict[str, Any] = {}
        if latest is not None:
            extra = {
                "records": latest.records,
                "data_types": latest.data_types,
                "price": latest.price,
                "currency": latest.currency,
                "seller": latest.seller,
            }
        items.append(HitRow(**row._mapping, **extra))
    return items


def resolve_search(session: Session, filters: HitFilters) -> HitFilters:
    """``filters`` with a rare search replaced by the ids of the posts it matches.

    A search matching at most SEARCH_DRIVE_LIMIT posts is answered from those posts (few hits
    to sort); a commoner one stays a condition checked while walking hits newest first, where
    matches come quickly. Neither engine's planner can tell the two apart from its statistics.
    """
    if not filters.query:
        return filters
    condition = post_matches(session, filters.query)
    if condition is None:
        return replace(filters, query=None)
    matching = select(Post.id).where(condition)
    # PostgreSQL: collecting thousands of matches of a common word costs more than the walk;
    # the planner's estimate says which it is for the price of a plan.
    if session.get_bind().dialect.name == "postgresql" and (
        estimated_rows(session, matching) > SEARCH_DRIVE_LIMIT
    ):
        return filters
    found = tuple(session.execute(matching.limit(SEARCH_DRIVE_LIMIT + 1)).scalars())
    if len(found) > SEARCH_DRIVE_LIMIT:
        return filters
    return replace(filters, query=None, post_ids=found)


def _walk_then_search(
    session: Session, filters: HitFilters, after: ColumnElement[bool] | None, wanted: int
) -> list[Any]:
    """SQLite: the first ``wanted`` matching hits, newest first, found in two steps.

    SQLite's planner, even with statistics, either walks the (created_at, id) index and stops
    early (fast when matches are common, a full scan when they are rare) or starts from the
    most selective filter and sorts (fast when rare, slow when common), and picks wrongly in
    both directions. So: walk the newest WALK_WINDOW hits, telling the planner the filters
    are likely true; if they hold fewer than ``wanted`` matches, the matches are rare and
    the older ones are found by the planner's own choice of plan.
    """
    newest = select(Hit.created_at, Hit.id).order_by(Hit.created_at.desc(), Hit.id.desc())
    if after is not None:
        newest = newest.where(after)
    bound = session.execute(newest.offset(WALK_WINDOW).limit(1)).one_or_none()
    walk = hits_query(session, filters, walk=True).limit(wanted)
    if after is not None:
        walk = walk.where(after)
    if bound is not None:
        walk = walk.where(tuple_(Hit.created_at, Hit.id) >= tuple(bound))
    rows = list(session.execute(walk).all())
    if len(rows) >= wanted or bound is None:
        return rows
    older = hits_query(session, filters).where(tuple_(Hit.created_at, Hit.id) < tuple(bound))
    return rows + list(session.execute(older.limit(wanted - len(rows))).all())


def hit_by_id(session: Session, hit_id: int) -> HitRow:
    """One hit as a hit-list row; raises NotFound when there is no such hit."""
    row = session.execute(hits_query(session, HitFilters()).where(Hit.id == hit_id)).one_or_none()
    if row is None:
        raise NotFound(f"no hit {hit_id}")
    return hit_rows(session, [row])[0]


def iter_hits(
    session: Session, filters: HitFilters, max_rows: int, cursor: str | None = None
) -> Iterator[HitRow]:
    """Every hit matching ``filters`` after ``cursor``, newest first, up to ``max_rows``, page
    by page."""
    return walk_pages(
        lambda after, limit: hit_list(session, filters, after, limit), max_rows, cursor
    )


def hits_query(
    session: Session, filters: HitFilters, walk: bool = False
) -> Select[*tuple[Any, ...]]:
    """The hit-list ``SELECT`` (no limit, no cursor), ordered newest first.

    ``walk`` (SQLite only) marks every filter as likely true and keeps search from driving the
    plan, so that SQLite walks hits newest first (see :func:`_walk_then_search`).
    """
    stmt = (
        select(
            Hit.id,
            Hit.created_at,
            Hit.severity,
            Hit.score,
            Hit.triage_status,
            Hit.triage_note,
            Hit.triaged_by,
            Hit.matched,
            Hit.mentions,
            Hit.incident_id,
            Entity.id.label("entity_id"),
            Entity.name.label("entity_name"),
            Entity.kind.label("entity_kind"),
            func.coalesce(Entity.finess_et, Entity.finess_ej).label("finess"),
            Entity.department,
            Entity.region,
            Post.id.label("post_id"),
            Post.title,
            Post.excerpt,
            Post.url,
            Post.author,
            Post.group_name.label("ransomware_group"),
            Post.posted_at,
            Post.first_seen,
            Post.sale_score,
            Source.name.label("source_name"),
            Source.kind.label("source_kind"),
        )
        .join(Entity, Hit.entity_id == Entity.id)
        .join(Post, Hit.post_id == Post.id)
        .join(Source, Post.source_id == Source.id)
        .order_by(Hit.created_at.desc(), Hit.id.desc())
    )
    conditions = hit_conditions(session, filters, walk)
    if walk:
        likely = literal_column(repr(LIKELY), Float)  # SQLite wants a literal, not a parameter
        conditions = [func.likelihood(condition, likely) for condition in conditions]
    return stmt.where(*conditions)


def hit_conditions(
    session: Session, filters: HitFilters, walk: bool = False
) -> list[ColumnElement[bool]]:
    """The WHERE conditions of ``filters`` over hits joined to entities, posts and sources."""
    conditions: list[ColumnElement[bool]] = []
    entities = entity_conditions(session, filters)
    if entities:
        conditions.append(Hit.entity_id.in_(select(Entity.id).where(*entities)))
    if filters.entity_id is not None:
        conditions.append(Hit.entity_id == filters.entity_id)
    if filters.incident_id is not None:
        conditions.append(Hit.incident_id == filters.incident_id)
    if filters.source:
        conditions.append(Source.name == filters.source)
    if filters.source_kind:
        conditions.append(Source.kind == filters.source_kind)
    if filters.ransomware_group:
        conditions.append(func.lower(Post.group_name) == filters.ransomware_group.lower())
    if filters.seller:
        sold_by = select(Claim.post_id).where(func.lower(Claim.seller) == filters.seller.lower())
        conditions.append(Hit.post_id.in_(sold_by))
    if filters.since is not None:
        conditions.append(Hit.created_at >= filters.since)
    if filters.until is not None:
        conditions.append(Hit.created_at < filters.until)
    if filters.sale_only:
        conditions.append(Post.sale_score >= SALE_THRESHOLD)
    if filters.min_score is not None:
        conditions.append(Hit.score >= filters.min_score)
    if filters.status:
        conditions.append(Hit.triage_status == filters.status)
    if filters.severity:
        conditions.append(Hit.severity == filters.severity)
    if filters.post_ids is not None:
        conditions.append(Hit.post_id.in_(filters.post_ids))
    if filters.query:
        matches = post_matches(session, filters.query, drive=not walk)
        if matches is not None:
            conditions.append(matches)
    return conditions


def entity_conditions(session: Session, filters: HitFilters) -> list[ColumnElement[bool]]:
    """Conditions on ``Entity`` for the entity-level filters (empty when there are none)."""
    conditions: list[ColumnElement[bool]] = []
    if filters.entity:
        conditions.append(entity_condition(session, filters.entity))
    if filters.kind:
        conditions.append(Entity.kind == filters.kind)
    if filters.department:
        conditions.append(Entity.department == filters.department)
    if filters.region:
        conditions.append(Entity.region == filters.region)
    if filters.group:
        conditions.append(related_to(session, "group", filters.group))
    if filters.vendor:
        conditions.append(related_to(session, "vendor", filters.vendor))
    return conditions


def related_to(session: Session, kind: str, text: str) -> ColumnElement[bool]:
    """Entities that are the ``kind`` entity ``text`` designates (:mod:`db.entity_lookup`),
    its children, or tagged ``text``."""
    named = select(Entity.id).where(entity_condition(session, text, kind))
    return or_(Entity.id.in_(named), Entity.parent_id.in_(named), tags_contain(session, text))


def tags_contain(session: Session, tag: str) -> ColumnElement[bool]:
    """``Entity.tags`` (a JSON list) contains exactly ``tag``, on either engine."""
    if session.get_bind().dialect.name == "sqlite":
        each = func.json_each(Entity.tags).table_valued("value")
        return select(literal(1)).select_from(each).where(each.c.value == tag).exists()
    return Entity.tags.op("@>")(func.jsonb_build_array(tag))
