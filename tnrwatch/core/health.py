"""What the proxy and monitoring need to know, cheaply: `/healthz` and `tnrwatch status`.

The database answers, the task queue answers, the blob stores' disks have room, the oldest capture
waiting in the queue, and when the audit chain last verified. Nothing about the record itself: no
count of reports (or of anything else), no names, so the public endpoint tells an onlooker only
whether the service is well.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path
from typing import Any

from django.db import connection
from django.utils import timezone

# A store's disk is "failing" below either figure: new reports would soon be refused.
MIN_FREE_BYTES = 512 * 1024 * 1024
MIN_FREE_FRACTION = 0.02
# A capture waiting longer than this means no worker is running.
MAX_TASK_AGE_SECONDS = 3600
# The audit chain should verify daily (the worker does at 04:07 UTC).
MAX_AUDIT_AGE_SECONDS = 2 * 86400


def _database() -> dict[str, Any]:
    started = time.perf_counter()
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - reported as the check's result
        return {"ok": False, "error": type(exc).__name__}
    return {"ok": True, "vendor": connection.vendor, "ms": round((time.perf_counter() - started) * 1000, 1)}


def _queue() -> dict[str, Any]:
    from django.conf import settings
    from huey.storage import RedisStorage

    from tnrwatch.ingestion.tasks import huey

    kind = settings.TNR_QUEUE
    try:
        if isinstance(huey.storage, RedisStorage):
            huey.storage.conn.ping()
        elif not huey.immediate:
            huey.pending_count()  # opens the embedded queue file
    except Exception as exc:  # noqa: BLE001 - reported as the check's result
        return {"ok": False, "kind": kind, "error": type(exc).__name__}
    return {"ok": True, "kind": kind}


def _oldest_task() -> dict[str, Any]:
    from tnrwatch.ingestion.models import Document

    oldest = Document.objects.filter(status=Document.Status.QUEUED).order_by("created_at").values_list("created_at", flat=True).first()
    age = int((timezone.now() - oldest).total_seconds()) if oldest else 0
    return {"ok": age <= MAX_TASK_AGE_SECONDS, "oldest_seconds": age}


def _disks() -> dict[str, Any]:
    from tnrwatch.ingestion.blobs import default_store
    from tnrwatch.intake.config import intake_config

    out: dict[str, Any] = {}
    for name, root in (("intake", intake_config().blob_path), ("documents", default_store().root)):
        path = Path(root)
        while not path.exists() and path != path.parent:
            path = path.parent  # a store not created yet lives on its parent's disk
        usage = shutil.disk_usage(path)
        out[name] = {"ok": usage.free >= MIN_FREE_BYTES and usage.free >= usage.total * MIN_FREE_FRACTION,
                     "free_bytes": usage.free, "free_percent": round(100 * usage.free / usage.total, 1)}
    return out


def _audit() -> dict[str, Any]:
    from tnrwatch.audit.selectors import audit_verification

    verification = audit_verification()
    passed, latest = verification["passed"], verification["latest"]
    if latest is not None and not latest.ok:
        return {"ok": False, "last_check": "failed"}
    if passed is None:
        return {"ok": True, "last_passed_seconds": None}
    age = int((timezone.now() - passed.checked_at).total_seconds())
    return {"ok": age <= MAX_AUDIT_AGE_SECONDS, "last_passed_seconds": age}


def health_report() -> dict[str, Any]:
    """Every check, and `ok` overall. Cheap: a handful of indexed queries and two statfs calls."""
    checks: dict[str, Any] = {"database": _database()}
    if checks["database"]["ok"]:
        checks["tasks"] = _oldest_task()
        checks["audit"] = _audit()
    checks["queue"] = _queue()
    checks["disk"] = _disks()
    ok = all(check["ok"] for name, check in checks.items() if name != "disk") and all(d["ok"] for d in checks["disk"].values())
    return {"ok": ok, "checks": checks}
