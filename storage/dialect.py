"""The dialect-specific INSERT that both engines support ``ON CONFLICT`` with."""

from __future__ import annotations

from typing import Any

from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session


def insert_for(session: Session, model: Any) -> Any:
    """``INSERT`` for ``model`` that offers ``on_conflict_do_nothing``/``_do_update``."""
    dialect = session.get_bind().dialect.name
    return (pg_insert if dialect == "postgresql" else sqlite_insert)(model)
