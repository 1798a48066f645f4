"""The blob fsync policy follows the database's own durability unless the settings force it."""

from __future__ import annotations

import pytest
from django.db import connection

from tnrwatch.intake import blobs


def _sqlite_fsyncs_commits() -> bool:
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode")
        journal_mode = str(cursor.fetchone()[0]).lower()
        cursor.execute("PRAGMA synchronous")
        synchronous = int(cursor.fetchone()[0])
    return not (journal_mode == "wal" and synchronous <= 1)


@pytest.mark.django_db
def test_blob_fsync_follows_the_database_by_default(settings):
    settings.TNR_INTAKE = {}
    expected = True if connection.vendor != "sqlite" else _sqlite_fsyncs_commits()
    assert blobs.database_fsyncs_commits() is expected
    assert blobs.blob_store().fsync is expected


@pytest.mark.django_db
@pytest.mark.parametrize("forced", [True, False])
def test_blob_fsync_can_be_forced(settings, forced):
    settings.TNR_INTAKE = {"fsync_blobs": forced}
    assert blobs.blob_store().fsync is forced


@pytest.mark.django_db
def test_postgresql_commits_are_fsynced_so_blobs_are_too(settings):
    if connection.vendor == "sqlite":
        pytest.skip("PostgreSQL run only")
    settings.TNR_INTAKE = {}
    assert blobs.blob_store().fsync is True


def test_blob_folder_is_made_private_on_first_write(tmp_path):
    from tnrwatch.intake.storage import CiphertextStore

    store = CiphertextStore(tmp_path / "not" / "yet", fsync=False)  # building a store touches nothing
    assert not (tmp_path / "not").exists() and store.all_ids() == []
    blob_id, size = store.write(b"age ciphertext stand-in")
    assert size == len(b"age ciphertext stand-in") and store.all_ids() == [blob_id]
    assert (store.root.stat().st_mode & 0o777) == 0o700
