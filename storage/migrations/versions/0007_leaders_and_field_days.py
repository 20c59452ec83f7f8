"""Leader insights: field days (observing a rep's routine calls) and reframe counts.

``field_days`` records a day a manager spent observing a rep for one skill (its competency
id only). ``reframe_events`` counts each feedback message Coach turned into questions and
whether the manager asked them: no text is kept, as before.

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-03 17:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "field_days",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("held_on", sa.Date(), nullable=False),
        sa.Column("competency", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=True),
        sa.Column("logged_by", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_field_days_pairing_held", "field_days", ["team_id", "pairing_id", "held_on"]
    )
    op.create_table(
        "reframe_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("manager_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("ref", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("reframed_on", sa.Date(), nullable=False),
        sa.Column("asked_on", sa.Date(), nullable=True),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("team_id", "ref", name="uq_reframe_events_ref"),
        sqlite_autoincrement=True,
    )
    op.create_index(
        "ix_reframe_events_manager_on",
        "reframe_events",
        ["team_id", "manager_id", "reframed_on"],
    )


def downgrade() -> None:
    op.drop_index("ix_reframe_events_manager_on", table_name="reframe_events")
    op.drop_table("reframe_events")
    op.drop_index("ix_field_days_pairing_held", table_name="field_days")
    op.drop_table("field_days")
