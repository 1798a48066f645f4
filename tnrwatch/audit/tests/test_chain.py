"""The audit log as a keyed hash chain: tampering directly in the database is reported.

Each test writes a small log through the services (the path the app uses), then edits the
database with raw SQL, as an adversary with a copy of the database and a script would, and runs
`tnrwatch audit verify`.
"""

from __future__ import annotations

import importlib
import os
import threading
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from django.urls import reverse

from tnrwatch.audit.models import AuditChainHead, AuditCheck, AuditEntry
from tnrwatch.audit.services import audit_chain_verify, audit_check_valid, audit_record
from tnrwatch.registry import services

TABLE = AuditEntry._meta.db_table


def _sql(statement: str, params: list | tuple = ()) -> None:
    with connection.cursor() as cursor:
        cursor.execute(statement.replace("{t}", connection.ops.quote_name(TABLE)), params)


def _verify() -> tuple[bool, str]:
    out = StringIO()
    try:
        call_command("audit", "verify", stdout=out)
    except CommandError as exc:
        return False, out.getvalue() + str(exc)
    return True, out.getvalue()


@pytest.fixture
def log(db, make_staff):
    """Ten audited writes by two actors; returns the rows in chain order."""
    analyst = make_staff("analyst")
    for i in range(5):
        services.source_create(actor=analyst, title=f"Report {i}", publisher="RFA", marking="clear")
        audit_record(actor=None, actor_label="import", action="test.note", subject_type="source",
                              subject_id=i, data={"n": i, "tags": ("a", "b"), 3: "int key"})
    return list(AuditEntry.objects.order_by("seq"))


def test_untouched_log_passes_and_is_recorded(log):
    ok, out = _verify()
    assert ok, out
    assert f"{len(log)} rows" in out
    assert [e.seq for e in log] == list(range(1, len(log) + 1))
    check = AuditCheck.objects.get()
    assert check.ok and audit_check_valid(check)


def test_edited_actor_is_reported(log):
    victim = log[3]
    _sql("UPDATE {t} SET actor_label = %s WHERE id = %s", ["someone-else", victim.pk])
    ok, out = _verify()
    assert not ok
    assert f"row {victim.pk} (chain position {victim.seq}) was changed" in out


def test_edited_actor_id_is_reported(log, make_staff):
    other = make_staff("reviewer")
    victim = next(e for e in log if e.actor_id)
    _sql("UPDATE {t} SET actor_id = %s WHERE id = %s", [other.pk, victim.pk])
    ok, out = _verify()
    assert not ok and f"row {victim.pk} " in out


def test_deleted_row_is_reported(log):
    victim = log[4]
    _sql("DELETE FROM {t} WHERE id = %s", [victim.pk])
    ok, out = _verify()
    assert not ok
    assert f"chain row {victim.seq} missing before row {log[5].pk}: deleted" in out


def test_deleted_newest_rows_are_reported(log):
    _sql("DELETE FROM {t} WHERE id IN (%s, %s)", [log[-1].pk, log[-2].pk])
    ok, out = _verify()
    assert not ok
    assert f"rows {log[-2].seq} to {log[-1].seq} missing at the end" in out


def test_backdated_row_is_reported(log):
    victim = log[6]
    _sql("UPDATE {t} SET created_at = %s WHERE id = %s", [victim.created_at - timedelta(days=30), victim.pk])
    ok, out = _verify()
    assert not ok and f"row {victim.pk} (chain position {victim.seq}) was changed" in out


def test_forged_row_is_reported(log):
    # An insert with the model's own columns but no chain position, as a script would write it
    _sql("INSERT INTO {t} (actor_label, action, subject_type, subject_id, data, created_at, mac) "
         "VALUES (%s, %s, %s, %s, %s, %s, %s)",
         ["admin", "claim.create", "claim", "1", "{}", log[2].created_at, ""])
    forged = AuditEntry.objects.get(seq__isnull=True)
    ok, out = _verify()
    assert not ok and f"row {forged.pk} is not in the chain" in out


def test_forged_row_with_a_chain_position_is_reported(log):
    # A cleverer forgery: the next position, a plausible MAC, and the head moved along
    fake_mac = "ab" * 32
    _sql("INSERT INTO {t} (actor_label, action, subject_type, subject_id, data, created_at, seq, mac) "
         "VALUES (%s, %s, %s, %s, %s, %s, %s, %s)",
         ["admin", "claim.create", "claim", "1", "{}", log[-1].created_at, len(log) + 1, fake_mac])
    AuditChainHead.objects.filter(pk=1).update(seq=len(log) + 1, last_mac=fake_mac)
    ok, out = _verify()
    assert not ok and "was changed, forged or moved" in out and "chain head was changed" in out


