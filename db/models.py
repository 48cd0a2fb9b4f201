"""Typed SQLAlchemy 2.0 models: sources, crawl runs, posts, the watchlist, hits, possible hits
and their candidates, analysts' aliases, claims, incidents, exclusions, the alert outbox, the web
UI's users, their sessions and API tokens, and evidence of hit pages.

Every datetime column is timezone-aware UTC on both engines (:class:`UTCDateTime`). Schema changes
are Alembic revisions under ``db/migrations``; ``tests/db/test_migrations.py`` fails on drift.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Dialect,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    Numeric,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
)
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A datetime stored as UTC and always returned timezone-aware (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONType = JSON().with_variant(JSONB(), "postgresql")


class Base(DeclarativeBase):
    """Declarative base with a naming convention so migrations name constraints the same way."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONType,
        list[str]: JSONType,
        list[dict[str, Any]]: JSONType,
    }


class Source(Base):
    """A configured source, its incremental crawl state and its health."""

    __tablename__ = "sources"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    engine: Mapped[str] = mapped_column(String(32))
    config: Mapped[dict[str, Any]] = mapped_column(default=dict)
    enabled: Mapped[bool] = mapped_column(Boolean, default=True)
    health: Mapped[str] = mapped_column(String(16), default="unknown")
    health_detail: Mapped[str | None] = mapped_column(Text)
    health_changed_at: Mapped[datetime | None]
    state: Mapped[dict[str, Any]] = mapped_column(default=dict)
    consecutive_failures: Mapped[int] = mapped_column(Integer, default=0)
    backoff_until: Mapped[datetime | None]
    last_run_at: Mapped[datetime | None]
    next_run_at: Mapped[datetime | None]
    lease_owner: Mapped[str | None] = mapped_column(String(128))
    lease_until: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    runs: Mapped[list[CrawlRun]] = relationship(back_populates="source")


