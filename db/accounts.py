"""Web UI accounts and API tokens, stored hashed.

Passwords are hashed with argon2id (argon2-cffi defaults) and re-hashed on login when those
defaults change. API tokens are 256-bit random strings shown once; only their SHA-256 digest is
stored, which is enough for a secret of that entropy and lets a request find its token by an
indexed lookup instead of trying every argon2 hash.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from functools import cache
from typing import Literal

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from db.errors import AccountError
from db.models import ApiToken, User, utcnow

Role = Literal["analyst", "journalist"]
ROLES: tuple[Role, ...] = ("analyst", "journalist")
TOKEN_PREFIX = "lw_"
_USERNAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.@-]{0,63}$")
_HASHER = PasswordHasher()
MIN_PASSWORD_LENGTH = 10


def create_user(session: Session, username: str, role: str, password: str) -> User:
    """Add a user with an argon2id hash of ``password``.

    Raises AccountError for an invalid username, an unknown role, a password shorter than
    MIN_PASSWORD_LENGTH or a username already taken.
    """
    if not _USERNAME.match(username):
        raise AccountError(f"invalid username {username!r}: letters, digits and _.@- only")
    if role not in ROLES:
        raise AccountError(f"unknown role {role!r}: expected one of {', '.join(ROLES)}")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise AccountError(f"password too short: at least {MIN_PASSWORD_LENGTH} characters")
    if user_by_name(session, username) is not None:
        raise AccountError(f"user {username!r} already exists")
    user = User(
        username=username,
        password_hash=_HASHER.hash(password),
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


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The enabled user with this password, or None; records the login time."""
    user = user_by_name(session, username)
    try:
        _HASHER.verify(user.password_hash if user else _dummy_hash(), password)
    except (VerificationError, InvalidHashError):
        return None
    if user is None or user.disabled:
        return None
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    user.last_login_at = utcnow()
    return user


def issue_token(session: Session, username: str, label: str | None = None) -> str:
    """Create an API token for ``username`` and return it (the only time it is readable).

    Raises AccountError when the user does not exist.
    """
    user = user_by_name(session, username)
    if user is None:
        raise AccountError(f"no user {username!r}")
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    session.add(
        ApiToken(
            user_id=user.id,
            token_hash=token_digest(token),
            label=(label or "")[:128] or None,
            created_at=utcnow(),
        )
    )
    session.flush()
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The enabled user owning this unrevoked token, or None."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    row = session.execute(
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.token_hash == token_digest(token), ApiToken.revoked_at.is_(None))
    ).scalar_one_or_none()
    if row is None or row.disabled:
        return None
    return row


def token_digest(token: str) -> str:
    """The stored form of an API token: its SHA-256 digest, hex."""
    return hashlib.sha256(token.encode()).hexdigest()


@cache
def _dummy_hash() -> str:
    # Verified when the username is unknown, so a login takes as long either way.
    return _HASHER.hash("leakwatch-no-such-user")
