"""Retention: closed reports past `retention_days` are deleted, orphaned blobs are swept."""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from tnrwatch.audit.services import audit_record

from ..blobs import blob_store
from ..config import intake_config
from ..models import Attachment, Report, ReportState
from .inbox import report_delete


def reports_purge_expired(*, now: datetime | None = None) -> int:
    """Delete every report closed more than `retention_days` ago. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=intake_config().retention_days)
    count = 0
    for report in Report.objects.filter(state=ReportState.CLOSED, closed_at__lt=cutoff):
        report_delete(actor=None, actor_label="retention", report=report)
        count += 1
    if count:
        wal_truncate()
    return count


def reports_delete_bulk(*, actor: Any, report_ids: Sequence[Any]) -> int:
    """Delete the selected reports securely, as `report_delete` does each (an audit row per report,
    blobs overwritten after the commit), plus one row for the bulk action; then fold the WAL back.
    Inbox triage of a flood of junk. Unknown ids are ignored. Returns how many were deleted."""
    ids = sorted({int(i) for i in report_ids if str(i).isdigit()})
    with transaction.atomic():
        reports = list(Report.objects.filter(pk__in=ids))
        for report in reports:
            report_delete(actor=actor, report=report)
        if reports:
            audit_record(actor=actor, action="intake.reports_deleted_bulk", subject_type="report",
                                           data={"count": len(reports)})
    if reports:
        wal_truncate()
    return len(reports)


def wal_truncate() -> None:
    """After a deletion: fold SQLite's WAL back into the database and truncate it.

    secure_delete zeroes the freed pages in the database file; the WAL still holds the old page
    images until a checkpoint (best effort: a reader holding an old snapshot makes it wait for the
    next run). PostgreSQL: run VACUUM after deletions (SECURITY.md, "Retention and deletion")."""
    if connection.vendor != "sqlite" or connection.in_atomic_block:
        return
    try:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    except DatabaseError:
        pass


def blobs_sweep(*, older_than_seconds: int = 3600) -> int:
    """Remove blobs no attachment points at (an upload cut off by a crash or a refused form)."""
    store = blob_store()
    cutoff = time.time() - older_than_seconds
    referenced = set(Attachment.objects.values_list("blob_id", flat=True))
    referenced |= set(Attachment.objects.exclude(stripped_blob_id="").values_list("stripped_blob_id", flat=True))
    removed = 0
    for path in store.stale_parts() + [store.root / f"{b}.age" for b in store.all_ids() if b not in referenced]:
        try:
            if path.stat().st_mtime < cutoff:
                store.discard(path.stem)
                removed += 1
        except FileNotFoundError:
            continue
    return removed
