"""One search backend per database engine, behind the same small interface (`base.Backend`)."""

from __future__ import annotations

from django.db import connection

from .base import Backend


def backend(conn=None) -> Backend:  # noqa: ANN001 - a Django connection
    """The backend of the database in use (SQLite FTS5 or PostgreSQL full-text search)."""
    conn = conn or connection
    if conn.vendor == "postgresql":
        from .postgres import PostgresBackend

        return PostgresBackend(conn)
    if conn.vendor == "sqlite":
        from .sqlite import SqliteBackend

        return SqliteBackend(conn)
    raise NotImplementedError(f"no search backend for {conn.vendor}")