class CrawlRun(Base):
    """One crawl of one source: what it fetched, found and how it ended."""

    __tablename__ = "crawl_runs"
    __table_args__ = (Index("ix_crawl_runs_source_started", "source_id", "started_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    finished_at: Mapped[datetime | None]
    status: Mapped[str] = mapped_column(String(16), default="running")
    health: Mapped[str | None] = mapped_column(String(16))
    pages: Mapped[int] = mapped_column(Integer, default=0)
    items: Mapped[int] = mapped_column(Integer, default=0)
    new_posts: Mapped[int] = mapped_column(Integer, default=0)
    hits: Mapped[int] = mapped_column(Integer, default=0)
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    errors: Mapped[int] = mapped_column(Integer, default=0)
    error_detail: Mapped[str | None] = mapped_column(Text)
    snapshot_path: Mapped[str | None] = mapped_column(String(512))

    source: Mapped[Source] = relationship(back_populates="runs")


class Post(Base):
    """A crawled post (thread, message, paste, leak-site entry, feed entry): metadata only.

    The full text is never stored: ``excerpt`` is short and redacted, ``raw_length`` its size.
    """

    __tablename__ = "posts"
    __table_args__ = (
        UniqueConstraint("source_id", "external_id", name="uq_posts_source_external"),
        Index("ix_posts_first_seen", "first_seen"),
        Index("ix_posts_group_name", "group_name"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    external_id: Mapped[str] = mapped_column(String(255))
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str] = mapped_column(Text)
    author: Mapped[str | None] = mapped_column(String(255))
    #: The ransomware group that listed the victim (leak sites, trackers' feeds); ``author`` is
    #: a forum's, channel's or paste's author.
    group_name: Mapped[str | None] = mapped_column(String(255))
    posted_at: Mapped[datetime | None]
    activity_at: Mapped[datetime | None]
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    removed_at: Mapped[datetime | None]
    content_hash: Mapped[str] = mapped_column(String(64))
    excerpt: Mapped[str] = mapped_column(Text, default="")
    raw_length: Mapped[int] = mapped_column(Integer, default=0)
    sale_score: Mapped[float] = mapped_column(Float, default=0.0)
    tags: Mapped[list[str]] = mapped_column(default=list)
    extra: Mapped[dict[str, Any]] = mapped_column(default=dict)

    source: Mapped[Source] = relationship()
    hits: Mapped[list[Hit]] = relationship(back_populates="post")
    claims: Mapped[list[Claim]] = relationship(back_populates="post")


class Entity(Base):
    """A watched entity: FINESS establishment or legal entity, group, vendor, insurer, lab,
    occupational-health service.

    ``key`` is the stable identity used for upserts: ``finess:<ET>``, ``finess-ej:<EJ>`` or
    ``<kind>:<slug>`` for curated and custom entries.
    """

    __tablename__ = "entities"
    __table_args__ = (Index("ix_entities_department", "department"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(String(128), unique=True)
    kind: Mapped[str] = mapped_column(String(16))
    name: Mapped[str] = mapped_column(Text)
    finess_et: Mapped[str | None] = mapped_column(String(9), index=True)
    finess_ej: Mapped[str | None] = mapped_column(String(9), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"))
    category: Mapped[str | None] = mapped_column(String(128))
    department: Mapped[str | None] = mapped_column(String(3))
    region: Mapped[str | None] = mapped_column(String(64))
    city: Mapped[str | None] = mapped_column(String(128))
    aliases: Mapped[list[str]] = mapped_column(default=list)
    domains: Mapped[list[str]] = mapped_column(default=list)
    tags: Mapped[list[str]] = mapped_column(default=list)
    origin: Mapped[str] = mapped_column(String(16), default="bundled")
    excluded: Mapped[bool] = mapped_column(Boolean, default=False)
    closed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    parent: Mapped[Entity | None] = relationship(remote_side=[id])


class Incident(Base):
    """One entity's hits across sources, grouped in time (a sale re-posted on Telegram is one)."""

    __tablename__ = "incidents"
    __table_args__ = (
        Index("ix_incidents_entity_last_seen", "entity_id", "last_seen"),
        Index("ix_incidents_last_seen_id", "last_seen", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    first_seen: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(default=utcnow)
    severity: Mapped[str] = mapped_column(String(16), default="low")
    status: Mapped[str] = mapped_column(String(16), default="new")
    hit_count: Mapped[int] = mapped_column(Integer, default=0)
    slack_thread: Mapped[dict[str, Any]] = mapped_column(default=dict)

    entity: Mapped[Entity] = relationship()
    hits: Mapped[list[Hit]] = relationship(back_populates="incident")


class Hit(Base):
    """One post naming one entity: where and how (its mentions), how sure, and its triage.

    A post names an entity once however often it writes the name (title and body, repeated
    mentions): ``mentions`` lists each place, ``{"field", "start", "end", "matched",
    "score"}``, title first then by position (:func:`db.findings.merge_mentions`).
    ``matched`` and ``score`` are those of the best mention. Counts, triage, alerts and
    exports are per hit, hence per post × entity.
    """

    __tablename__ = "hits"
    __table_args__ = (
        UniqueConstraint("post_id", "entity_id", name="uq_hits_post_entity"),
        # Keyset pagination walks (created_at, id) newest first, overall and per entity/status.
        Index("ix_hits_created_id", "created_at", "id"),
        Index("ix_hits_entity_created_id", "entity_id", "created_at", "id"),
        Index("ix_hits_status_created_id", "triage_status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    incident_id: Mapped[int | None] = mapped_column(
        ForeignKey("incidents.id", ondelete="SET NULL"), index=True
    )
    mentions: Mapped[list[dict[str, Any]]] = mapped_column(default=list)
    matched: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    severity: Mapped[str] = mapped_column(String(16), default="low")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    triage_status: Mapped[str] = mapped_column(String(16), default="new")
    triage_note: Mapped[str | None] = mapped_column(Text)
    triaged_by: Mapped[str | None] = mapped_column(String(64))
    triaged_at: Mapped[datetime | None]

    post: Mapped[Post] = relationship(back_populates="hits")
    entity: Mapped[Entity] = relationship()
    incident: Mapped[Incident | None] = relationship(back_populates="hits")


class PossibleHit(Base):
    """A name in a post that could be one of several entities, left for an analyst to tell.

    Stored only in a French health context (:mod:`crawler.matching.review`): ``reasons`` says
    which (``health``, ``sale``, ``ransomware``). ``triage_status`` is ``new`` (waiting),
    ``confirmed`` (resolved to ``entity_id``; ``hit_id`` is the hit it became) or
    ``false_positive`` (dismissed). Its severity is always ``review``.
    """

    __tablename__ = "possible_hits"
    __table_args__ = (
        UniqueConstraint("post_id", "field", "start", name="uq_possible_hits_post_span"),
        Index("ix_possible_hits_created_id", "created_at", "id"),
        Index("ix_possible_hits_status_created_id", "triage_status", "created_at", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    field: Mapped[str] = mapped_column(String(16))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    matched: Mapped[str] = mapped_column(Text)
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[str]] = mapped_column(default=list)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    triage_status: Mapped[str] = mapped_column(String(16), default="new")
    triage_note: Mapped[str | None] = mapped_column(Text)
    triaged_by: Mapped[str | None] = mapped_column(String(64))
    triaged_at: Mapped[datetime | None]
    entity_id: Mapped[int | None] = mapped_column(ForeignKey("entities.id", ondelete="SET NULL"))
    hit_id: Mapped[int | None] = mapped_column(ForeignKey("hits.id", ondelete="SET NULL"))

    post: Mapped[Post] = relationship()
    candidates: Mapped[list[PossibleHitCandidate]] = relationship(
        order_by="PossibleHitCandidate.position", cascade="all, delete-orphan"
    )


class PossibleHitCandidate(Base):
    """One candidate entity of a possible hit, in the matcher's order (``position``)."""

    __tablename__ = "possible_hit_candidates"

    possible_hit_id: Mapped[int] = mapped_column(
        ForeignKey("possible_hits.id", ondelete="CASCADE"), primary_key=True
    )
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer)

    entity: Mapped[Entity] = relationship()


class EntityAlias(Base):
    """An alias an analyst gave an entity (when resolving a possible hit to it).

    Crawls add these to the watchlist entity of the same key (:func:`db.review.analyst_aliases`),
    so the matcher reads the alias like any watchlist alias from the next crawl on.
    """

    __tablename__ = "entity_aliases"
    __table_args__ = (
        UniqueConstraint("entity_id", "alias", name="uq_entity_aliases_entity_alias"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(ForeignKey("entities.id", ondelete="CASCADE"))
    alias: Mapped[str] = mapped_column(String(200))
    possible_hit_id: Mapped[int | None] = mapped_column(
        ForeignKey("possible_hits.id", ondelete="SET NULL")
    )
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entity: Mapped[Entity] = relationship()


class Claim(Base):
    """What a sale post claims, per version of the post (claims can change over time)."""

    __tablename__ = "claims"
    __table_args__ = (UniqueConstraint("post_id", "content_hash", name="uq_claims_post_content"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    content_hash: Mapped[str] = mapped_column(String(64))
    records: Mapped[int | None] = mapped_column(Numeric(20, 0))
    data_types: Mapped[list[str]] = mapped_column(default=list)
    price: Mapped[float | None] = mapped_column(Float)
    currency: Mapped[str | None] = mapped_column(String(8))
    seller: Mapped[str | None] = mapped_column(String(255))
    sample_offered: Mapped[bool] = mapped_column(Boolean, default=False)
    sale_score: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship(back_populates="claims")


class OutboxMessage(Base):
    """An alert waiting for delivery, written in the same transaction as the hit it reports.

    ``idempotency_key`` (hit × channel) is unique and is sent as the ``webhook-id``: a retry
    carries the same id so receivers deduplicate. ``status`` is ``pending`` (due at
    ``next_attempt_at``), ``delivered``, ``dead`` (gave up, ``last_error`` says why), ``held``
    (waiting for its channel's digest) or ``digested`` (summarised in a digest message). A
    deliverer leases the messages it is sending with ``locked_by``/``locked_until``;
    ``last_attempt_at`` paces each channel.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_due", "status", "next_attempt_at"),
        Index("ix_outbox_status_channel", "status", "channel", "id"),
        Index("ix_outbox_channel_attempt", "channel", "last_attempt_at"),
        Index("ix_outbox_incident_channel", "incident_id", "channel"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    channel: Mapped[str] = mapped_column(String(64))
    kind: Mapped[str] = mapped_column(String(16), default="alert")
    payload: Mapped[dict[str, Any]] = mapped_column()
    idempotency_key: Mapped[str] = mapped_column(String(128), unique=True)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    locked_until: Mapped[datetime | None]
    locked_by: Mapped[str | None] = mapped_column(String(128))
    last_attempt_at: Mapped[datetime | None]
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]
    hit_id: Mapped[int | None] = mapped_column(ForeignKey("hits.id", ondelete="SET NULL"))
    incident_id: Mapped[int | None] = mapped_column(ForeignKey("incidents.id", ondelete="SET NULL"))


class Exclusion(Base):
    """A false positive that must not come back: an entity on one source, or with one phrase.

    ``phrase`` (stored case-folded) excludes the entity's hits whose matched text, post title or
    excerpt contains it; ``source_id`` excludes the entity's hits on that source; with both set,
    both must hold. Excluding a whole entity is ``Entity.excluded`` instead.
    """

    __tablename__ = "exclusions"

    id: Mapped[int] = mapped_column(primary_key=True)
    entity_id: Mapped[int] = mapped_column(
        ForeignKey("entities.id", ondelete="CASCADE"), index=True
    )
    source_id: Mapped[int | None] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"))
    phrase: Mapped[str | None] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
    hit_id: Mapped[int | None] = mapped_column(ForeignKey("hits.id", ondelete="SET NULL"))
    created_by: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    entity: Mapped[Entity] = relationship()
    source: Mapped[Source | None] = relationship()


class User(Base):
    """A web UI account: ``journalist`` (read-only) or ``analyst`` (can triage).

    ``password_hash`` is an argon2id hash; the password itself is never stored.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    username: Mapped[str] = mapped_column(String(64), unique=True)
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[str] = mapped_column(String(16))
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    tokens: Mapped[list[ApiToken]] = relationship(back_populates="user")


class ApiToken(Base):
    """An API token for scripts, acting as its user. Only its SHA-256 digest is stored."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
    #: None: never expires (tokens made before expiry existed; ``users token --expires-in never``).
    expires_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="tokens")


class WebSession(Base):
    """A logged-in web UI session, kept server-side so that it can end before its cookie does.

    The cookie holds a 256-bit random secret; only its SHA-256 digest is stored (as for API
    tokens). Logging out deletes the row, and so do disabling the user and changing their
    password: a copied cookie then stops working at once.
    """

    __tablename__ = "web_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]


class Evidence(Base):
    """What a page that produced a hit was: its HTML's sha256 and, for a browser page, the path
    of a PNG screenshot under ``<data_dir>/evidence`` (the page itself is not kept)."""

    __tablename__ = "evidence"
    __table_args__ = (UniqueConstraint("post_id", "html_sha256", name="uq_evidence_post_html"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    post_id: Mapped[int] = mapped_column(ForeignKey("posts.id", ondelete="CASCADE"))
    run_id: Mapped[int | None] = mapped_column(
        ForeignKey("crawl_runs.id", ondelete="SET NULL"), index=True
    )
    url: Mapped[str] = mapped_column(Text)
    html_sha256: Mapped[str] = mapped_column(String(64))
    html_bytes: Mapped[int] = mapped_column(Integer)
    screenshot_path: Mapped[str | None] = mapped_column(String(512))
    screenshot_sha256: Mapped[str | None] = mapped_column(String(64))
    captured_at: Mapped[datetime] = mapped_column(default=utcnow)

    post: Mapped[Post] = relationship()


class UserSetting(Base):
    """A user's own choices in the web UI: for now the language of its pages (``en``/``fr``;
    None: the browser's ``Accept-Language`` decides)."""

    __tablename__ = "user_settings"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    language: Mapped[str | None] = mapped_column(String(8))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class FeedToken(Base):
    """A saved hit search published as an RSS/Atom feed, readable with the token in its URL.

    The token reads this one search only, as its user (a feed reader cannot log in); only its
    SHA-256 digest is stored. ``query`` is the hit list's query string (``q=Thiais&sale_only=1``).
    Revoking it, or disabling its user, ends the feed.
    """

    __tablename__ = "feed_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    query: Mapped[str] = mapped_column(Text)
    label: Mapped[str | None] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
