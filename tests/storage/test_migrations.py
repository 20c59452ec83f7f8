"""The schema comes from Alembic migrations, and matches the models exactly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
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


def test_0005_keeps_the_pauses_stored_before_it_as_history(empty_database_url: str) -> None:
    """An upgraded workspace keeps its running and finished pauses, without rewriting any
    week before them (their start was never stored: each gets the shortest honest span)."""
    engine = make_engine(empty_database_url)
    upgrade(engine, "0004")
    today = datetime.now(UTC).date()
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO pairings (id, team_id, manager_id, rep_id, cadence_days,"
                " started_on, paused_until, created_at) VALUES"
                " (1, 'T1', 'UMGR', 'UREP1', 7, :start, :ahead, :now),"
                " (2, 'T1', 'UMGR', 'UREP2', 7, :start, :past, :now)"
            ),
            {
                "start": today - timedelta(days=60),
                "ahead": today + timedelta(days=10),
                "past": today - timedelta(days=20),
                "now": datetime.now(UTC),
            },
        )
        connection.execute(
            text(
                "INSERT INTO manager_settings (team_id, manager_id, digest_channel_id,"
                " paused_until, updated_at) VALUES ('T1', 'UMGR', 'C1', :ahead, :now)"
            ),
            {"ahead": today + timedelta(days=3), "now": datetime.now(UTC)},
        )
    upgrade(engine)
    with engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT pairing_id, manager_id, starts_on, ends_on, source FROM pauses"
                " ORDER BY pairing_id, manager_id"
            )
        ).all()
        set_at = connection.execute(text("SELECT digest_set_at FROM manager_settings")).scalar()
    engine.dispose()
    as_dates = {(r[0], r[1], _day(r[2]), _day(r[3]), r[4]) for r in rows}
    assert as_dates == {
        (1, None, today, today + timedelta(days=10), "command"),
        (2, None, today - timedelta(days=21), today - timedelta(days=20), "command"),
        (None, "UMGR", today, today + timedelta(days=3), "command"),
    }
    assert set_at is not None


def _day(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value))


def test_0006_keeps_every_row_and_counts_old_pairings_as_accepted(
    empty_database_url: str,
) -> None:
    """Upgrading a database in use: SQLite rebuilds its tables (with foreign keys off, or
    dropping the old pairings would cascade to their 1:1s), and pairings agreed to before
    consent existed stay in force."""
    engine = make_engine(empty_database_url)
    upgrade(engine, "0004")
    with engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO pairings (team_id, manager_id, rep_id, cadence_days, started_on,"
                " created_at) VALUES ('T1', 'UM', 'UR', 7, '2026-11-02',"
                " '2026-11-02 09:00:00+00:00')"
            )
        )
        connection.execute(
            text(
                "INSERT INTO one_on_ones (team_id, pairing_id, held_on, logged_by, created_at)"
                " SELECT 'T1', id, '2026-11-05', 'UM', '2026-11-05 09:00:00+00:00' FROM pairings"
            )
        )
        connection.execute(
            text(
                "INSERT INTO goals (team_id, rep_id, competency, behaviour, status, created_at)"
                " VALUES ('T1', 'UR', 'closing', 'Ask for the close', 'active',"
                " '2026-11-02 09:00:00+00:00')"
            )
        )
    upgrade(engine)
    with engine.begin() as connection:
        assert connection.execute(text("SELECT count(*) FROM one_on_ones")).scalar() == 1
        accepted = connection.execute(text("SELECT accepted_at FROM pairings")).scalar()
        assert accepted is not None
        erased = connection.execute(text("SELECT id FROM goals")).scalar()
        connection.execute(text("DELETE FROM goals"))
        connection.execute(
            text(
                "INSERT INTO goals (team_id, rep_id, competency, behaviour, status, created_at)"
                " VALUES ('T1', 'UR', 'closing', 'Next one', 'active', '2026-11-09 09:00:00+00:00')"
            )
        )
        assert connection.execute(text("SELECT id FROM goals")).scalar() != erased
    engine.dispose()


def test_the_installation_tables_are_slack_sdks_own(empty_database_url: str) -> None:
    """The migrations build exactly the tables slack_sdk's stores read and write: every
    column of its installation, bot and state tables, with token columns wider for ciphertext."""
    from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
    from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
    from sqlalchemy import MetaData

    from storage.encryption import Cipher, generate_key
    from storage.installations import CoachInstallationStore, build_state_store

    engine = make_engine(empty_database_url)
    upgrade(engine)
    store = CoachInstallationStore(client_id="1.2", engine=engine, cipher=Cipher([generate_key()]))
    states = build_state_store(engine)
    with engine.connect() as connection:
        for metadata in (store.metadata, states.metadata):
            ours = set(metadata.tables)
            context = MigrationContext.configure(
                connection,
                opts={
                    "compare_type": True,
                    # Only the store's own tables: Coach's others are not in its metadata.
                    "include_name": lambda name, kind, parents, ours=ours: (
                        kind != "table" or name in ours
                    ),
                },
            )
            assert compare_metadata(context, metadata) == []
    engine.dispose()
    theirs = MetaData()
    for table in (
        SQLAlchemyInstallationStore.build_installations_table(theirs, "slack_installations"),
        SQLAlchemyInstallationStore.build_bots_table(theirs, "slack_bots"),
        SQLAlchemyOAuthStateStore.build_oauth_states_table(theirs, "slack_oauth_states"),
    ):
        ours = SQLModel.metadata.tables[table.name]
        assert [c.name for c in ours.columns] == [c.name for c in table.columns]
