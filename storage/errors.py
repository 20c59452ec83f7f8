"""Storage's errors, importable without SQLAlchemy (the CLI catches them on every run)."""

from __future__ import annotations


class DatabaseUnavailable(Exception):
    """The database cannot be used, worded as one line naming its host and port.

    ``configuration`` tells a wrong setting (no such database, a refused login, a SQLite
    path that cannot be opened: fix DATABASE_URL) from a database that is not answering
    (start it, or check the network), because an operator's next step differs."""

    def __init__(self, message: str, *, configuration: bool) -> None:
        super().__init__(message)
        self.configuration = configuration
