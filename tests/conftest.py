"""Shared fixtures: a database per test (SQLite, and PostgreSQL when configured), the Slack
emulator behind SLACK_API_URL, and the real app served over HTTP."""

from __future__ import annotations

import io
import os
import sqlite3
from collections.abc import Iterator
from contextlib import closing
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine
from sqlalchemy.pool import NullPool
from sqlmodel import SQLModel

from bot.clock import SandboxClock
from bot.settings import Settings, load_settings
from slack_emulator import SlackEmulator, payloads
from storage.db import make_engine, normalise_url
from storage.migrate import alembic_config, upgrade
from storage.schemas import private_schema
from tests.support.running_coach import RunningCoach

PG_URL = os.environ.get("COACH_TEST_DATABASE_URL")

MANAGER = "UMANAGER01"
REP = "UREP000001"
REP_2 = "UREP000002"
OUTSIDER = "UOUTSIDE01"


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with the schema at head, the migrations run once per session rather than
    once per test (where they cost more than most tests): a copy of a migrated SQLite file,
    or a private PostgreSQL schema built by replaying the migrations' SQL."""
    if request.param == "sqlite":
        template = request.getfixturevalue("_sqlite_template")
        yield _sqlite_copy(template, tmp_path / "coach.db")
        return
    script = request.getfixturevalue("_postgres_schema_sql")
    with private_schema(PG_URL, prefix="coach_test") as url:
        _run_sql(url, script)
        yield url


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database (no schema at all), for the tests of the migrations."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path}/coach.db"
        return
    if not PG_URL:
        pytest.skip("COACH_TEST_DATABASE_URL is not set")
    with private_schema(PG_URL, prefix="coach_test") as url:
        yield url


@pytest.fixture(scope="session")
def _sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("template") / "coach.db"
    engine = make_engine(f"sqlite:///{path}")
    upgrade(engine)
    engine.dispose()
    return path


def _sqlite_copy(template: Path, target: Path) -> str:
    # SQLite's backup API, not a file copy: it is right whatever the journal mode left.
    with closing(sqlite3.connect(template)) as source, closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


@pytest.fixture(scope="session")
def _postgres_schema_sql() -> str:
    """Every migration to head as one SQL script (Alembic's offline mode), rendered once.

    Measured on PostgreSQL 15 under load: replaying it costs ~0.1 s a test against ~0.17 s
    for running Alembic, and ~0.6 s for CREATE DATABASE … TEMPLATE (it copies and syncs a
    whole database). Checked once here against the models, as the migrations are in
    tests/storage/test_migrations.py, so a script that built another schema would fail.
    """
    if not PG_URL:
        pytest.skip("COACH_TEST_DATABASE_URL is not set")
    rendered = io.StringIO()
    config = alembic_config(normalise_url(PG_URL).render_as_string(hide_password=False))
    config.output_buffer = rendered
    command.upgrade(config, "head", sql=True)
    script = rendered.getvalue()
    with private_schema(PG_URL, prefix="coach_test") as url:
        _run_sql(url, script)
        engine = make_engine(url)
        with engine.connect() as connection:
            differences = compare_metadata(
                MigrationContext.configure(connection, opts={"compare_type": True}),
                SQLModel.metadata,
            )
        engine.dispose()
    assert differences == [], differences
    return script


def _run_sql(url: str, script: str) -> None:
    """Run a multi-statement script (it has its own BEGIN and COMMIT) in one round trip."""
    engine = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with engine.connect() as connection:
        connection.connection.driver_connection.execute(script.encode())  # type: ignore[union-attr]
    engine.dispose()


@pytest.fixture
def slack() -> Iterator[SlackEmulator]:
    """A fake Slack workspace: a manager, two reps and an outsider, in real time zones."""
    with SlackEmulator() as emulator:
        workspace = emulator.workspace
        workspace.add_user(MANAGER, "morgan", real_name="Morgan Manager", tz="America/New_York")
        workspace.add_user(REP, "alex", real_name="Alex Rep", tz="America/Chicago")
        workspace.add_user(REP_2, "sam", real_name="Sam Rep", tz="Europe/London")
        workspace.add_user(OUTSIDER, "olli", real_name="Olli Outsider", tz="Asia/Tokyo")
        workspace.add_channel("C0GENERAL", "general", members=[MANAGER, REP, REP_2, OUTSIDER])
        yield emulator


def make_settings(database_url: str, slack_url: str, **overrides: object) -> Settings:
    """Settings for a test: explicit values, so the machine's environment cannot leak in."""
    values: dict[str, object] = {
        "slack_bot_token": "xoxb-test-token",
        "slack_signing_secret": payloads.SIGNING_SECRET,
        "slack_app_token": None,
        "slack_api_url": slack_url,
        "database_url": database_url,
        "openai_api_key": None,
        "openai_base_url": None,
        "coach_timezone": "UTC",
        "coach_log_json": False,
    }
    values.update(overrides)
    return load_settings(env_file=None, **values)


@pytest.fixture
def settings(database_url: str, slack: SlackEmulator) -> Settings:
    return make_settings(database_url, slack.url)


# A Monday afternoon: 10:00 in New York, 15:00 in London.
START = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.fixture
def clock() -> SandboxClock:
    """The app's clock, injected (never patched), so tests can move days ahead."""
    return SandboxClock(start=START)


@pytest.fixture
def coach(settings: Settings, slack: SlackEmulator, clock: SandboxClock) -> Iterator[RunningCoach]:
    running = RunningCoach(settings, slack=slack, clock=clock)
    try:
        yield running
    finally:
        running.close()
