"""`tnrwatch ingest PATH_OR_URL...`: capture files, folders (recursively) and URLs as Sources.

Each document becomes a task on the queue (TNR_QUEUE). With the embedded SQLite queue (the
default) this command runs the tasks itself, so no other service is needed; with Redis it waits
for `tnrwatch ingest_worker` processes to do them (or returns at once with --no-wait). A progress
bar goes to stderr; a summary with every failed document and its error follows.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError
from huey.storage import RedisStorage

from tnrwatch.ingestion.models import Document
from tnrwatch.ingestion.progress import ProgressBar
from tnrwatch.ingestion.selectors import job_progress
from tnrwatch.ingestion.services import job_create
from tnrwatch.ingestion.tasks import QUEUE_NAME, build_queue, drain, huey, task_on


class Command(BaseCommand):
    help = "Capture files, folders and http(s) URLs as Sources, extract their text and propose candidates."

    def add_arguments(self, parser):
        parser.add_argument("origins", nargs="+", metavar="PATH_OR_URL")
        parser.add_argument("--queue", choices=["sqlite", "redis", "immediate"], default=None,
                            help="Override TNR_QUEUE for this run.")
        parser.add_argument("--queue-name", default=QUEUE_NAME, help="Name of the queue (several instances on one Redis).")
        parser.add_argument("--no-wait", action="store_true", help="Queue the documents and return; workers do them.")
        parser.add_argument("--no-progress", action="store_true", help="No progress bar.")
        parser.add_argument("--stall-seconds", type=int, default=600,
                            help="Stop waiting when no document finished for this long (default 600).")

    def handle(self, *args, **options):
        queue = huey if options["queue"] is None and options["queue_name"] == QUEUE_NAME else build_queue(
            options["queue"], name=options["queue_name"])
        task = task_on(queue)
        job = job_create(actor_label="ingest", origins=options["origins"], enqueue=False)
        if job.total == 0:
            raise CommandError("Nothing to ingest: no files were found at the given paths.")
        bar = None if options["no_progress"] else ProgressBar(self.stderr._out, job.total)
        documents = Document.objects.filter(job=job)
        last = 0.0
        for pk in _ids_in_batches(documents):
            task(pk)  # immediate mode runs it here
            if queue.immediate and bar and time.monotonic() - last > 0.5:
                self._progress(bar, job)
                last = time.monotonic()
        if options["no_wait"] and not queue.immediate:
            self.stdout.write(f"Queued {job.total} documents as job {job.pk}.")
            return
        embedded = not queue.immediate and not isinstance(queue.storage, RedisStorage)
        unfinished = documents.filter(status__in=[Document.Status.QUEUED, Document.Status.FETCHED])
        waiting_since, waiting_for = time.monotonic(), -1
        while True:
            ran = drain(queue, limit=1) if embedded else 0
            if bar and time.monotonic() - last > 0.5:
                self._progress(bar, job)
                last = time.monotonic()
            if ran:
                continue  # the embedded worker keeps going while there is work
            left = unfinished.count()
            if not left:
                break
            if left != waiting_for:
                waiting_since, waiting_for = time.monotonic(), left
            elif time.monotonic() - waiting_since > options["stall_seconds"]:
                self.stderr.write(f"No progress for {options['stall_seconds']} s; stopped waiting. {left} documents "
                                  "are still queued: start `tnrwatch ingest_worker` to do them.")
                break
            time.sleep(0.2)  # waiting for other workers
        if bar:
            self._progress(bar, job)
            bar.close()
        self._summary(job, documents)

    def _progress(self, bar, job):
        progress = job_progress(job=job.pk)
        bar.update(progress.done, failed=progress.failed)
        return progress.done

    def _summary(self, job, documents):
        failed = documents.filter(status=Document.Status.FAILED).order_by("pk")
        self.stdout.write(job_progress(job=job.pk).summary)
        for document in failed[:100]:
            self.stderr.write(f"  failed: {document.origin[:200]}: {document.error}")
        if failed.count() > 100:
            self.stderr.write(f"  ... and {failed.count() - 100} more (see /ingestion/documents/).")


def _ids_in_batches(documents, size: int = 500):
    """The documents' ids, read in batches by key (no cursor stays open while tasks write)."""
    last = 0
    while True:
        batch = list(documents.filter(pk__gt=last).order_by("pk").values_list("pk", flat=True)[:size])
        if not batch:
            return
        yield from batch
        last = batch[-1]
