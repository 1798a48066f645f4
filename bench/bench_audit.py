"""The audit chain's cost and the backup's speed, on the embedded SQLite database (on disk, WAL).

In a fresh child process with its own data folder: (1) 2,000 audited writes, each in its own
transaction, through `audit_record` (chained: head lock, HMAC, head update) and, side by side, the
same row through the plain one-statement insert the project used before the chain; (2) `audit
verify` over 100,000 rows; (3) `tnrwatch backup` and `restore --check` of that instance (age
encryption included). Medians of the per-write times; verify and backup once each.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

WRITES = 2_000
ROWS = 100_000


def _child() -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import transaction

    call_command("migrate", verbosity=0)
    from tnrwatch.audit import services
    from tnrwatch.audit.models import AuditEntry
    from tnrwatch.core import sql

    chained, plain = [], []
    for i in range(WRITES):
        started = time.perf_counter()
        with transaction.atomic():
            services.audit_record(actor=None, actor_label="bench", action="bench.write", subject_type="source",
                                  subject_id=i, data={"i": i})
        chained.append(time.perf_counter() - started)
        started = time.perf_counter()
        with transaction.atomic():
            sql.insert(AuditEntry(actor_label="bench", action="bench.plain", subject_type="source",
                                  subject_id=str(i), data={"i": i}))
        plain.append(time.perf_counter() - started)
    AuditEntry.objects.filter(action="bench.plain").delete()  # unchained rows would fail the verify
    for start in range(AuditEntry.objects.count(), ROWS, 1000):
        with transaction.atomic():
            services.audit_record_many([services.audit_entry(actor=None, actor_label="bench", action="bench.bulk",
                                                             subject_type="source", subject_id=start + k, data={"k": k})
                                        for k in range(min(1000, ROWS - start))])
    started = time.perf_counter()
    check, problems = services.audit_chain_verify()
    verify_seconds = time.perf_counter() - started
    assert not problems, problems[:3]
    return {"chained_ms": statistics.median(chained) * 1000, "plain_ms": statistics.median(plain) * 1000,
            "rows": check.rows, "verify_seconds": verify_seconds}


def run() -> str:
    from tnrwatch.intake import crypto

    data_dir = tempfile.mkdtemp(prefix="tnr-bench-audit-")
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TNR_", "DATABASE_URL"))},
           "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings", "TNR_ENV": "test", "TNR_DATA_DIR": data_dir}
    try:
        done = subprocess.run([sys.executable, "-m", "bench.bench_audit", "--child"], env=env, capture_output=True,
                              text=True, check=True, timeout=3600)
        figures = json.loads(done.stdout.strip().splitlines()[-1])
        identity, recipient = crypto.identity_generate()
        archive = os.path.join(data_dir, "bench.tar.age")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tnrwatch.cli", "backup", archive, "--recipient", recipient], env=env,
                       check=True, capture_output=True, timeout=3600)
        backup_seconds = time.perf_counter() - started
        identity_file = os.path.join(data_dir, "identity.txt")
        with open(identity_file, "w") as handle:
            handle.write(identity + "\n")
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "tnrwatch.cli", "restore", archive, "--identity", identity_file, "--check"],
                       env=env, check=True, capture_output=True, timeout=3600)
        check_seconds = time.perf_counter() - started
        db_mb = os.path.getsize(os.path.join(data_dir, "tnrwatch.sqlite3")) / 1e6
        archive_mb = os.path.getsize(archive) / 1e6
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)
    ratio = figures["chained_ms"] / figures["plain_ms"]
    return "\n".join([
        "## Audit chain and backups",
        "",
        f"Measured {time.strftime('%Y-%m-%d')} on this machine (2 cores, shared), embedded SQLite on disk (WAL). "
        "See `bench/bench_audit.py`.",
        "",
        "| what | figure |",
        "| --- | --- |",
        f"| one audited write in its own transaction, chained (head lock, HMAC, head update) | {figures['chained_ms']:.3f} ms (median of {WRITES:,}) |",
        f"| the same row through the plain insert used before the chain | {figures['plain_ms']:.3f} ms ({ratio:.2f}x less) |",
        f"| `tnrwatch audit verify` over {figures['rows']:,} rows | {figures['verify_seconds']:.1f} s ({figures['rows'] / figures['verify_seconds']:,.0f} rows/s) |",
        f"| `tnrwatch backup` of that instance ({db_mb:.1f} MB database; archive {archive_mb:.1f} MB, age-encrypted) | {backup_seconds:.1f} s, process start included |",
        f"| `tnrwatch restore --check` of the archive (decrypt, authenticate, hash every member) | {check_seconds:.1f} s |",
        "",
        "The chain adds a read and an update of the one-row head to every audited write, and serialises",
        "audited writers on it (PostgreSQL holds the row lock to the end of the transaction; SQLite",
        "already has one writer at a time). Verification streams the rows, so its memory stays flat.",
    ])


if __name__ == "__main__":
    if "--child" in sys.argv:
        print(json.dumps(_child()))
    else:
        print(run())
