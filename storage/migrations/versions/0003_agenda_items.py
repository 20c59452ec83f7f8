"""Agenda items: coaching prompts a manager saved for the next 1:1 (never the raw feedback).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-23 17:57:56.032098
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "agenda_items",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=False),
        sa.Column("competency", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("focus", sqlmodel.sql.sqltypes.AutoString(length=280), nullable=False),
        sa.Column("questions", sqlmodel.sql.sqltypes.AutoString(), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("covered_at", storage.types.UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.create_index(
            "ix_agenda_items_pairing_open", ["team_id", "pairing_id", "covered_at"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("agenda_items", schema=None) as batch_op:
        batch_op.drop_index("ix_agenda_items_pairing_open")

    op.drop_table("agenda_items")
