"""Accounts: argon2id password hashes, API tokens stored as digests, roles."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from db.accounts import authenticate, create_user, issue_token, token_digest, user_for_token
from db.engine import make_engine, make_session_factory
from db.errors import AccountError
from db.models import ApiToken, User


def test_users_and_tokens(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    with sessions.begin() as session:
        create_user(session, "ana", "analyst", "long enough password")
        for username, role, password in [
            ("ana", "analyst", "long enough password"),
            ("bob", "admin", "long enough password"),
            ("bad name", "journalist", "long enough password"),
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
        assert "long enough password" not in user.password_hash
        stored = session.execute(select(ApiToken)).scalar_one()
        assert stored.token_hash == token_digest(token) and token not in stored.token_hash
        assert authenticate(session, "ana", "long enough password") is not None
        assert authenticate(session, "ana", "wrong password!") is None
        assert authenticate(session, "nobody", "long enough password") is None
        found = user_for_token(session, token)
        assert found is not None and found.username == "ana"
        assert user_for_token(session, token + "x") is None
        assert user_for_token(session, "not-a-token") is None
        user.disabled = True
    with sessions.begin() as session:
        assert user_for_token(session, token) is None
        assert authenticate(session, "ana", "long enough password") is None
    engine.dispose()
