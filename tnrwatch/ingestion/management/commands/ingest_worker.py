"""`tnrwatch ingest_worker`: a worker for the ingestion queue (TNR_QUEUE).

Runs huey's consumer until stopped (Ctrl-C / SIGTERM), with the periodic tasks other apps put on
the same queue (every installed app's `tasks` module is imported first), or with --burst does every
queued task and exits (for cron, tests and one-off catch-up).
"""

from __future__ import annotations

from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand

from tnrwatch.ingestion.tasks import QUEUE_NAME, build_queue, drain, huey, task_on


class Command(BaseCommand):
    help = "Process queued ingestion tasks (a huey consumer)."

    def add_arguments(self, parser):
        parser.add_argument("--queue", choices=["sqlite", "redis"], default=None, help="Override TNR_QUEUE.")
        parser.add_argument("--queue-name", default=QUEUE_NAME)
        parser.add_argument("--workers", type=int, default=1, help="Worker threads (default 1).")
        parser.add_argument("--burst", action="store_true", help="Do what is queued, then exit.")

    def handle(self, *args, **options):
        queue = huey if options["queue"] is None and options["queue_name"] == QUEUE_NAME else build_queue(
            options["queue"], name=options["queue_name"])
        _import_task_modules()
        task_on(queue)
        if options["burst"]:
            ran = drain(queue)
            self.stdout.write(f"Ran {ran} tasks.")
            return
        consumer = queue.create_consumer(workers=max(1, options["workers"]), worker_type="thread",
                                        periodic=queue is huey)
        consumer.run()


def _import_task_modules() -> None:
    """Register every app's tasks (and periodic tasks) on the queue, as huey's Django app does."""
    for config in apps.get_app_configs():
        name = f"{config.name}.tasks"
        if find_spec(name) is not None:
            import_module(name)
