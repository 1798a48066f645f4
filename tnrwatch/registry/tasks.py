"""Scheduled registry work on the ingestion app's huey queue: verify the audit chain daily.

The periodic task runs in the queue's consumer (`ingest_worker`); where no consumer runs,
`tnrwatch audit verify` from cron does the same. A failed run is logged (no row content) and
shown on the workspace's audit page.
"""

from __future__ import annotations

import logging

from django.db import close_old_connections
from huey import crontab

from tnrwatch.ingestion.tasks import huey

logger = logging.getLogger(__name__)


@huey.periodic_task(crontab(hour="4", minute="7"), name="registry.audit_verify")
def audit_verify_task() -> None:
    from tnrwatch.audit.services import audit_chain_verify

    close_old_connections()
    check, problems = audit_chain_verify()
    if problems:
        logger.error("audit chain broken: %d problem(s) in %d rows; first: %s", len(problems), check.rows,
                     problems[0].message)
