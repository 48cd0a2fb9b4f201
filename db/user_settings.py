"""A web user's own settings (:class:`db.models.UserSetting`): read and written here only."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import UserSetting, utcnow
from db.repository import dialect_insert


def user_language(session: Session, user_id: int) -> str | None:
    """The language user ``user_id`` chose (None: none chosen, the browser decides)."""
    statement = select(UserSetting.language).where(UserSetting.user_id == user_id)
    return session.execute(statement).scalar_one_or_none()


def set_user_language(session: Session, user_id: int, language: str | None) -> None:
    """Store user ``user_id``'s language (None: back to the browser's)."""
    statement = dialect_insert(session)(UserSetting).values(user_id=user_id, language=language)
    session.execute(
        statement.on_conflict_do_update(
            index_elements=["user_id"], set_={"language": language, "updated_at": utcnow()}
        )
    )
