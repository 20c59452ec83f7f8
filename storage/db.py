"""Engines and transactions: the one place that knows SQLite from PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event, text
from sqlalchemy.engine import URL, Engine, make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, create_engine

from storage.errors import DatabaseUnavailable

SQLITE_BUSY_TIMEOUT_MS = 10_000

# libpq options: a database that vanishes without closing the socket (a failover, a cut
# network) fails a query within about 30 s instead of holding a listener thread forever.
POSTGRES_CONNECT_ARGS = {
    "connect_timeout": 5,
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 30_000,
    # No server-side prepared statements: after a few runs PostgreSQL may switch a prepared
    # statement to a generic plan, which for a sweep's ``IN (…)`` of 5,000 keys checks each
    # row against the list one by one (11 s a query instead of 0.07 s, measured). Planning
    # each query afresh costs well under a millisecond, and suits PgBouncer too.
    "prepare_threshold": None,
}


def normalise_url(url: str) -> URL:
    """Accept the URLs operators paste (``postgres://``, ``postgresql://``) and use psycopg 3."""
    parsed = make_url(url)
    if parsed.get_backend_name() in {"postgres", "postgresql"}:
        return parsed.set(drivername="postgresql+psycopg")
    return parsed


def make_engine(url: str, *, pool_size: int = 10) -> Engine:
    """An engine tuned for Coach's use: many short transactions from several threads.

    Bound parameters are goal texts and check-in notes, so the engine never puts them in a
    log line or an exception message (``hide_parameters``): a database error logs its SQL.
    """
    parsed = normalise_url(url)
    if parsed.get_backend_name() == "sqlite":
        return _sqlite_engine(parsed, pool_size)
    return create_engine(
        parsed,
        pool_size=pool_size,
        max_overflow=pool_size,
        pool_pre_ping=True,  # recover by itself after PostgreSQL restarts
        pool_recycle=1800,
        connect_args=POSTGRES_CONNECT_ARGS,
        hide_parameters=True,
    )


def _sqlite_engine(url: URL, pool_size: int) -> Engine:
    in_memory = url.database in (None, "", ":memory:")
    # A file database keeps a pool of connections, each used by one thread at a time:
    # opening one per transaction cost its pragmas and, as the last connection to close,
    # a WAL checkpoint every time (half of a sweep's time per message). An in-memory
    # database is its single connection, so SQLAlchemy's default pool for it stays.
    pooling: dict[str, Any] = (
        {} if in_memory else {"pool_size": pool_size, "max_overflow": pool_size}
    )
    engine = create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000},
        hide_parameters=True,
        **pooling,
    )

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not pysqlite, decide when transactions begin (so BEGIN IMMEDIATE works).
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Any) -> None:
        # Take the write lock up front: two writers then queue on busy_timeout instead of
        # one failing with "database is locked" when it upgrades a read lock.
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return engine


@contextmanager
def session_scope(engine: Engine) -> Iterator[Session]:
    """One transaction: committed when the block ends, rolled back if it raises."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise


def database_answers(engine: Engine) -> bool:
    """True when a trivial query succeeds: the basis of /healthz."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return False
    return True


# Words of a driver's message that mean the server answered and refused what we asked.
_REFUSALS = ("does not exist", "authentication failed", "password", "no pg_hba.conf", "role ")


def check_database(engine: Engine) -> None:
    """Raise DatabaseUnavailable unless a trivial query succeeds; a start calls it first so
    that an unreachable database is one line, not a migration's traceback."""
    try:
        with engine.connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError as error:
        raise _unavailable(engine.url, error) from error


def _unavailable(url: URL, error: SQLAlchemyError) -> DatabaseUnavailable:
    cause = getattr(error, "orig", None) or error
    lines = [line.strip() for line in str(cause).strip().splitlines() if line.strip()]
    reason = lines[0] if lines else type(cause).__name__
    if url.get_backend_name() == "sqlite":
        where = f"the SQLite database {url.database or ':memory:'}"
        return DatabaseUnavailable(
            f"DATABASE_URL: cannot open {where} ({reason}); fix DATABASE_URL.",
            configuration=True,
        )
    where = f"{url.host or 'localhost'}:{url.port or 5432}"
    database = url.database or "(default)"
    if any(word in reason.lower() for word in _REFUSALS):
        return DatabaseUnavailable(
            f"DATABASE_URL: PostgreSQL at {where} refused database {database} ({reason}); "
            "fix DATABASE_URL or create the database.",
            configuration=True,
        )
    return DatabaseUnavailable(
        f"cannot reach PostgreSQL at {where} ({reason}); start it, or fix the host and port "
        "in DATABASE_URL.",
        configuration=False,
    )
