"""`tnrwatch reindex`: rebuild the full-text index from the record, with a progress bar."""

from __future__ import annotations

import time
from typing import Any, TextIO, cast

from django.core.management.base import BaseCommand

from tnrwatch.ingestion.progress import ProgressBar
from tnrwatch.search.services import index_rebuild


class Command(BaseCommand):
    help = "Rebuild the full-text search index from the record (after an upgrade or a repair)."

    def handle(self, *args: Any, **options: Any) -> None:
        bar: ProgressBar | None = None
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            nonlocal bar
            if bar is None:
                bar = ProgressBar(cast(TextIO, self.stderr._out), total)  # the raw stream: the bar writes its own line ends
            if options.get("verbosity", 1):
                bar.update(done)

        counts = index_rebuild(progress=progress)
        if bar is not None:
            bar.close()
        took = time.monotonic() - started
        summary = ", ".join(f"{n} {kind}" for kind, n in counts.items())
        self.stdout.write(f"Indexed {summary} in {took:.1f} s.")
