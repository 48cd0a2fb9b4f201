"""Possible hits: ambiguous names left for an analyst, their candidates, analysts' aliases.

New tables only (``posts`` is not recreated, so the SQLite FTS triggers of 0004_web stay).

Revision ID: 0006_possible_hits
Revises: 0005_evidence
Create Date: 2026-12-03
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

import db.models

revision: str = "0006_possible_hits"
down_revision: str | None = "0005_evidence"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "possible_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("post_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=16), nullable=False),
        sa.Column("start", sa.Integer(), nullable=False),
        sa.Column("end", sa.Integer(), nullable=False),
        sa.Column("matched", sa.Text(), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column(
            "reasons",
            sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql"),
            nullable=False,
        ),
        sa.Column("created_at", db.models.UTCDateTime(timezone=True), nullable=False),
        sa.Column("triage_status", sa.String(length=16), nullable=False),
        sa.Column("triage_note", sa.Text(), nullable=True),
        sa.Column("triaged_by", sa.String(length=64), nullable=True),
        sa.Column("triaged_at", db.models.UTCDateTime(timezone=True), nullable=True),
        sa.Column("entity_id", sa.Integer(), nullable=True),
        sa.Column("hit_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_possible_hits_entity_id_entities"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["hit_id"], ["hits.id"], name=op.f("fk_possible_hits_hit_id_hits"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["post_id"],
            ["posts.id"],
            name=op.f("fk_possible_hits_post_id_posts"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_possible_hits")),
        sa.UniqueConstraint("post_id", "field", "start", name="uq_possible_hits_post_span"),
    )
    op.create_index(
        "ix_possible_hits_created_id", "possible_hits", ["created_at", "id"], unique=False
    )
    op.create_index(
        "ix_possible_hits_status_created_id",
        "possible_hits",
        ["triage_status", "created_at", "id"],
        unique=False,
    )
    op.create_table(
        "possible_hit_candidates",
        sa.Column("possible_hit_id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_possible_hit_candidates_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["possible_hit_id"],
            ["possible_hits.id"],
            name=op.f("fk_possible_hit_candidates_possible_hit_id_possible_hits"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "possible_hit_id", "entity_id", name=op.f("pk_possible_hit_candidates")
        ),
    )
    op.create_index(
        op.f("ix_possible_hit_candidates_entity_id"),
        "possible_hit_candidates",
        ["entity_id"],
        unique=False,
    )
    op.create_table(
        "entity_aliases",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("alias", sa.String(length=200), nullable=False),
        sa.Column("possible_hit_id", sa.Integer(), nullable=True),
        sa.Column("created_by", sa.String(length=64), nullable=False),
        sa.Column("created_at", db.models.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["entity_id"],
            ["entities.id"],
            name=op.f("fk_entity_aliases_entity_id_entities"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["possible_hit_id"],
            ["possible_hits.id"],
            name=op.f("fk_entity_aliases_possible_hit_id_possible_hits"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_entity_aliases")),
        sa.UniqueConstraint("entity_id", "alias", name="uq_entity_aliases_entity_alias"),
    )


def downgrade() -> None:
    op.drop_table("entity_aliases")
    op.drop_index(
        op.f("ix_possible_hit_candidates_entity_id"), table_name="possible_hit_candidates"
    )
    op.drop_table("possible_hit_candidates")
    op.drop_index("ix_possible_hits_status_created_id", table_name="possible_hits")
    op.drop_index("ix_possible_hits_created_id", table_name="possible_hits")
    op.drop_table("possible_hits")
