"""Background work of the intake: housekeeping (orphan blobs, retention purge), and metadata-stripped
copies.

Housekeeping runs in the embedded worker by default: every server process (gunicorn worker,
runserver) starts one daemon thread (`housekeeping_start`, called from config/wsgi.py) that sweeps
orphaned blobs at start-up and then runs `housekeeping_round` every `housekeeping_seconds`; a file
lock in the data folder lets one process at a time do a round. The same work is a periodic task on
the ingestion app's huey queue for deployments that run `ingest_worker`, and `tnrwatch intake-purge`
does it from cron.

The job needs an analyst's unlocked identity to read the original. A private key must never be
written to a persistent queue, so this runs on a thread of the process that served the analyst's
request (after the transaction commits), not on the shared task queue. If the process dies
mid-job the attachment stays "queued" and the analyst asks again.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Sequence
from pathlib import Path

from django.conf import settings
from django.db import close_old_connections, connection
from huey import crontab

from tnrwatch.ingestion.tasks import huey

logger = logging.getLogger(__name__)
_running: list[threading.Thread] = []


@huey.periodic_task(crontab(hour="3", minute="17"), name="intake.purge_expired")
def purge_expired_task() -> None:
    """Delete closed reports past the retention period, and orphaned blobs."""
    housekeeping_round(purge=True)


PURGE_EVERY_SECONDS = 24 * 3600
_housekeeping: dict[str, object] = {}


def housekeeping_round(*, purge: bool) -> dict[str, int]:
    """One round: sweep orphaned blobs, send analysts' email notices (when SMTP is set up), and
    purge expired reports when `purge`. Returns the counts."""
    from .config import intake_config
    from .services import blobs_sweep, notices_send, reports_purge_expired

    # A round on the housekeeping thread or a worker starts and ends with fresh connections; one
    # called inside a transaction (a test, or a caller's atomic block) must not close it under them.
    fresh = not connection.in_atomic_block
    if fresh:
        close_old_connections()
    try:
        done = {"blobs_swept": blobs_sweep(older_than_seconds=intake_config().orphan_blob_seconds),
                "notices_sent": notices_send()}
        if purge:
            done["reports_purged"] = reports_purge_expired()
        return done
    finally:
        if fresh:
            close_old_connections()


def _locked_round(lock_path: Path, *, purge: bool) -> dict[str, int] | None:
    """A round if no other process is doing one now (non-blocking file lock), else None."""
    with lock_path.open("a") as lock:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return None
        try:
            return housekeeping_round(purge=purge)
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _housekeeping_loop(interval: float, stop: threading.Event) -> None:
    lock_path = Path(settings.DATA_DIR) / "intake-housekeeping.lock"
    last_purge = 0.0
    while True:
        purge = time.monotonic() - last_purge >= PURGE_EVERY_SECONDS
        try:
            if _locked_round(lock_path, purge=purge) is not None and purge:
                last_purge = time.monotonic()
        except Exception:  # noqa: BLE001 - a failed round must not end the thread; the next one retries
            logger.exception("intake housekeeping round failed")
        if stop.wait(interval):
            return


def housekeeping_start() -> threading.Thread | None:
    """Start this process's housekeeping thread (once; the first round runs at once, i.e. at start-up).

    Off when `housekeeping_seconds` is 0 (then run `ingest_worker` or `tnrwatch intake-purge`)."""
    from .config import intake_config

    interval = intake_config().housekeeping_seconds
    if interval <= 0 or "thread" in _housekeeping:
        return _housekeeping.get("thread")  # type: ignore[return-value]
    stop = threading.Event()
    thread = threading.Thread(target=_housekeeping_loop, args=(interval, stop), name="intake-housekeeping", daemon=True)
    _housekeeping.update(thread=thread, stop=stop)
    thread.start()
    return thread


def attachment_strip(attachment_id: int, identities: Sequence) -> str:
    """Make the stripped copy now; returns the new state (done, unsupported, failed)."""
    from . import crypto, metadata, selectors, services
    from .blobs import blob_store
    from .models import Attachment

    attachment = Attachment.objects.select_related("report").get(pk=attachment_id)
    store = blob_store()
    try:
        with store.open(attachment.blob_id) as handle:
            original = crypto.decrypt(handle, identities)
        stripped, _kind = metadata.strip(original)
        blob_id, _size = store.write(crypto.encrypt(stripped, selectors.recipient_public_keys()))
        state = "done"
    except metadata.UnsupportedFormatError:
        blob_id, state = "", "unsupported"
    except Exception:  # noqa: BLE001 - recorded as a state the analyst sees; no content is logged
        logger.warning("metadata stripping failed for attachment %s", attachment_id)
        blob_id, state = "", "failed"
    services.attachment_strip_record(attachment=attachment, state=state, stripped_blob_id=blob_id)
    return state


def _run(attachment_id: int, identities: Sequence) -> None:
    try:
        attachment_strip(attachment_id, identities)
    finally:
        close_old_connections()


def attachment_strip_in_background(attachment_id: int, identities: Sequence) -> threading.Thread:
    thread = threading.Thread(target=_run, args=(attachment_id, list(identities)), daemon=True)
    _running.append(thread)
    thread.start()
    return thread


def wait_for_background_jobs(timeout: float = 60) -> None:
    """Join every job started so far (tests, and a clean shutdown)."""
    while _running:
        _running.pop().join(timeout)
