"""One hit per post × entity, holding its mentions (``hits.mentions``, a JSON list).

Until now a hit was one mention (post, entity, field, start): a name in a post's title and body
made two hits. Upgrading merges each (post, entity)'s hits into one, the earliest stored (its
``created_at`` and id are kept):

- ``mentions`` lists every merged hit's field, span, matched text and score, title first then
  by position; ``matched`` and ``score`` become the best mention's, ``severity`` the highest;
- the triage kept is the most advanced one (``new`` < ``confirmed``, ``false_positive`` <
  ``handled``; between confirmed and false positive, the later decision), with its note,
  analyst and time;
- outbox messages, exclusions and possible hits that pointed at a removed hit point at the kept
  one; an incident left without hits (a twin stored in another incident) hands its outbox
  messages and Slack threads to the kept hit's incident and is deleted; the hit counts of the
  incidents concerned are counted again.

Incidents get the status their hits' triage makes (until now it was never written): the rule of
``crawler.core.triage.incident_status`` as it stands in this revision.

SQLite recreates ``hits`` to drop its columns, and with foreign keys on, dropping the old table
sets every reference to it to NULL: the references are saved first and written back after.
Downgrading keeps one hit per post × entity with its first mention as the span (merged hits are
not split again).

Revision ID: 0008_hit_mentions
Revises: 0007_post_group
Create Date: 2026-12-09
"""

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0008_hit_mentions"
down_revision: str | None = "0007_post_group"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

JSON_TYPE = sa.JSON().with_variant(postgresql.JSONB(astext_type=sa.Text()), "postgresql")
TRIAGE_RANK = {"new": 0, "confirmed": 1, "false_positive": 1, "handled": 2}
SEVERITY_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
#: Tables whose ``hit_id`` references ``hits`` (ON DELETE SET NULL).
REFERENCING = ("outbox_messages", "exclusions", "possible_hits")

hits = sa.table(
    "hits",
    sa.column("id", sa.Integer),
    sa.column("post_id", sa.Integer),
    sa.column("entity_id", sa.Integer),
    sa.column("incident_id", sa.Integer),
    sa.column("field", sa.String),
    sa.column("start", sa.Integer),
    sa.column("end", sa.Integer),
    sa.column("matched", sa.Text),
    sa.column("score", sa.Float),
    sa.column("severity", sa.String),
    sa.column("created_at", sa.DateTime(timezone=True)),
    sa.column("triage_status", sa.String),
    sa.column("triage_note", sa.Text),
    sa.column("triaged_by", sa.String),
    sa.column("triaged_at", sa.DateTime(timezone=True)),
    sa.column("mentions", JSON_TYPE),
)
incidents = sa.table(
    "incidents",
    sa.column("id", sa.Integer),
    sa.column("hit_count", sa.Integer),
    sa.column("status", sa.String),
    sa.column("slack_thread", JSON_TYPE),
)
outbox = sa.table("outbox_messages", sa.column("incident_id", sa.Integer))


def upgrade() -> None:
    bind = op.get_bind()
    op.add_column("hits", sa.Column("mentions", JSON_TYPE, nullable=True))
    if bind.dialect.name == "postgresql":
        mention = """jsonb_build_array(jsonb_build_object('field', field, 'start', start,
            'end', "end", 'matched', matched, 'score', score))"""
    else:
        mention = """json_array(json_object('field', field, 'start', start, 'end', "end",
            'matched', matched, 'score', score))"""
    op.execute(f"UPDATE hits SET mentions = {mention}")
    _merge_duplicates(bind)
    _set_incident_statuses(bind)
    saved = _save_references(bind)
    with op.batch_alter_table("hits") as batch:
        batch.alter_column("mentions", existing_type=JSON_TYPE, nullable=False)
        batch.drop_constraint("uq_hits_post_entity_span", type_="unique")
        batch.create_unique_constraint("uq_hits_post_entity", ["post_id", "entity_id"])
        batch.drop_column("field")
        batch.drop_column("start")
        batch.drop_column("end")
    _restore_references(bind, saved)


