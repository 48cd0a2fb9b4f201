"""Outbox delivery: lease owner, last attempt (pacing), per-channel and per-incident indexes.

Revision ID: 0003_outbox_delivery
Revises: 0002_source_lease
Create Date: 2026-11-23
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

import db.models

revision: str = "0003_outbox_delivery"
down_revision: str | None = "0002_source_lease"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.add_column(sa.Column("locked_by", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("last_attempt_at", db.models.UTCDateTime(timezone=True), nullable=True)
        )
        batch_op.drop_index("ix_outbox_messages_channel")
        batch_op.create_index(
            "ix_outbox_status_channel", ["status", "channel", "id"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_channel_attempt", ["channel", "last_attempt_at"], unique=False
        )
        batch_op.create_index(
            "ix_outbox_incident_channel", ["incident_id", "channel"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("outbox_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_outbox_incident_channel")
        batch_op.drop_index("ix_outbox_channel_attempt")
        batch_op.drop_index("ix_outbox_status_channel")
        batch_op.create_index("ix_outbox_messages_channel", ["channel"], unique=False)
        batch_op.drop_column("last_attempt_at")
        batch_op.drop_column("locked_by")
