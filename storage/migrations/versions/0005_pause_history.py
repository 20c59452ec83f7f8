"""Pause history (every pause and status absence), people's locale, digest set-at time.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-03 14:10:00.000000

Existing pauses (``pairings.paused_until``, ``manager_settings.paused_until``) are copied
into ``pauses``. When they began was never stored, so each is given the shortest span
that keeps today's answer: a running pause starts today, a finished one the day before
its end (so it still anchors the cadence and covers no week it did not).
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
import sqlmodel
from alembic import op

import storage.types

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    pauses = op.create_table(
        "pauses",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("team_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column("pairing_id", sa.Integer(), nullable=True),
        sa.Column("manager_id", sqlmodel.sql.sqltypes.AutoString(length=32), nullable=True),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("source", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
        sa.Column("created_at", storage.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["pairing_id"], ["pairings.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("pauses", schema=None) as batch_op:
        batch_op.create_index("ix_pauses_team_pairing", ["team_id", "pairing_id"], unique=False)
        batch_op.create_index("ix_pauses_team_manager", ["team_id", "manager_id"], unique=False)
    with op.batch_alter_table("slack_users", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("locale", sqlmodel.sql.sqltypes.AutoString(length=16), nullable=True)
        )
    with op.batch_alter_table("manager_settings", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("digest_set_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )
    _copy_existing_pauses(pauses)


def _copy_existing_pauses(pauses: sa.Table) -> None:
    if op.get_context().as_sql:
        return  # offline SQL (the tests' PostgreSQL template): a fresh schema has no rows
    bind = op.get_bind()
    now = datetime.now(UTC)
    today = now.date()
    rows = []
    for team_id, pairing_id, until in bind.execute(
        sa.text("SELECT team_id, id, paused_until FROM pairings WHERE paused_until IS NOT NULL")
    ):
        rows.append(_row(team_id, until, today, now, pairing_id=pairing_id))
    for team_id, manager_id, until in bind.execute(
        sa.text(
            "SELECT team_id, manager_id, paused_until FROM manager_settings"
            " WHERE paused_until IS NOT NULL"
        )
    ):
        rows.append(_row(team_id, until, today, now, manager_id=manager_id))
    if rows:
        op.bulk_insert(pauses, rows)
    bind.execute(
        sa.text(
            "UPDATE manager_settings SET digest_set_at = updated_at"
            " WHERE digest_channel_id IS NOT NULL"
        )
    )


def _row(
    team_id: str, until: object, today: date, now: datetime, **subject: object
) -> dict[str, object]:
    ends_on = until if isinstance(until, date) else date.fromisoformat(str(until))
    starts_on = today if ends_on > today else ends_on - timedelta(days=1)
    return {
        "team_id": team_id,
        "starts_on": starts_on,
        "ends_on": ends_on,
        "source": "command",
        "created_at": now,
        "pairing_id": None,
        "manager_id": None,
        **subject,
    }


def downgrade() -> None:
    with op.batch_alter_table("manager_settings", schema=None) as batch_op:
        batch_op.drop_column("digest_set_at")
    with op.batch_alter_table("slack_users", schema=None) as batch_op:
        batch_op.drop_column("locale")
    with op.batch_alter_table("pauses", schema=None) as batch_op:
        batch_op.drop_index("ix_pauses_team_manager")
        batch_op.drop_index("ix_pauses_team_pairing")
    op.drop_table("pauses")
