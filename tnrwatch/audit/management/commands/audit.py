"""`tnrwatch audit verify`: walk the audit log's keyed hash chain and report where it breaks.

Exit status 0 when the chain holds, 1 when a row was changed, deleted, inserted or re-ordered
(each problem printed, first one first). Every run is recorded; the workspace's audit page shows
when verification last passed.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tnrwatch.audit.services import audit_chain_verify


class Command(BaseCommand):
    help = "Audit log tools: `verify` walks the hash chain and reports tampering."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["verify"])

    def handle(self, *args, **options):
        check, problems = audit_chain_verify()
        if not problems:
            self.stdout.write(f"audit chain OK: {check.rows} rows, head at position {check.head_seq}")
            return
        for problem in problems:
            self.stdout.write(f"TAMPERED [{problem.kind}] {problem.message}")
        raise CommandError(f"audit chain broken: {len(problems)} problem(s) in {check.rows} rows; "
                           f"first: {problems[0].message}")