def test_reordered_rows_are_reported(log):
    a, b = log[1], log[2]
    _sql("UPDATE {t} SET seq = %s WHERE id = %s", [-1, a.pk])
    _sql("UPDATE {t} SET seq = %s WHERE id = %s", [a.seq, b.pk])
    _sql("UPDATE {t} SET seq = %s WHERE id = %s", [b.seq, a.pk])
    ok, out = _verify()
    assert not ok and "was changed, forged or moved" in out


def test_four_tamperings_four_reports_then_a_fresh_log_passes(log):
    # Given a log edited four ways: an actor changed, a row deleted, a row backdated, a row forged
    _sql("UPDATE {t} SET actor_label = %s WHERE id = %s", ["mallory", log[1].pk])
    _sql("DELETE FROM {t} WHERE id = %s", [log[4].pk])
    _sql("UPDATE {t} SET created_at = %s WHERE id = %s", [log[7].created_at - timedelta(hours=5), log[7].pk])
    _sql("INSERT INTO {t} (actor_label, action, subject_type, subject_id, data, created_at, mac) "
         "VALUES (%s, %s, %s, %s, %s, %s, %s)", ["admin", "x", "", "", "{}", log[0].created_at, ""])
    # When the chain is verified
    check, problems = audit_chain_verify()
    # Then each edit is reported once, the first one first, and the run is recorded as failed
    assert [p.kind for p in problems] == ["changed", "deleted", "changed", "inserted"]
    assert [p.row_id for p in problems] == [log[1].pk, log[5].pk, log[7].pk, problems[3].row_id]
    assert not check.ok and str(log[1].pk) in check.first_problem
    # And once the rows are put back, verification passes again
    _sql("DELETE FROM {t} WHERE seq IS NULL")
    _sql("UPDATE {t} SET actor_label = %s, created_at = %s WHERE id = %s", [log[1].actor_label, log[1].created_at, log[1].pk])
    _sql("UPDATE {t} SET created_at = %s WHERE id = %s", [log[7].created_at, log[7].pk])
    gone = log[4]
    AuditEntry.objects.bulk_create([gone])
    assert _verify()[0]


def test_the_audit_page_shows_when_verification_last_passed(log, staff_client):
    client = staff_client("reviewer", username="rev")
    page = client.get(reverse("workspace:audit")).content.decode()
    assert "has not been verified yet" in page
    audit_chain_verify()
    page = client.get(reverse("workspace:audit")).content.decode()
    assert "Chain verification last passed on" in page
    # A 'passed' row forged in the database is not believed
    _sql("UPDATE {t} SET actor_label = 'x' WHERE id = %s", [log[0].pk])
    audit_chain_verify()
    AuditCheck.objects.create(rows=1, ok=True, mac="00" * 32)
    page = client.get(reverse("workspace:audit")).content.decode()
    assert "The audit chain is broken." in page and "It last passed on" in page


def test_the_migration_chains_existing_rows(log):
    # Given rows written before the chain existed (no position, no MAC, no head)
    AuditEntry.objects.update(seq=None, mac="")
    AuditChainHead.objects.all().delete()
    assert not _verify()[0]
    # When the migration's function runs
    migration = importlib.import_module("tnrwatch.registry.migrations.0004_audit_chain")
    historical = MigrationLoader(connection).project_state(("registry", "0004_audit_chain")).apps
    migration.chain_existing(historical, type("Editor", (), {"connection": connection})())
    # Then every row is chained in the order it was written, and the chain holds
    assert _verify()[0]
    assert list(AuditEntry.objects.order_by("seq").values_list("pk", flat=True)) == [e.pk for e in log]


WRITER = """
import sys, threading, django
django.setup()
from django.db import connection, transaction
from django.db.migrations.loader import MigrationLoader
from tnrwatch.audit.services import audit_record
n, threads, per_thread = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
errors = []
def write(t):
    try:
        for i in range(per_thread):
            with transaction.atomic():
                audit_record(actor=None, actor_label=f"writer-{n}-{t}", action="test.concurrent",
                                      subject_type="source", subject_id=i, data={"i": i})
    except BaseException as exc:
        errors.append(repr(exc))
    finally:
        connection.close()
workers = [threading.Thread(target=write, args=(t,)) for t in range(threads)]
[w.start() for w in workers]
[w.join() for w in workers]
sys.exit("; ".join(errors[:3]) if errors else 0)
"""


