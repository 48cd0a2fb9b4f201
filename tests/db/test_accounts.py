"""Accounts: argon2id password hashes, API tokens stored as digests, roles, and the lifecycle
(disable, enable, new password, token expiry and revocation)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from db.accounts import (
    create_user,
    end_sessions_of,
    issue_token,
    list_tokens,
    list_users,
    login_candidate,
    revoke_token,
    set_disabled,
    set_password,
    token_digest,
    user_for_token,
    verify_password,
)
from db.engine import make_engine, make_session_factory
from db.errors import AccountError
from db.models import ApiToken, User, utcnow
from db.web_sessions import start_session, user_for_session

PASSWORD = "long enough password"


@pytest.fixture
def sessions(migrated_url: str) -> Iterator[sessionmaker[Session]]:
    """A session factory on a migrated database of each engine."""
    engine = make_engine(migrated_url)
    yield make_session_factory(engine)
    engine.dispose()


def checks(sessions: sessionmaker[Session], username: str, password: str) -> bool:
    """Whether ``password`` logs ``username`` in, as the login route checks it."""
    with sessions.begin() as session:
        candidate = login_candidate(session, username)
    valid = verify_password(candidate.password_hash, password)
    return valid and candidate.user_id is not None and not candidate.disabled


def log_in(sessions: sessionmaker[Session], username: str) -> str:
    """A new web session secret of ``username`` (password already checked)."""
    with sessions.begin() as session:
        candidate = login_candidate(session, username)
        assert candidate.user_id is not None
        secret = start_session(session, candidate.user_id, candidate.password_hash, 3600)
    assert secret is not None
    return secret


def test_users_and_tokens(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        create_user(session, "ana", "analyst", PASSWORD)
        for username, role, password in [
            ("ana", "analyst", PASSWORD),
            ("bob", "admin", PASSWORD),
            ("bad name", "journalist", PASSWORD),
            ("jo", "journalist", "short"),
        ]:
            with pytest.raises(AccountError):
                create_user(session, username, role, password)
        token = issue_token(session, "ana", "cron")
        with pytest.raises(AccountError):
            issue_token(session, "nobody")
    with sessions.begin() as session:
        user = session.execute(select(User)).scalar_one()
        assert user.password_hash.startswith("$argon2id$")
        assert PASSWORD not in user.password_hash
        stored = session.execute(select(ApiToken)).scalar_one()
        assert stored.token_hash == token_digest(token) and token not in stored.token_hash
        assert stored.expires_at is None
        found = user_for_token(session, token)
        assert found is not None and found.username == "ana"
        assert user_for_token(session, token + "x") is None
        assert user_for_token(session, "not-a-token") is None
    assert checks(sessions, "ana", PASSWORD)
    assert not checks(sessions, "ana", "wrong password!")
    assert not checks(sessions, "nobody", PASSWORD)


def test_disabling_ends_sessions_and_revokes_tokens(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        create_user(session, "ana", "analyst", PASSWORD)
        create_user(session, "jo", "journalist", PASSWORD)
        token = issue_token(session, "ana", "cron", timedelta(days=90))
        other = issue_token(session, "jo")
    secret, kept = log_in(sessions, "ana"), log_in(sessions, "jo")
    with sessions.begin() as session:
        assert set_disabled(session, "ana", True) == (1, 1)
    with sessions.begin() as session:
        assert user_for_token(session, token) is None
        assert user_for_session(session, secret) is None
        assert user_for_token(session, other) is not None  # jo is untouched
        assert user_for_session(session, kept) is not None
        with pytest.raises(AccountError, match="disabled"):
            issue_token(session, "ana")
        summary = {row.username: row for row in list_users(session)}
        assert summary["ana"].disabled and (summary["ana"].sessions, summary["ana"].tokens) == (
            0,
            0,
        )
        assert (summary["jo"].sessions, summary["jo"].tokens) == (1, 1)
    assert not checks(sessions, "ana", PASSWORD)
    with sessions.begin() as session:
        assert set_disabled(session, "ana", False) == (0, 0)
    assert checks(sessions, "ana", PASSWORD)
    with sessions.begin() as session:
        assert user_for_token(session, token) is None  # revoked for good
        with pytest.raises(AccountError, match="no user"):
            set_disabled(session, "nobody", True)


def test_a_new_password_ends_sessions_but_keeps_tokens(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        create_user(session, "ana", "analyst", PASSWORD)
        token = issue_token(session, "ana")
    first, second = log_in(sessions, "ana"), log_in(sessions, "ana")
    with sessions.begin() as session, pytest.raises(AccountError, match="too short"):
        set_password(session, "ana", "short")
    with sessions.begin() as session:
        assert set_password(session, "ana", "another long password") == 2
    with sessions.begin() as session:
        assert user_for_session(session, first) is None
        assert user_for_session(session, second) is None
        assert user_for_token(session, token) is not None
    assert checks(sessions, "ana", "another long password")
    assert not checks(sessions, "ana", PASSWORD)


def test_a_session_for_a_hash_changed_since_it_was_read_is_refused(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as session:
        create_user(session, "ana", "analyst", PASSWORD)
        candidate = login_candidate(session, "ana")
        assert candidate.user_id is not None
    with sessions.begin() as session:
        set_password(session, "ana", "changed meanwhile!")
    with sessions.begin() as session:
        assert start_session(session, candidate.user_id, candidate.password_hash, 3600) is None


def test_tokens_expire_and_are_revoked(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        create_user(session, "ana", "analyst", PASSWORD)
        expiring = issue_token(session, "ana", "short", timedelta(hours=1))
        revoked = issue_token(session, "ana", "leaked", timedelta(days=90))
        forever = issue_token(session, "ana", "legacy")
    with sessions.begin() as session:
        rows = {token.label: token for token, owner in list_tokens(session, "ana")}
        assert {owner for _, owner in list_tokens(session)} == {"ana"}
        assert rows["short"].expires_at is not None
        assert timedelta(minutes=59) < rows["short"].expires_at - utcnow() <= timedelta(hours=1)
        assert rows["legacy"].expires_at is None
        assert revoke_token(session, rows["leaked"].id).revoked_at is not None
        with pytest.raises(AccountError, match="no API token"):
            revoke_token(session, 999_999)
        assert user_for_token(session, expiring) is not None
        session.execute(
            update(ApiToken)
            .where(ApiToken.label == "short")
            .values(expires_at=utcnow() - timedelta(seconds=1))
        )
    with sessions.begin() as session:
        assert user_for_token(session, expiring) is None
        assert user_for_token(session, revoked) is None
        assert user_for_token(session, forever) is not None
        assert [row.tokens for row in list_users(session)] == [1]


def test_ending_every_session_of_a_user(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as session:
        create_user(session, "ana", "analyst", PASSWORD)
    secrets = [log_in(sessions, "ana") for _ in range(3)]
    with sessions.begin() as session:
        assert end_sessions_of(session, "ana") == 3
        assert all(user_for_session(session, secret) is None for secret in secrets)
        with pytest.raises(AccountError):
            end_sessions_of(session, "nobody")
