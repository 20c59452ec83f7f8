"""Managers' own settings (digest channel, own leave); whether a cached person is a bot.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-23 17:47:04.287663
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "manager_settings",
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("manager_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("digest_channel_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("paused_until", sa.Date(), nullable=True),
        sa.Column("updated_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("team_id", "manager_id"),
    )
    with op.batch_alter_table("slack_users") as batch_op:
        batch_op.add_column(
            sa.Column("is_bot", sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table("slack_users") as batch_op:
        batch_op.drop_column("is_bot")
    op.drop_table("manager_settings")
