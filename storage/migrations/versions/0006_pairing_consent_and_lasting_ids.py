"""A rep accepts a new manager (pairings.accepted_at); ids are never handed out twice.

Pairings that exist already were agreed to the old way, so they count as accepted from
the day they started. On SQLite every table with an integer id is rebuilt with
AUTOINCREMENT, so that erasing the newest goal cannot give its id (and its ledger key
``goal:<id>``) to the next one; PostgreSQL sequences never go back, so nothing changes there.

Revision ID: 0006
Revises: 0004
Create Date: 2026-12-03 14:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Parents before children, so each rebuilt child points at the rebuilt parent.
ID_TABLES = ("pairings", "goals", "one_on_ones", "check_ins", "agenda_items", "sent_messages")
# SQLite's reflection may not carry an index's WHERE clause across a rebuild: these
# partial unique indexes are dropped and made again as they are declared.
PARTIAL_UNIQUE = {
    "pairings": ("uq_pairings_active_rep", ["team_id", "rep_id"], "ended_at IS NULL"),
    "goals": ("uq_goals_active_rep", ["team_id", "rep_id"], "status = 'active'"),
}


def upgrade() -> None:
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.add_column(sa.Column("accepted_at", UTCDateTime(), nullable=True))
    op.execute("UPDATE pairings SET accepted_at = created_at")
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in ID_TABLES:
        _rebuild(table, autoincrement=True)


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        for table in ID_TABLES:
            _rebuild(table, autoincrement=False)
    with op.batch_alter_table("pairings", schema=None) as batch_op:
        batch_op.drop_column("accepted_at")


def _rebuild(table: str, *, autoincrement: bool) -> None:
    partial = PARTIAL_UNIQUE.get(table)
    if partial is not None:
        op.drop_index(partial[0], table_name=table)
    with op.batch_alter_table(
        table, recreate="always", table_kwargs={"sqlite_autoincrement": autoincrement}
    ):
        pass
    if partial is not None:
        name, columns, where = partial
        op.create_index(name, table, columns, unique=True, sqlite_where=sa.text(where))
