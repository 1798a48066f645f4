"""The version of the public record: a value that changes with every write to the registry's tables,
read in one indexed look-up. The atlas keeps its derived views (maps, timelines, counts, the
comparison table, the API's map data) in the cache under it (`public_cache.py`).

Database triggers keep it, so it changes whatever path the write took: a service, a bulk import, a
queryset `update()` or `delete()`, raw SQL, a TRUNCATE. Every table of the `registry` app has them
(its models and their many-to-many tables: claims, evidence, sources, every entity, links,
status changes...), the tables the publication rule (`sharing.outbound`) reads. `install()` puts
them in place; the atlas migration runs it, and so does every `migrate` (post_migrate: a table
added, or rebuilt by SQLite's schema editor, loses or lacks its triggers otherwise).

- SQLite: one row, `atlas_record_version` (n, stamp), updated by an AFTER trigger per row and
  statement kind. SQLite serialises writers, so the row costs no concurrency. The stamp is random
  so that a rolled-back write never gives back a version a reader may have cached under.
- PostgreSQL: a statement trigger adds, at a transaction's first registry write, a row with its
  transaction id to `atlas_record_change` (no row is shared between writers, so writers never wait
  on each other), and counts the transaction's write statements in a transaction-local setting.
  The version is the newest committed transaction id there, with the transactions older than it
  still in progress (one of them may commit a registry write later, out of order: the version then
  changes when it ends), and, inside a writing transaction, its own id and statement count (so that
  transaction sees its own writes; nobody else ever gets that key).

Read the version before the data: a write committed in between leaves newer data under an older
version, which the next reader replaces; never older data under a newer version.
"""

from __future__ import annotations

from django.apps import apps
from django.db import connections
from django.db.backends.base.base import BaseDatabaseWrapper

SQLITE_TABLE = "atlas_record_version"
PG_TABLE = "atlas_record_change"
PG_FUNCTION = "atlas_record_change_note"
PG_SETTING = "tnr.record_writes"
TRIGGER = "tnr_record_version"


def tables() -> list[str]:
    """The tables whose writes change the version: every table of the registry app."""
    models = apps.get_app_config("registry").get_models(include_auto_created=True)
    return sorted({m._meta.db_table for m in models if m._meta.managed and not m._meta.proxy})


def install(connection: BaseDatabaseWrapper) -> None:
    """Create the version's table and the triggers on every registry table (idempotent)."""
    existing = set(connection.introspection.table_names())
    wanted = [t for t in tables() if t in existing]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"CREATE TABLE IF NOT EXISTS {SQLITE_TABLE} (id integer PRIMARY KEY, n integer NOT NULL, "
                        "stamp text NOT NULL)")
            cur.execute(f"INSERT OR IGNORE INTO {SQLITE_TABLE} (id, n, stamp) VALUES (1, 0, lower(hex(randomblob(8))))")  # noqa: S608 - constant names
            for table in wanted:
                for event in ("INSERT", "UPDATE", "DELETE"):
                    name = f"{TRIGGER}_{table}_{event.lower()}"
                    bump = f"UPDATE {SQLITE_TABLE} SET n = n + 1, stamp = lower(hex(randomblob(8))) WHERE id = 1"  # noqa: S608 - constant names
                    cur.execute(f'CREATE TRIGGER IF NOT EXISTS "{name}" AFTER {event} ON "{table}" BEGIN {bump}; END')
        elif connection.vendor == "postgresql":
            cur.execute(f"CREATE TABLE IF NOT EXISTS {PG_TABLE} (txid bigint PRIMARY KEY)")
            cur.execute(f"""
                CREATE OR REPLACE FUNCTION {PG_FUNCTION}() RETURNS trigger LANGUAGE plpgsql AS $$
                DECLARE writes integer := coalesce(nullif(current_setting('{PG_SETTING}', true), ''), '0')::integer;
                BEGIN
                    IF writes = 0 THEN
                        INSERT INTO {PG_TABLE} (txid) VALUES (txid_current()) ON CONFLICT DO NOTHING;
                    END IF;
                    PERFORM set_config('{PG_SETTING}', (writes + 1)::text, true);
                    RETURN NULL;
                END $$""")  # noqa: S608 - constant names
            for table in wanted:
                cur.execute(f'CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON "{table}" '
                            f"FOR EACH STATEMENT EXECUTE FUNCTION {PG_FUNCTION}()")
        else:
            raise RuntimeError(f"no record version for the {connection.vendor} backend")


def uninstall(connection: BaseDatabaseWrapper) -> None:
    """Drop the triggers and the version's table (the migration's reverse)."""
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND name LIKE %s", [f"{TRIGGER}_%"])
            for (name,) in cur.fetchall():
                cur.execute(f'DROP TRIGGER IF EXISTS "{name}"')
            cur.execute(f"DROP TABLE IF EXISTS {SQLITE_TABLE}")
        else:
            cur.execute(f"DROP FUNCTION IF EXISTS {PG_FUNCTION}() CASCADE")
            cur.execute(f"DROP TABLE IF EXISTS {PG_TABLE}")


def current(using: str = "default") -> str:
    """The record's version, as text (a cache key part)."""
    connection = connections[using]
    with connection.cursor() as cur:
        if connection.vendor == "sqlite":
            cur.execute(f"SELECT n, stamp FROM {SQLITE_TABLE} WHERE id = 1")  # noqa: S608 - a constant name
            row = cur.fetchone()
        else:
            # One statement, so the newest id and the snapshot's running transactions agree.
            cur.execute(f"""
                SELECT t.m, ARRAY(SELECT x FROM txid_snapshot_xip(txid_current_snapshot()) AS x WHERE x < t.m ORDER BY x),
                       txid_current_if_assigned(), nullif(current_setting('{PG_SETTING}', true), '')
                FROM (SELECT max(txid) AS m FROM {PG_TABLE}) AS t""")  # noqa: S608 - constant names
            m, running, own, writes = cur.fetchone()
            row = (m, ",".join(map(str, running)), f"{own}.{writes}" if writes else "")
    if row is None:
        raise RuntimeError("the record version is missing: run `manage.py migrate`")
    return ":".join(str(part) for part in row)
