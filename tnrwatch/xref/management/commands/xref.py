"""`tnrwatch xref FILE`: cross-reference an FtM entity file (JSON lines) against the record.

The file is streamed (never read whole into memory); lines that cannot be used are counted by kind
and the first ones listed; the proposals wait for review on the workspace's cross-reference page.
The file is not copied unless `--keep`.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tnrwatch.core.errors import ApplicationError
from tnrwatch.xref import entity_file, matching
from tnrwatch.xref.services import xref_run
from tnrwatch.xref.services.shared import shared_ties_propose


class Command(BaseCommand):
    help = ("Cross-reference a FollowTheMoney entity file (one JSON entity a line) against the record; "
            "the proposed matches wait for review in the workspace (Cross-reference).")

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", help="the FtM entity file (JSON lines)")
        parser.add_argument("--shared", action="store_true",
                            help="also propose ties between organisations sharing an address or a person")
        parser.add_argument("--dataset", default="", help="who provided the file (shown with each proposal)")
        parser.add_argument("--keep", action="store_true",
                            help="keep a copy of the file under the data folder (by default only its hash is kept)")
        parser.add_argument("--algorithm", default=matching.DEFAULT_ALGORITHM,
                            help=f"nomenklatura matching algorithm (default {matching.DEFAULT_ALGORITHM})")
        parser.add_argument("--threshold", type=float, default=matching.DEFAULT_THRESHOLD,
                            help=f"lowest score proposed (default {matching.DEFAULT_THRESHOLD})")
        parser.add_argument("--max-line-bytes", type=int, default=entity_file.MAX_LINE_BYTES,
                            help="longest line read; longer lines are skipped and reported")

    def handle(self, *args, **options):
        if options["shared"]:
            made = shared_ties_propose(actor=None, actor_label="xref command")
            self.stdout.write(f"{made} new candidate ties from shared addresses and people")
        if not options["file"]:
            if not options["shared"]:
                raise CommandError("Give an FtM entity file, or --shared.")
            return
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        try:
            run = xref_run(actor=None, actor_label="xref command", path=path, filename=path.name,
                           dataset=options["dataset"], keep=options["keep"], algorithm=options["algorithm"],
                           threshold=options["threshold"], max_line_bytes=options["max_line_bytes"],
                           on_progress=lambda text: self.stderr.write(f"  {text}"))
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        for problem in run.problems.all()[:50]:
            self.stderr.write(f"  line {problem.line}: {problem.kind}: {problem.message}")
        self.stdout.write(
            f"run {run.pk}: {run.lines} lines, {run.entities} entities ({run.ties} ties), {run.refused} refused "
            f"{dict(sorted(run.problem_counts.items()))}, {run.proposals.count()} proposals against "
            f"{run.record_entities} record entities, {run.seconds:.1f} s; "
            + (f"file kept at {run.kept_path}" if run.kept_path else "file not kept (its SHA-256 is)"))
