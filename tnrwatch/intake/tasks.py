"""Background work of the intake: the daily retention purge, and metadata-stripped copies.

The purge runs on the ingestion app's huey queue (its consumer, `ingest_worker`, runs periodic
tasks); where no consumer runs, `tnrwatch intake-purge` from cron does the same.

The job needs an analyst's unlocked identity to read the original. A private key must never be
written to a persistent queue, so this runs on a thread of the process that served the analyst's
request (after the transaction commits), not on the shared task queue. If the process dies
mid-job the attachment stays "queued" and the analyst asks again.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence

from django.db import close_old_connections
from huey import crontab

from tnrwatch.ingestion.tasks import huey

logger = logging.getLogger(__name__)
_running: list[threading.Thread] = []


@huey.periodic_task(crontab(hour="3", minute="17"), name="intake.purge_expired")
def purge_expired_task() -> None:
    """Delete closed reports past the retention period, and orphaned blobs."""
    from .services import blobs_sweep, reports_purge_expired

    close_old_connections()
    reports_purge_expired()
    blobs_sweep()


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
