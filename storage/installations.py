"""Installations from "Add to Slack": slack_sdk's SQLAlchemy stores over Coach's database,
with every token stored as ciphertext.

``CoachInstallationStore`` is slack_sdk's ``SQLAlchemyInstallationStore`` whose token columns
encrypt on the way in and decrypt on the way out (``EncryptedToken``, with the cipher from
COACH_ENCRYPTION_KEY), so Bolt's OAuth flow, its in-request token rotation and its token
revocation all read and write plaintext while the database holds only ciphertext. The tables
are created by the migrations (storage/installation_models.py), never by ``create_tables()``.

A rotating token's refresh token is single-use: ``locked_installation`` opens the one
transaction in which a refresh is read, done and written, holding a lock no other process
can share (PostgreSQL: ``SELECT … FOR UPDATE`` on the installation's row; SQLite: the
database's write lock, which ``BEGIN IMMEDIATE`` takes for every transaction, see db.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from slack_sdk.oauth.installation_store import Installation
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.sqlalchemy_utils import normalize_datetime_for_db
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, String, Table, and_, desc, or_, select, update
from sqlalchemy.engine import Connection, Dialect, Engine
from sqlalchemy.types import TypeDecorator
from sqlmodel import Session, col

from storage.encryption import Cipher
from storage.installation_models import (
    CIPHERTEXT_LENGTH,
    SLACK_BOTS,
    SLACK_INSTALLATIONS,
    TOKEN_COLUMNS,
    installation_tables,
)
from storage.models import Workspace

logger = logging.getLogger(__name__)


class EncryptedToken(TypeDecorator[str]):
    """A token column: ciphertext in the database, plaintext in Python."""

    impl = String(CIPHERTEXT_LENGTH)
    cache_ok = False  # the cipher is per store, not part of a statement's cache key

    def __init__(self, cipher: Cipher) -> None:
        super().__init__()
        self.cipher = cipher

    def process_bind_param(self, value: str | None, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.encrypt(value)

    def process_result_value(self, value: Any, dialect: Dialect) -> str | None:
        return None if value is None else self.cipher.decrypt(str(value))


def _encrypting(table: Table, cipher: Cipher) -> Table:
    for name in TOKEN_COLUMNS.get(table.name, ()):
        table.c[name].type = EncryptedToken(cipher)
    return table


class CoachInstallationStore(SQLAlchemyInstallationStore):
    """slack_sdk's SQLAlchemy installation store, its tokens encrypted at rest."""

    def __init__(self, *, client_id: str, engine: Engine, cipher: Cipher) -> None:
        super().__init__(client_id=client_id, engine=engine, logger=logger)
        # The same tables as slack_sdk's (and the migrations'), on a metadata of this store's
        # own whose token columns carry this store's cipher.
        self.metadata = MetaData()
        installations, bots = installation_tables(self.metadata)
        self.installations = _encrypting(installations, cipher)
        self.bots = _encrypting(bots, cipher)

    def create_tables(self) -> None:
        raise NotImplementedError("Coach's migrations create these tables: run coach db upgrade")

    def team_installation(self, *, enterprise_id: str | None, team_id: str) -> Installation | None:
        """The installation that speaks for a workspace: its own, or its org's (an org-wide
        install on Enterprise Grid has no team of its own)."""
        own = self.find_installation(enterprise_id=enterprise_id, team_id=team_id)
        if own is not None or enterprise_id is None:
            return own
        return self.find_installation(
            enterprise_id=enterprise_id, team_id=None, is_enterprise_install=True
        )

    @contextmanager
    def locked_installation(
        self, *, enterprise_id: str | None, team_id: str | None
    ) -> Iterator[tuple[Connection, Installation | None]]:
        """The latest installation for a workspace (or an org, with ``team_id=None``), read
        inside a transaction that no other process's ``locked_installation`` for it can
        overlap; write the refreshed tokens with ``save_refreshed`` on the connection given.
        Committed when the block ends."""
        c = self.installations.c
        query = (
            select(self.installations)
            .where(
                c.client_id == self.client_id,
                c.enterprise_id == enterprise_id,
                c.team_id == team_id,
            )
            .order_by(desc(c.installed_at))
            .limit(1)
        )
        with self.engine.begin() as connection:
            if connection.dialect.name == "postgresql":
                query = query.with_for_update()
            row = connection.execute(query).mappings().first()
            yield connection, None if row is None else self.build_installation_entity(row)

    def save_refreshed(self, connection: Connection, installation: Installation) -> None:
        """Write rotated tokens over the installation's rows (the installation and its bot,
        matched by installed_at as slack_sdk's ``save`` matches them), in the lock's
        transaction."""
        row = installation.to_dict()  # as slack_sdk's save writes it: datetimes, naive UTC
        tokens = {
            "bot_token": row.get("bot_token"),
            "bot_refresh_token": row.get("bot_refresh_token"),
            "bot_token_expires_at": normalize_datetime_for_db(row.get("bot_token_expires_at")),
        }
        user_tokens = {
            "user_token": row.get("user_token"),
            "user_refresh_token": row.get("user_refresh_token"),
            "user_token_expires_at": normalize_datetime_for_db(row.get("user_token_expires_at")),
        }
        installed_at = normalize_datetime_for_db(row.get("installed_at"))
        for table, values in (
            (self.installations, {**tokens, **user_tokens}),
            (self.bots, tokens),
        ):
            c = table.c
            connection.execute(
                update(table)
                .where(
                    and_(
                        c.client_id == self.client_id,
                        c.enterprise_id == installation.enterprise_id,
                        c.team_id == installation.team_id,
                        c.installed_at == installed_at,
                    )
                )
                .values(**values)
            )

    def delete_workspace_installations(
        self, *, enterprise_id: str | None, team_id: str | None
    ) -> None:
        """Uninstalled: every installation and bot row of the workspace (or org) goes."""
        self.delete_installation(enterprise_id=enterprise_id, team_id=team_id)
        self.delete_bot(enterprise_id=enterprise_id, team_id=team_id)


