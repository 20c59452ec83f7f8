"""A private PostgreSQL schema for one test or one benchmark run, dropped afterwards.

Why in storage/: it is SQL (CREATE and DROP SCHEMA, a search_path), and all SQL lives here;
the tests and the benchmarks both need it, and both already import storage (the benchmarks
cannot import the tests). A schema of its own lets many runs share one PostgreSQL database
without seeing each other's tables.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import create_engine, text

from storage.db import normalise_url


@contextmanager
def private_schema(url: str, *, prefix: str = "coach_scratch") -> Iterator[str]:
    """A fresh, empty schema in the PostgreSQL database at `url`; yields a URL whose
    connections use it (through search_path), and drops the schema and all in it after."""
    schema = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(url), isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        scoped = normalise_url(url).update_query_dict({"options": f"-csearch_path={schema}"})
        try:
            yield scoped.render_as_string(hide_password=False)
        finally:
            with admin.connect() as connection:
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    finally:
        admin.dispose()
