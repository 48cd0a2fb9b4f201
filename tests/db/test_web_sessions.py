"""Server-side web sessions: stored as digests, valid until they expire or end."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from db.accounts import create_user, login_candidate, token_digest
from db.engine import make_engine, make_session_factory
from db.models import User, WebSession, utcnow
from db.web_sessions import end_session, start_session, user_for_session


def test_a_session_lives_until_logout_or_expiry(migrated_url: str) -> None:
    engine = make_engine(migrated_url)
    sessions = make_session_factory(engine)
    try:
        with sessions.begin() as session:
            create_user(session, "ana", "analyst", "long enough password")
            candidate = login_candidate(session, "ana")
            assert candidate.user_id is not None
            user_id, verified = candidate.user_id, candidate.password_hash
        with sessions.begin() as session:
            first = start_session(session, user_id, verified, 3600, new_hash=verified + "x")
            assert first is not None
        with sessions.begin() as session:
            # The re-hash was stored: a login that read the old hash is refused.
            assert start_session(session, user_id, verified, 3600) is None
            second = start_session(session, user_id, verified + "x", 3600)
            assert second is not None
            stored = session.execute(select(WebSession.secret_hash)).scalars().all()
            assert token_digest(first) in stored and first not in stored
            user = session.get(User, user_id)
            assert user is not None and user.last_login_at is not None
        with sessions.begin() as session:
            found = user_for_session(session, first)
            assert found is not None and found.username == "ana"
            assert end_session(session, first)
            assert not end_session(session, first)
        with sessions.begin() as session:
            assert user_for_session(session, first) is None
            assert user_for_session(session, second) is not None
            assert user_for_session(session, "forged") is None
            session.execute(update(WebSession).values(expires_at=utcnow() - timedelta(seconds=1)))
        with sessions.begin() as session:
            assert user_for_session(session, second) is None
            third = start_session(session, user_id, verified + "x", 3600)  # prunes the expired
            assert third is not None
        with sessions.begin() as session:
            left = session.execute(select(WebSession.secret_hash)).scalars().all()
            assert left == [token_digest(third)]
    finally:
        engine.dispose()