def build_state_store(
    engine: Engine, *, expiration_seconds: int = 600
) -> SQLAlchemyOAuthStateStore:
    """slack_sdk's state store over Coach's database (its table made by the migrations)."""
    return SQLAlchemyOAuthStateStore(
        expiration_seconds=expiration_seconds, engine=engine, logger=logger
    )


def installed_team_ids(*, session: Session) -> list[str]:
    """Every workspace with an installation in force, in the workspaces Coach knows: its own
    install, or one of its org's (an org-wide install), and not uninstalled."""
    own = select(SLACK_INSTALLATIONS.c.team_id).where(SLACK_INSTALLATIONS.c.team_id.is_not(None))
    org_wide = select(SLACK_INSTALLATIONS.c.enterprise_id).where(
        SLACK_INSTALLATIONS.c.is_enterprise_install.is_(True)
    )
    query = (
        select(col(Workspace.team_id))
        .where(col(Workspace.uninstalled_at).is_(None))
        .where(or_(col(Workspace.team_id).in_(own), col(Workspace.enterprise_id).in_(org_wide)))
        .order_by(col(Workspace.team_id))
    )
    return [str(team_id) for team_id in session.execute(query).scalars().all()]


def rotate_installation_tokens(session: Session, cipher: Cipher) -> int:
    """``coach keys rotate``: every stored token re-encrypted under the first key."""
    rewritten = 0
    for table in (SLACK_INSTALLATIONS, SLACK_BOTS):
        names = TOKEN_COLUMNS[table.name]
        for row in session.execute(select(table.c.id, *(table.c[n] for n in names))).all():
            values = {
                name: cipher.rotate(value)
                for name, value in zip(names, row[1:], strict=True)
                if value is not None
            }
            if values:
                session.execute(update(table).where(table.c.id == row[0]).values(**values))
                rewritten += 1
    return rewritten
