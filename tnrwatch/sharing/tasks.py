"""Scheduled sharing work on the ingestion app's huey queue: pull partners' collections.

The periodic task runs in the queue's consumer (`ingest_worker`); where no consumer runs, the
`sync_partners` command does the same from cron.
"""

from __future__ import annotations

from huey import crontab

from tnrwatch.ingestion.tasks import huey


@huey.periodic_task(crontab(minute="*/30"), name="sharing.sync_partners")
def sync_partners_task() -> None:
    from django.db import close_old_connections, connection

    from .services.federation import sync_partners

    if not connection.in_atomic_block:  # a worker thread: drop connections past their age
        close_old_connections()
    sync_partners()
