"""Feed tokens: a user's saved hit searches published as RSS/Atom (:class:`db.models.FeedToken`).

A feed token (``lwf_…``, 256 random bits) is shown once, when created, inside its feed URL;
only its SHA-256 digest is stored. It reads one saved search as its user and nothing else: it
is not an API token and is refused by the API.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from db.errors import AccountError, NotFound
from db.models import FeedToken, User, utcnow

FEED_TOKEN_PREFIX = "lwf_"
#: Most feeds a user may keep (revoked ones excluded).
MAX_FEEDS = 100


@dataclass(frozen=True)
class FeedRow:
    """One of a user's feeds, without its token (which is never stored)."""

    id: int
    query: str
    label: str | None
    created_at: datetime
    last_used_at: datetime | None
    revoked_at: datetime | None


@dataclass(frozen=True)
class OpenFeed:
    """A feed its token opened: the saved search and the user it reads as."""

    id: int
    query: str
    label: str | None
    username: str


def create_feed(session: Session, user_id: int, query: str, label: str | None) -> str:
    """Save ``query`` as a feed of user ``user_id``; return its token (readable only now).

    Raises AccountError past MAX_FEEDS live feeds.
    """
    live = session.execute(
        select(FeedToken.id).where(FeedToken.user_id == user_id, FeedToken.revoked_at.is_(None))
    ).all()
    if len(live) >= MAX_FEEDS:
        raise AccountError(f"at most {MAX_FEEDS} feeds: revoke one first")
    token = FEED_TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        FeedToken(
            user_id=user_id,
            token_hash=feed_digest(token),
            query=query,
            label=(label or "").strip()[:128] or None,
            created_at=utcnow(),
        )
    )
    session.flush()
    return token


def open_feed(session: Session, token: str) -> OpenFeed | None:
    """The live feed of ``token`` (its user enabled), marked used now; None otherwise."""
    if not token.startswith(FEED_TOKEN_PREFIX):
        return None
    row = session.execute(
        select(FeedToken, User)
        .join(User, FeedToken.user_id == User.id)
        .where(FeedToken.token_hash == feed_digest(token), FeedToken.revoked_at.is_(None))
    ).one_or_none()
    if row is None or row.User.disabled:
        return None
    feed: FeedToken = row.FeedToken
    feed.last_used_at = utcnow()
    return OpenFeed(feed.id, feed.query, feed.label, row.User.username)


def user_feeds(session: Session, user_id: int) -> list[FeedRow]:
    """The user's feeds, newest first (revoked ones too, marked so)."""
    rows = session.execute(
        select(FeedToken).where(FeedToken.user_id == user_id).order_by(FeedToken.id.desc())
    ).scalars()
    return [
        FeedRow(row.id, row.query, row.label, row.created_at, row.last_used_at, row.revoked_at)
        for row in rows
    ]


def revoke_feed(session: Session, user_id: int, feed_id: int) -> None:
    """Revoke feed ``feed_id`` of user ``user_id``; raises NotFound when the user has no such
    live feed (another user's feed is not theirs to revoke)."""
    done = session.execute(
        update(FeedToken)
        .where(
            FeedToken.id == feed_id,
            FeedToken.user_id == user_id,
            FeedToken.revoked_at.is_(None),
        )
        .values(revoked_at=utcnow())
    )
    if not done.rowcount:  # type: ignore[attr-defined]
        raise NotFound(f"no live feed {feed_id}")


def feed_digest(token: str) -> str:
    """The stored form of a feed token: its SHA-256 digest, hex."""
    return hashlib.sha256(token.encode()).hexdigest()
