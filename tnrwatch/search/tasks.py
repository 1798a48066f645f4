"""Engine maintenance off the request path: purging deleted text from the engines' own structures.

What a deletion does at once, in its own transaction (`services.index_remove`): the entry row is
deleted (SQLite zeroes its freed bytes: `PRAGMA secure_delete=ON`), the engine is told (FTS5
'delete' writes a delete key that masks the old row; PostgreSQL's row becomes a dead tuple), and
a `PendingPurge` row records that a purge is owed. From the commit on, no search can return the
record or a passage of it: every hit is joined with `search_entry` and with the record itself.

What is deferred to here: removing the old copy of the terms. FTS5 keeps a deleted row's terms,
with their positions (enough to rebuild the folded text word by word), in the segment that holds
it until that segment is merged; 'optimize' rewrites every segment, which costs time in
proportion to the whole index (seconds at 100k sources, minutes at 1M) and holds SQLite's one
write lock meanwhile, so running it in the request that deleted blocked every writer. PostgreSQL
keeps the dead tuple (and its GIN entries) until VACUUM, which cannot run inside a transaction.

Threat model of the deferral: someone who copies the database file between a deletion's commit
and its purge (normally a few seconds: `PURGE_DELAY` plus the merge) can read the deleted
record's terms from the FTS5 segments, as they could already between the commit and the old
on-commit purge, or after a crash before it. Nobody using the application can: results are purged
at commit. The owed purge is durable (a row in the same transaction), so a process that dies
first leaves it to the next start-up, the worker's periodic task, or `tnrwatch backup` (which
purges before it snapshots). With SQLite 3.44 or later the backend turns on FTS5's own
'secure-delete' option, which removes a deleted row's terms in place in the deleting transaction,
and the purge is then only a compaction. PostgreSQL does not zero the space VACUUM frees; a copy
of its data directory may hold remnants until the pages are reused (see docs/architecture.md, Search).

Who runs it: `TNR_SEARCH_PURGE=background` (default) a daemon thread of the process that
deleted, woken on commit, coalescing a burst of deletions into one purge; `inline` in the
committing thread (tests, scripts); and in every mode `purge_pending` from the worker's periodic
task and at server start-up.
"""

from __future__ import annotations

import logging
import threading
import time

from django.conf import settings
from django.db import close_old_connections, connection
from huey import crontab

from tnrwatch.ingestion.tasks import huey

from .backends import backend
from .models import PendingPurge

logger = logging.getLogger(__name__)
PURGE_DELAY = 2.0  # seconds: deletions arriving together (a merge, a cascade) share one purge

_wake = threading.Event()
_idle = threading.Event()
_idle.set()
_started: list[threading.Thread] = []
_start_lock = threading.Lock()


def purge_pending() -> bool:
    """Purge the engine if any committed deletion is owed a purge; whether one ran."""
    last = PendingPurge.objects.order_by("-pk").values_list("pk", flat=True).first()
    if last is None:
        return False
    if not backend().purge():
        return False  # the engine cannot purge here (PostgreSQL inside a transaction): still owed
    # Deletions committed after `last` was read keep their rows: they are purged next time.
    PendingPurge.objects.filter(pk__lte=last).delete()
    return True


@huey.periodic_task(crontab(minute="*/10"), name="search.purge_pending")
def purge_pending_task() -> None:
    """For deployments with `ingest_worker`: purges owed by processes that ended first."""
    fresh = not connection.in_atomic_block  # a test's (or a caller's) transaction keeps its connection
    if fresh:
        close_old_connections()
    purge_pending()


def purge_soon() -> None:
    """Called when a deletion commits: purge now (`inline`) or wake the purge thread."""
    if getattr(settings, "TNR_SEARCH_PURGE", "background") == "inline":
        purge_pending()
        return
    _ensure_thread()
    _wake.set()
    _idle.clear()


def purge_start() -> None:
    """At server start-up: start the purge thread and let it pay what earlier processes owed."""
    if getattr(settings, "TNR_SEARCH_PURGE", "background") != "inline":
        _ensure_thread()
        _wake.set()
        _idle.clear()


def purge_wait(timeout: float = 60) -> bool:
    """Wait until the purge thread has nothing left to do (tests, a clean shutdown)."""
    return _idle.wait(timeout)


def _ensure_thread() -> None:
    with _start_lock:
        if _started and _started[0].is_alive():
            return
        _started.clear()
        thread = threading.Thread(target=_loop, name="search-purge", daemon=True)
        _started.append(thread)
        thread.start()


def _loop() -> None:
    while True:
        _wake.wait()
        time.sleep(PURGE_DELAY)
        _wake.clear()
        try:
            purge_pending()
        except Exception:  # noqa: BLE001 - the owed rows stay; the next wake, start-up or worker retries
            logger.exception("search purge failed")
        finally:
            connection.close()  # this thread's own connection; the next round opens a fresh one
        if not _wake.is_set():
            _idle.set()
