"""Web UI accounts and API tokens, stored hashed, and their lifecycle.

Passwords are hashed with argon2id (argon2-cffi defaults) and re-hashed on login when those
defaults change. Verifying one costs tens of milliseconds and 64 MiB, so a login reads the hash
(:func:`login_candidate`), verifies it with no session open (:func:`verify_password`) and only
then writes (:func:`db.web_sessions.start_session`): on SQLite a write transaction holds the
database's only write lock, and a crawl storing posts would otherwise wait behind every login
attempt anyone on the network cares to make. Creating a user or changing a password (the CLI,
rare and local) hashes inside its one short transaction.

API tokens are 256-bit random strings shown once; only their SHA-256 digest is stored, which is
enough for a secret of that entropy and lets a request find its token by an indexed lookup
instead of trying every argon2 hash. A token may expire (``expires_at``) and be revoked.
Disabling a user ends their web sessions and revokes their tokens; a new password ends their
sessions (:mod:`db.web_sessions`).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import ColumnElement, and_, delete, func, or_, select, update
from sqlalchemy.orm import Session

from db.errors import AccountError
from db.models import ApiToken, User, WebSession, utcnow

Role = Literal["analyst", "journalist"]
ROLES: tuple[Role, ...] = ("analyst", "journalist")
TOKEN_PREFIX = "lw_"
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


@dataclass(frozen=True)
class LoginCandidate:
    """What a login needs to know about a username, read before the password is verified.

    ``user_id`` is None for an unknown username, whose ``password_hash`` is then a dummy hash
    (verified anyway, so that a login takes as long either way).
    """

    user_id: int | None
    password_hash: str
    disabled: bool


@dataclass(frozen=True)
class UserSummary:
    """One row of ``leakwatch users list``."""

    username: str
    role: str
    disabled: bool
    created_at: datetime
    last_login_at: datetime | None
    sessions: int
    tokens: int


def hash_password(password: str) -> str:
    """The argon2id hash of ``password``; raises AccountError when it is too short."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    return _HASHER.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches ``password_hash`` (argon2: run it outside transactions)."""
    try:
        return _HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """Whether ``password_hash`` was made with other argon2 parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def create_user(session: Session, username: str, role: str, password: str) -> User:
    """Add a user with an argon2id hash of ``password``.

    Raises AccountError for an invalid username, an unknown role, a password shorter than
    MIN_PASSWORD_LENGTH or a username already taken.
    """
    if not _USERNAME.match(username):
        raise AccountError(f"invalid username {username!r}: letters, digits and _.@- only")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
    password_hash = hash_password(password)
    if user_by_name(session, username) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = User(
        username=username,
        password_hash=password_hash,
        role=role,
        disabled=False,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def user_by_name(session: Session, username: str) -> User | None:
    """The user called ``username``."""
    return session.execute(select(User).where(User.username == username)).scalar_one_or_none()


def login_candidate(session: Session, username: str) -> LoginCandidate:
    """The user called ``username`` as a login sees it (a dummy one when there is none)."""
    user = user_by_name(session, username)
    if user is None:
        return LoginCandidate(None, _dummy_hash(), True)
    return LoginCandidate(user.id, user.password_hash, user.disabled)


def list_users(session: Session) -> list[UserSummary]:
    """Every user by name, with their live sessions and usable tokens counted."""
    now = utcnow()
    sessions = (
        select(func.count())
        .where(WebSession.user_id == User.id, WebSession.expires_at > now)
        .scalar_subquery()
    )
    tokens = (
        select(func.count())
        .where(ApiToken.user_id == User.id, _usable_token(now))
        .scalar_subquery()
    )
    rows = session.execute(select(User, sessions, tokens).order_by(User.username))
    return [
        UserSummary(
            user.username,
            user.role,
            user.disabled,
            user.created_at,
            user.last_login_at,
            live,
            usable,
        )
        for user, live, usable in rows
    ]


def set_disabled(session: Session, username: str, disabled: bool) -> tuple[int, int]:
    """Disable or enable ``username``; disabling ends their sessions and revokes their tokens.

    Returns (sessions ended, tokens revoked); enabling revives neither (make a new token).
    Raises AccountError when the user does not exist.
    """
    user = _existing(session, username)
    user.disabled = disabled
    if not disabled:
        return 0, 0
    ended = end_user_sessions(session, user.id)
    revoked = session.execute(
        update(ApiToken)
        .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
        .values(revoked_at=utcnow())
    )
    return ended, int(revoked.rowcount or 0)  # type: ignore[attr-defined]


def set_password(session: Session, username: str, password: str) -> int:
    """Give ``username`` a new password (stored as its argon2id hash) and end their sessions.

    Returns the number of sessions ended; raises AccountError when the user does not exist or
    the password is too short.
    """
    user = _existing(session, username)
    user.password_hash = hash_password(password)
    return end_user_sessions(session, user.id)


def end_sessions_of(session: Session, username: str) -> int:
    """Delete every web session of ``username``; returns how many there were.

    Raises AccountError when the user does not exist.
    """
    return end_user_sessions(session, _existing(session, username).id)


def end_user_sessions(session: Session, user_id: int) -> int:
    """Delete every web session of the user; returns how many there were."""
    deleted = session.execute(delete(WebSession).where(WebSession.user_id == user_id))
    return int(deleted.rowcount or 0)  # type: ignore[attr-defined]


def issue_token(
    session: Session, username: str, label: str | None = None, expires_in: timedelta | None = None
) -> str:
    """Create an API token for ``username`` and return it (the only time it is readable).

    It expires ``expires_in`` from now (None: never). Raises AccountError when the user does
    not exist or is disabled.
    """
    user = _existing(session, username)
    if user.disabled:
        raise AccountError(f"user {username!r} is disabled: enable it first")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utcnow()
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=token_digest(token),
            label=(label or "")[:128] or None,
            created_at=now,
            expires_at=now + expires_in if expires_in is not None else None,
        )
    )
    session.flush()
    return token


def list_tokens(session: Session, username: str | None = None) -> list[tuple[ApiToken, str]]:
    """Every API token (or ``username``'s), oldest first, with its owner's name.

    Raises AccountError when ``username`` does not exist.
    """
    query = select(ApiToken, User.username).join(User, ApiToken.user_id == User.id)
    if username is not None:
        query = query.where(ApiToken.user_id == _existing(session, username).id)
    return [(token, owner) for token, owner in session.execute(query.order_by(ApiToken.id))]


def revoke_token(session: Session, token_id: int) -> ApiToken:
    """Revoke the token of id ``token_id`` (a revoked one stays revoked at its first time).

    Raises AccountError when there is no such token.
    """
    token = session.get(ApiToken, token_id)
    if token is None:
        raise AccountError(f"no API token with id {token_id} (see leakwatch users tokens)")
    if token.revoked_at is None:
        token.revoked_at = utcnow()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The enabled user owning this unrevoked, unexpired token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.execute(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_digest(token), _usable_token(utcnow()))
    ).scalar_one_or_none()
    if row is None or row.disabled:
        return None
    return row


def token_digest(token: str) -> str:
    """The stored form of an API token or session secret: its SHA-256 digest, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


def _usable_token(now: datetime) -> ColumnElement[bool]:
    return and_(
        ApiToken.revoked_at.is_(None),
        or_(ApiToken.expires_at.is_(None), ApiToken.expires_at > now),
    )


def _existing(session: Session, username: str) -> User:
    user = user_by_name(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    return user


@cache
def _dummy_hash() -> str:
    # Verified when the username is unknown, so a login takes as long either way.
    return _HASHER.hash("leakwatch-no-such-user")
