"""The tables of slack_sdk's SQLAlchemy installation and OAuth state stores, on Coach's metadata.

Bolt's OAuth flow keeps installations in ``slack_installations`` and ``slack_bots`` and the
one-time ``state`` values of a pending install in ``slack_oauth_states``. The tables are
slack_sdk's own definitions (its ``build_*_table`` class methods), declared here so that
Coach's Alembic migrations create them and the models-match-migrations test covers them,
with one change: the token columns are wide enough for ciphertext (a Fernet token is about
1.4 times its plaintext plus 73 characters, and a rotating token alone may be 150
characters, beyond slack_sdk's ``String(200)``).
"""

from __future__ import annotations

from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, String, Table
from sqlmodel import SQLModel

INSTALLATIONS_TABLE = SQLAlchemyInstallationStore.default_installations_table_name
BOTS_TABLE = SQLAlchemyInstallationStore.default_bots_table_name
OAUTH_STATES_TABLE = SQLAlchemyOAuthStateStore.default_table_name

# The columns that hold a secret, per table: stored as ciphertext (storage/installations.py).
TOKEN_COLUMNS: dict[str, tuple[str, ...]] = {
    INSTALLATIONS_TABLE: ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
    BOTS_TABLE: ("bot_token", "bot_refresh_token"),
}
CIPHERTEXT_LENGTH = 1000


def widen_token_columns(table: Table) -> Table:
    """slack_sdk's table with room for ciphertext in its token columns."""
    for name in TOKEN_COLUMNS.get(table.name, ()):
        table.c[name].type = String(CIPHERTEXT_LENGTH)
    return table


def installation_tables(metadata: MetaData) -> tuple[Table, Table]:
    """slack_sdk's installations and bots tables on ``metadata``, token columns widened."""
    installations = SQLAlchemyInstallationStore.build_installations_table(
        metadata, INSTALLATIONS_TABLE
    )
    bots = SQLAlchemyInstallationStore.build_bots_table(metadata, BOTS_TABLE)
    return widen_token_columns(installations), widen_token_columns(bots)


SLACK_INSTALLATIONS, SLACK_BOTS = installation_tables(SQLModel.metadata)
SLACK_OAUTH_STATES = SQLAlchemyOAuthStateStore.build_oauth_states_table(
    SQLModel.metadata, OAUTH_STATES_TABLE
)
