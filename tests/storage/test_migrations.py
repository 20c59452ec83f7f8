"""The schema comes from Alembic migrations, and matches the models exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlmodel import SQLModel

from storage.db import make_engine
from storage.migrate import current_revision, upgrade


def test_migrations_build_every_table_from_empty(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    assert current_revision(engine) is None
    upgrade(engine)
    tables = set(inspect(engine).get_table_names())
    assert set(SQLModel.metadata.tables) <= tables
    assert current_revision(engine) is not None
    engine.dispose()


def test_upgrading_twice_changes_nothing(empty_database_url: str) -> None:
    engine = make_engine(empty_database_url)
    upgrade(engine)
    first = current_revision(engine)
    upgrade(engine)
    assert current_revision(engine) == first
    engine.dispose()


def test_models_and_migrations_agree(empty_database_url: str) -> None:
    """A model changed without a migration would show up here as a difference."""
    engine = make_engine(empty_database_url)
    upgrade(engine)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, SQLModel.metadata)
    engine.dispose()
    assert differences == []


def test_sqlite_runs_in_wal_mode_with_foreign_keys(tmp_path: object) -> None:
    engine = make_engine(f"sqlite:///{tmp_path}/wal.db")
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 10_000
    engine.dispose()
