"""Accounts lifecycle: server-side web sessions and API token expiry.

``web_sessions`` holds one row per logged-in session (the SHA-256 digest of the cookie's
secret, its user, when it was made and when it expires): logging out, disabling the user or
changing their password deletes the rows, so a copied cookie stops working at once. Cookies
signed before this revision carry no session secret and are read as anonymous: everyone logs in
once more.

``api_tokens.expires_at`` is when a token stops working; tokens made before this revision keep
NULL (never), which ``leakwatch users tokens`` shows as such.

Revision ID: 0009_account_lifecycle
Revises: 0008_hit_mentions
Create Date: 2026-12-07
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0009_account_lifecycle"
down_revision: str | None = "0008_hit_mentions"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "web_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("secret_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("expires_at", db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"],
            ["users.id"],
            name=op.f("fk_web_sessions_user_id_users"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_web_sessions")),
        sa.UniqueConstraint("secret_hash", name=op.f("uq_web_sessions_secret_hash")),
    )
    with op.batch_alter_table("web_sessions") as batch:
        batch.create_index(batch.f("ix_web_sessions_user_id"), ["user_id"], unique=False)
    with op.batch_alter_table("api_tokens") as batch:
        batch.add_column(
            sa.Column("expires_at", db.models.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("api_tokens") as batch:
        batch.drop_column("expires_at")
    with op.batch_alter_table("web_sessions") as batch:
        batch.drop_index(batch.f("ix_web_sessions_user_id"))
    op.drop_table("web_sessions")