def _assert_chain_of(count: int, seqs: list[int]) -> None:
    assert len(seqs) == count
    assert seqs == list(range(seqs[0], seqs[0] + count)), "gaps or repeats in the chain positions"


@pytest.mark.slow
def test_concurrent_audited_writes_keep_the_chain_valid_sqlite(tmp_path):
    """SQLite as production runs it: an on-disk WAL database, several processes (gunicorn workers)
    with two threads each, 1,000 audited writes at once. (The in-memory test database cannot
    show this: its shared cache locks tables instead of waiting.)"""
    import subprocess
    import sys
    from pathlib import Path

    project = Path(__file__).resolve().parents[3]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TNR_", "DATABASE_URL"))},
           "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings", "TNR_ENV": "test", "TNR_DATA_DIR": str(tmp_path)}
    python = [sys.executable]
    subprocess.run([*python, "manage.py", "migrate", "-v0"], cwd=project, env=env, check=True, timeout=300)
    # Given 4 processes x 2 threads x 125 audited writes, started together
    writers = [subprocess.Popen([*python, "-c", WRITER, str(n), "2", "125"], cwd=project, env=env,
                                stderr=subprocess.PIPE, text=True) for n in range(4)]
    failures = [w.communicate(timeout=600)[1][-2000:] for w in writers if w.wait(timeout=600)]
    assert not failures, failures
    # Then the chain has all 1,000 rows at consecutive positions, and `audit verify` passes
    import sqlite3

    with sqlite3.connect(tmp_path / "tnrwatch.sqlite3") as db:
        seqs = [row[0] for row in db.execute(f"SELECT seq FROM {TABLE} WHERE action = 'test.concurrent' ORDER BY seq")]  # noqa: S608
    _assert_chain_of(1000, seqs)
    done = subprocess.run([*python, "manage.py", "audit", "verify"], cwd=project, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0 and "audit chain OK" in done.stdout, done.stdout + done.stderr


@pytest.mark.django_db(transaction=True)
@pytest.mark.slow
def test_concurrent_audited_writes_keep_the_chain_valid_postgres():
    """PostgreSQL: 8 threads, each with its own connection, 1,000 audited writes at once."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL variant (the SQLite one runs processes on an on-disk database)")
    threads, errors, per_thread = 8, [], 125
    start = threading.Barrier(threads)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(per_thread):
                with transaction.atomic():
                    audit_record(actor=None, actor_label=f"writer-{n}", action="test.concurrent",
                                          subject_type="source", subject_id=i, data={"i": i})
        except BaseException as exc:  # noqa: BLE001 - reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    workers = [threading.Thread(target=writer, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    # Then all 1,000 rows are in the chain, at consecutive positions, and it verifies
    assert not errors, errors[:3]
    _assert_chain_of(threads * per_thread, list(
        AuditEntry.objects.filter(action="test.concurrent").order_by("seq").values_list("seq", flat=True)))
    check, problems = audit_chain_verify()
    assert check.ok, problems[:3]


def test_audit_rows_are_written_only_by_the_audit_service():
    """An AuditEntry written anywhere else would be outside the chain: one home, and a test that
    fails when a second appears (models, migrations and tests aside)."""
    import re
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    writes = re.compile(r"AuditEntry\(|AuditEntry\.objects\.(?:create|bulk_create|get_or_create|update_or_create)\(")
    offenders = [str(path.relative_to(root)) for path in root.rglob("*.py")
                 if "tests" not in path.parts and "migrations" not in path.parts
                 and path.name != "models.py" and path != root / "audit" / "services.py"
                 and writes.search(path.read_text(encoding="utf-8"))]
    assert offenders == [], "write audit rows through audit.audit_record(_many)"


def test_the_audit_functions_have_one_home():
    # Callers import audit_record and its siblings from the audit app; the registry no longer
    # re-exports them, so a second import path cannot come back unnoticed.
    from tnrwatch.registry import services as registry_services

    assert [name for name in dir(registry_services) if name.startswith("audit_")] == []
