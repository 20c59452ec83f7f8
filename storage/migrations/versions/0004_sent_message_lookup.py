"""Find a sent message by channel and ts: how a threaded reply finds its check-in.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-23 18:14:17.193984
"""

from collections.abc import Sequence

from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("sent_messages", schema=None) as batch_op:
        batch_op.create_index(
            "ix_sent_messages_message", ["team_id", "channel_id", "message_ts"], unique=False
        )


def downgrade() -> None:
    with op.batch_alter_table("sent_messages", schema=None) as batch_op:
        batch_op.drop_index("ix_sent_messages_message")
