"""The ransomware group becomes a field of posts (``posts.group_name``), no longer the author.

Leak-site posts kept the group as their ``author``; feed entries in ``extra["group_name"]``.
Both are copied into the new column; ``author`` is left as it was (old rows keep it, and
:func:`crawler.core.listing.ransomware_listing` still falls back to it). ``posts`` is altered,
not recreated, so the SQLite FTS triggers of 0004_web stay.

Revision ID: 0007_post_group
Revises: 0006_possible_hits
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_post_group"
down_revision: str | None = "0006_possible_hits"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("posts", sa.Column("group_name", sa.String(length=255), nullable=True))
    op.create_index("ix_posts_group_name", "posts", ["group_name"])
    op.execute(
        """UPDATE posts SET group_name = author
        WHERE author IS NOT NULL
          AND source_id IN (SELECT id FROM sources WHERE kind = 'leaksite')"""
    )
    if op.get_bind().dialect.name == "postgresql":
        extracted = "extra ->> 'group_name'"
    else:
        extracted = "json_extract(extra, '$.group_name')"
    op.execute(
        f"""UPDATE posts SET group_name = substr({extracted}, 1, 255)
        WHERE group_name IS NULL AND {extracted} IS NOT NULL AND {extracted} <> ''"""
    )


def downgrade() -> None:
    op.drop_index("ix_posts_group_name", table_name="posts")
    op.drop_column("posts", "group_name")
