"""Server-side web UI sessions: started after a verified login, ended by logout.

The session cookie carries a 256-bit random secret; ``web_sessions`` keeps its SHA-256 digest,
its user and its end (``expires_at``). A request's session is valid while its row exists, has
not expired and its user is enabled, so logging out (:func:`end_session`), disabling the user
or changing their password (:mod:`db.accounts`) ends it at once, whatever the cookie says.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from db.accounts import token_digest
from db.models import User, WebSession, utcnow


def start_session(
    session: Session,
    user_id: int,
    verified_hash: str,
    max_age: int,
    new_hash: str | None = None,
) -> str | None:
    """Open a session for the user whose password hash ``verified_hash`` was just verified;
    return its secret (for the cookie), or None when the user is gone, disabled or got another
    password since the hash was read.

    Records the login time, stores ``new_hash`` (a re-hash with today's argon2 parameters)
    when given, and deletes the user's expired sessions. Cheap: no argon2 work here.
    """
    user = session.get(User, user_id)
    if user is None or user.disabled or user.password_hash != verified_hash:
        return None
    now = utcnow()
    session.execute(
        delete(WebSession).where(WebSession.user_id == user_id, WebSession.expires_at <= now)
    )
    secret = secrets.token_urlsafe(32)
    session.add(
        WebSession(
            user_id=user_id,
            secret_hash=token_digest(secret),
            created_at=now,
            expires_at=now + timedelta(seconds=max_age),
        )
    )
    if new_hash is not None:
        user.password_hash = new_hash
    user.last_login_at = now
    return secret


def user_for_session(session: Session, secret: str) -> User | None:
    """The enabled user of the live session with this secret, or None."""
    user = session.execute(
        select(User)
        .join(WebSession, WebSession.user_id == User.id)
        .where(WebSession.secret_hash == token_digest(secret), WebSession.expires_at > utcnow())
    ).scalar_one_or_none()
    if user is None or user.disabled:
        return None
    return user


def end_session(session: Session, secret: str) -> bool:
    """Delete the session with this secret (logout); whether there was one."""
    deleted = session.execute(
        delete(WebSession).where(WebSession.secret_hash == token_digest(secret))
    )
    return bool(deleted.rowcount)  # type: ignore[attr-defined]
