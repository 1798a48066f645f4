"""The intake budget: how many reports and bytes anonymous submissions may store per hour.

A flood must not fill the disk or drown the inbox. Everything a reporter stores (a report, a later
message or file) goes into one leaky bucket for the whole instance (IntakeBudget, one row): two
levels, reports and bytes, that drain at `budget_reports_per_hour` / `budget_bytes_per_hour` and
hold at most one hour's budget. So over any t seconds at most budget x (1 + t / 3600) is stored,
and after a flood stops the channel takes real reports again within 3600 / budget_reports_per_hour
seconds (18 s at the default 200). We keep no client identifier to count by, by design.

When a submission does not fit, nothing is stored and the form answers "busy" (HTTP 503 with
Retry-After). Two checks: `budget_room` before the request body is read, so a refused upload never
touches the disk; `budget_reserve` inside the write transaction, one conditional UPDATE that adds to
the levels only if they stay within the budget, so two workers cannot both take the last room.
Both are fixed statements on the cursor, because they are on the submission's hot path
(docs/architecture.md, "The reporting channel's hot path"; ~0.03 ms each on SQLite).
"""

from __future__ import annotations

import math
import time
from functools import lru_cache
from typing import Any, cast

from django.db import connection
from django.db.models import Field

from tnrwatch.core.errors import ApplicationError

from ..config import intake_config
from ..models import IntakeBudget

HOUR = 3600.0
BUCKET_ID = 1


class IntakeBusyError(ApplicationError):
    """The reporting channel is busy; nothing was stored. Please try again later."""

    def __init__(self, retry_after: int) -> None:
        super().__init__()
        self.retry_after = retry_after


@lru_cache(maxsize=4)
def _statements(vendor: str) -> tuple[str, str, str]:
    meta = IntakeBudget._meta
    quote = connection.ops.quote_name
    table = quote(meta.db_table)
    fields = [cast("Field[Any, Any]", meta.get_field(n)) for n in ("id", "reports", "bytes", "updated_at")]  # concrete columns
    pk, reports, size, updated = (quote(f.column) for f in fields)
    greatest = "MAX" if vendor == "sqlite" else "GREATEST"  # the two-argument maximum
    # A level now: what it was, drained for the seconds since (never negative, never a clock step back).
    level = f"{greatest}({{col}} - {greatest}(%s - {updated}, 0) * %s, 0)"
    reports_now, bytes_now = level.format(col=reports), level.format(col=size)
    select = f"SELECT {reports}, {size}, {updated} FROM {table} WHERE {pk} = {BUCKET_ID}"  # noqa: S608 - names from the model
    create = (f"INSERT INTO {table} ({pk}, {reports}, {size}, {updated}) VALUES ({BUCKET_ID}, 0, 0, %s) "  # noqa: S608
              f"ON CONFLICT ({pk}) DO NOTHING")
    reserve = (
        f"UPDATE {table} SET {reports} = {reports_now} + %s, {size} = {bytes_now} + %s, {updated} = %s "  # noqa: S608
        f"WHERE {pk} = {BUCKET_ID} AND {reports_now} + %s <= %s AND {bytes_now} + %s <= %s"
    )
    return select, create, reserve


def _rates() -> tuple[float, float, float, float]:
    config = intake_config()
    cap_reports, cap_bytes = float(config.budget_reports_per_hour), float(config.budget_bytes_per_hour)
    return cap_reports, cap_bytes, cap_reports / HOUR, cap_bytes / HOUR


def _retry_after(level_reports: float, level_bytes: float, reports: int, size: int) -> int:
    """Seconds until this much would fit (at least 1)."""
    cap_reports, cap_bytes, rate_reports, rate_bytes = _rates()
    waits = [1.0]
    if rate_reports > 0:
        waits.append((level_reports + reports - cap_reports) / rate_reports)
    if rate_bytes > 0:
        waits.append((level_bytes + size - cap_bytes) / rate_bytes)
    return max(1, math.ceil(min(max(waits), HOUR)))


def budget_room(*, incoming_bytes: int, reports: int = 1, now: float | None = None) -> int:
    """0 if the budget may take `reports` more reports of about `incoming_bytes` now, else the
    seconds to wait (for Retry-After). A read only; `budget_reserve` decides."""
    now = time.time() if now is None else now
    cap_reports, cap_bytes, rate_reports, rate_bytes = _rates()
    select, _, _ = _statements(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(select)
        row = cursor.fetchone()
    if row is None:
        level_reports = level_bytes = 0.0
    else:
        elapsed = max(now - row[2], 0.0)
        level_reports = max(row[0] - elapsed * rate_reports, 0.0)
        level_bytes = max(row[1] - elapsed * rate_bytes, 0.0)
    if level_reports + reports <= cap_reports and level_bytes + incoming_bytes <= cap_bytes:
        return 0
    return _retry_after(level_reports, level_bytes, reports, incoming_bytes)


def budget_reserve(*, stored_bytes: int, reports: int = 1, now: float | None = None) -> None:
    """Count what is about to be stored, or raise IntakeBusyError. Call inside the write transaction."""
    now = time.time() if now is None else now
    cap_reports, cap_bytes, rate_reports, rate_bytes = _rates()
    _, create, reserve = _statements(connection.vendor)
    params = [now, rate_reports, reports, now, rate_bytes, stored_bytes, now,
              now, rate_reports, reports, cap_reports, now, rate_bytes, stored_bytes, cap_bytes]
    with connection.cursor() as cursor:
        cursor.execute(reserve, params)
        if cursor.rowcount == 1:
            return
        cursor.execute(create, [now])  # the instance's first submission creates the bucket
        if cursor.rowcount == 1:
            cursor.execute(reserve, params)
            if cursor.rowcount == 1:
                return
    wait = budget_room(incoming_bytes=stored_bytes, reports=reports, now=now)
    raise IntakeBusyError(max(wait, 1))
