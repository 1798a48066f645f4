"""Background tasks of the ingestion pipeline, on a huey queue chosen by TNR_QUEUE.

- "sqlite" (default): an embedded queue file under the data folder. No extra service: the
  `ingest` command drains the queue itself, and `ingest_worker` processes may share it.
- "redis": RedisHuey at TNR_REDIS_URL, for production, with `tnrwatch ingest_worker` processes.
- "immediate": tasks run in the caller (tests, one-off scripts).
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from huey import Huey, RedisHuey, SqliteHuey

QUEUE_NAME = "tnrwatch-ingestion"


def build_queue(kind: str | None = None, *, name: str = QUEUE_NAME) -> Huey:
    kind = kind or getattr(settings, "TNR_QUEUE", "sqlite")
    if kind == "redis":
        return RedisHuey(name, url=settings.TNR_REDIS_URL, results=False)
    if kind == "immediate":
        return Huey(name, immediate=True, results=False)
    return SqliteHuey(name, filename=str(Path(settings.DATA_DIR) / "queue.sqlite3"), results=False)


huey = build_queue()


def process_document(document_id: int) -> None:
    """The task body, shared by every queue: capture one document (errors stay on the document)."""
    from django.db import close_old_connections, connection

    from .services import document_process

    if not connection.in_atomic_block:  # a long-lived worker: drop connections the server closed
        close_old_connections()
    document_process(document_id=document_id)


_tasks: dict[int, object] = {}


def task_on(queue: Huey):
    """The document task registered on `queue` (the default queue, or one built by `build_queue`)."""
    if id(queue) not in _tasks:
        _tasks[id(queue)] = queue.task(name="ingestion.document_process", retries=0)(process_document)
    return _tasks[id(queue)]


document_process_task = task_on(huey)


def drain(queue: Huey, *, limit: int | None = None) -> int:
    """Run queued tasks in this process until the queue is empty (or `limit` ran); how many ran.

    This is the embedded worker the `ingest` command uses when no separate worker runs."""
    ran = 0
    while limit is None or ran < limit:
        task = queue.dequeue()
        if task is None:
            break
        queue.execute(task)
        ran += 1
    return ran
