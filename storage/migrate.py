"""Apply Alembic migrations, from the CLI (``coach db upgrade``) or when ``coach serve`` starts."""

from __future__ import annotations

import functools
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
# Serialises concurrent upgrades on PostgreSQL (several web workers or a release phase
# racing a web process); any fixed 64-bit number works, this one spells "coach".
_PG_LOCK_KEY = 0x636F616368


def alembic_config(url: str | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    if url:
        config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema to ``revision``; safe to run from several processes at once."""
    config = alembic_config()
    with engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _PG_LOCK_KEY})
            connection.commit()
        _sqlite_foreign_keys(connection, on=False)
        try:
            config.attributes["connection"] = connection
            command.upgrade(config, revision)
            connection.commit()
        finally:
            _sqlite_foreign_keys(connection, on=True)
            if connection.dialect.name == "postgresql":
                connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _PG_LOCK_KEY})
                connection.commit()


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """SQLite rebuilds a table to alter it, and dropping the old copy of a parent table with
    foreign keys on would cascade-delete its children's rows. The pragma only takes effect
    outside a transaction, so it goes straight to the driver, before Alembic begins one."""
    if connection.dialect.name != "sqlite":
        return
    if connection.in_transaction():
        connection.commit()
    driver = connection.connection.driver_connection
    assert driver is not None
    driver.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def current_revision(engine: Engine) -> str | None:
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as connection:
        return MigrationContext.configure(connection).get_current_revision()


@functools.cache
def head_revision() -> str | None:
    """The newest migration's id, read from the migration scripts once per process."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def schema_state(engine: Engine) -> str:
    """``current`` when the schema is at the migration head, ``behind`` when it is not (an
    empty database, or migrations not yet run), ``unknown`` when the database does not
    answer: /healthz is only healthy when queries will find the tables they expect."""
    from sqlalchemy.exc import SQLAlchemyError

    try:
        revision = current_revision(engine)
    except SQLAlchemyError:
        return "unknown"
    return "current" if revision == head_revision() else "behind"
