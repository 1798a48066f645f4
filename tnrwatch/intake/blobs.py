"""Where this instance keeps its intake blobs, and whether it fsyncs them (follows the database).

Separate from services and selectors so both can use it without importing each other.
"""

from __future__ import annotations

from django.db import connections

from .config import intake_config
from .storage import CiphertextStore


def blob_store() -> CiphertextStore:
    config = intake_config()
    fsync = config.fsync_blobs if config.fsync_blobs is not None else database_fsyncs_commits()
    return CiphertextStore(config.blob_path, fsync=fsync)


def database_fsyncs_commits(using: str = "default") -> bool:
    """Whether a committed transaction is on stable storage before COMMIT returns.

    SQLite in WAL mode with synchronous=NORMAL (or OFF) fsyncs only at checkpoints, so a power cut
    can lose the latest commits; any other SQLite setting, and PostgreSQL, fsync at commit. Read
    once per process and database (the pragmas come from the settings' init_command).
    """
    conn = connections[using]
    if conn.vendor != "sqlite":
        return True
    cache_key = (using, str(conn.settings_dict.get("NAME")))
    cached = _fsync_policy.get(cache_key)
    if cached is None:
        with conn.cursor() as cursor:
            cursor.execute("PRAGMA journal_mode")
            journal_mode = str(cursor.fetchone()[0]).lower()
            cursor.execute("PRAGMA synchronous")
            synchronous = int(cursor.fetchone()[0])
        cached = _fsync_policy[cache_key] = not (journal_mode == "wal" and synchronous <= 1)
    return cached


_fsync_policy: dict[tuple[str, str], bool] = {}
