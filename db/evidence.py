"""Named queries on the evidence of hit pages (crawler/fetch/evidence.py writes the screenshots)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from db.models import Evidence
from db.repository import dialect_insert


def record_evidence(
    session: Session,
    post_id: int,
    run_id: int | None,
    url: str,
    html_sha256: str,
    html_bytes: int,
    captured_at: datetime,
    screenshot_path: str | None = None,
    screenshot_sha256: str | None = None,
) -> bool:
    """Store the evidence of post ``post_id``'s page once per page content; True when new."""
    statement = (
        dialect_insert(session)(Evidence)
        .values(
            post_id=post_id,
            run_id=run_id,
            url=url,
            html_sha256=html_sha256,
            html_bytes=html_bytes,
            screenshot_path=screenshot_path,
            screenshot_sha256=screenshot_sha256,
            captured_at=captured_at,
        )
        .on_conflict_do_nothing(index_elements=["post_id", "html_sha256"])
        .returning(Evidence.id)
    )
    return session.execute(statement).scalar_one_or_none() is not None


def evidence_of_post(session: Session, post_id: int) -> list[Evidence]:
    """Evidence rows of one post, oldest first."""
    statement = select(Evidence).where(Evidence.post_id == post_id).order_by(Evidence.id)
    return list(session.execute(statement).scalars())


def evidence_of_posts(session: Session, post_ids: list[int]) -> list[Evidence]:
    """Evidence rows of several posts, by post then oldest first."""
    if not post_ids:
        return []
    statement = (
        select(Evidence)
        .where(Evidence.post_id.in_(post_ids))
        .order_by(Evidence.post_id, Evidence.id)
    )
    return list(session.execute(statement).scalars())