def downgrade() -> None:
    bind = op.get_bind()
    with op.batch_alter_table("hits") as batch:
        batch.add_column(sa.Column("field", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("start", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("end", sa.Integer(), nullable=True))
    for hit_id, mentions in bind.execute(sa.select(hits.c.id, hits.c.mentions)).all():
        first = (mentions or [{}])[0]
        bind.execute(
            hits.update()
            .where(hits.c.id == hit_id)
            .values(
                field=str(first.get("field", "title"))[:16],
                start=int(first.get("start", 0)),
                end=int(first.get("end", 0)),
            )
        )
    saved = _save_references(bind)
    with op.batch_alter_table("hits") as batch:
        batch.alter_column("field", existing_type=sa.String(length=16), nullable=False)
        batch.alter_column("start", existing_type=sa.Integer(), nullable=False)
        batch.alter_column("end", existing_type=sa.Integer(), nullable=False)
        batch.drop_constraint("uq_hits_post_entity", type_="unique")
        batch.create_unique_constraint(
            "uq_hits_post_entity_span", ["post_id", "entity_id", "field", "start"]
        )
        batch.drop_column("mentions")
    _restore_references(bind, saved)


def _merge_duplicates(bind: Any) -> None:
    """Merge each (post, entity)'s hits into its earliest one (see the module docstring)."""
    twins = (
        sa.select(hits.c.post_id, hits.c.entity_id)
        .group_by(hits.c.post_id, hits.c.entity_id)
        .having(sa.func.count() > 1)
        .subquery()
    )
    rows = bind.execute(
        sa.select(hits)
        .join(
            twins,
            sa.and_(hits.c.post_id == twins.c.post_id, hits.c.entity_id == twins.c.entity_id),
        )
        .order_by(hits.c.post_id, hits.c.entity_id, hits.c.created_at, hits.c.id)
    ).all()
    groups: dict[tuple[int, int], list[Any]] = {}
    for row in rows:
        groups.setdefault((row.post_id, row.entity_id), []).append(row)
    touched: set[int] = set()
    for group in groups.values():
        keeper, removed = group[0], group[1:]
        removed_ids = [row.id for row in removed]
        _merge_into(bind, keeper, group)
        for table in REFERENCING:
            bind.execute(
                sa.table(table, sa.column("hit_id", sa.Integer))
                .update()
                .where(sa.column("hit_id").in_(removed_ids))
                .values(hit_id=keeper.id)
            )
        bind.execute(hits.delete().where(hits.c.id.in_(removed_ids)))
        incident_ids = {row.incident_id for row in group if row.incident_id is not None}
        touched |= incident_ids
        if keeper.incident_id is not None:
            for incident_id in incident_ids - {keeper.incident_id}:
                _fold_incident(bind, incident_id, keeper.incident_id)
    for incident_id in touched:
        count = bind.execute(
            sa.select(sa.func.count()).select_from(hits).where(hits.c.incident_id == incident_id)
        ).scalar_one()
        bind.execute(
            incidents.update().where(incidents.c.id == incident_id).values(hit_count=count)
        )


def _merge_into(bind: Any, keeper: Any, group: list[Any]) -> None:
    mentions: dict[tuple[str, int], dict[str, Any]] = {}
    for row in group:
        for mention in row.mentions or []:
            mentions.setdefault((mention["field"], mention["start"]), mention)
    ordered = sorted(
        mentions.values(), key=lambda m: (m["field"] != "title", m["field"], m["start"])
    )
    best = max(ordered, key=lambda m: m["score"])  # max keeps the first of equal scores
    decided = max(
        group,
        key=lambda row: (
            TRIAGE_RANK.get(row.triage_status, 0),
            row.triaged_at is not None,
            row.triaged_at,
        ),
    )
    severity = max(group, key=lambda row: SEVERITY_RANK.get(row.severity, 0)).severity
    bind.execute(
        hits.update()
        .where(hits.c.id == keeper.id)
        .values(
            mentions=ordered,
            matched=best["matched"],
            score=best["score"],
            severity=severity,
            incident_id=keeper.incident_id
            if keeper.incident_id is not None
            else next((row.incident_id for row in group if row.incident_id), None),
            triage_status=decided.triage_status,
            triage_note=decided.triage_note,
            triaged_by=decided.triaged_by,
            triaged_at=decided.triaged_at,
        )
    )


def _fold_incident(bind: Any, incident_id: int, into: int) -> None:
    """An incident left without hits hands its messages and threads to ``into`` and goes."""
    left = bind.execute(
        sa.select(sa.func.count()).select_from(hits).where(hits.c.incident_id == incident_id)
    ).scalar_one()
    if left:
        return
    bind.execute(
        outbox.update().where(outbox.c.incident_id == incident_id).values(incident_id=into)
    )
    threads = bind.execute(
        sa.select(incidents.c.slack_thread).where(incidents.c.id == incident_id)
    ).scalar_one_or_none()
    kept = bind.execute(
        sa.select(incidents.c.slack_thread).where(incidents.c.id == into)
    ).scalar_one_or_none()
    if threads:
        bind.execute(
            incidents.update()
            .where(incidents.c.id == into)
            .values(slack_thread={**threads, **(kept or {})})
        )
    bind.execute(incidents.delete().where(incidents.c.id == incident_id))


def _set_incident_statuses(bind: Any) -> None:
    statuses: dict[int, list[str]] = {}
    rows = bind.execute(
        sa.select(hits.c.incident_id, hits.c.triage_status).where(hits.c.incident_id.isnot(None))
    )
    for incident_id, status in rows:
        statuses.setdefault(incident_id, []).append(status)
    for incident_id, found in statuses.items():
        real = [status for status in found if status != "false_positive"]
        if not real:
            status = "false_positive"
        elif all(status == "handled" for status in real):
            status = "handled"
        elif any(status in ("confirmed", "handled") for status in real):
            status = "confirmed"
        else:
            status = "new"
        bind.execute(
            incidents.update().where(incidents.c.id == incident_id).values(status=status)
        )


def _save_references(bind: Any) -> dict[str, list[tuple[int, int]]]:
    """SQLite: (row id, hit id) of every row referencing a hit, before ``hits`` is rebuilt."""
    if bind.dialect.name != "sqlite":
        return {}
    saved: dict[str, list[tuple[int, int]]] = {}
    for table in REFERENCING:
        rows = bind.execute(sa.text(f"SELECT id, hit_id FROM {table} WHERE hit_id IS NOT NULL"))
        saved[table] = [(row_id, hit_id) for row_id, hit_id in rows]
    return saved


def _restore_references(bind: Any, saved: dict[str, list[tuple[int, int]]]) -> None:
    for table, pairs in saved.items():
        if pairs:
            bind.execute(
                sa.text(f"UPDATE {table} SET hit_id = :hit_id WHERE id = :row_id"),
                [{"row_id": row_id, "hit_id": hit_id} for row_id, hit_id in pairs],
            )
