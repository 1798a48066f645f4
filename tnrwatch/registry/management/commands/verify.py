"""`manage.py verify` (also `tnrwatch verify`): re-hash the evidence copies, find every quote in
its source's text, and check every public fact against the publication rule. Exit status 1 on any
failure."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tnrwatch.registry.verification import verify


class Command(BaseCommand):
    help = ("Check the evidence: re-hash every stored evidence copy against its SHA-256, find every quote "
            "verbatim in its source's stored text at its offsets, and check every public fact against the "
            "publication rule. Prints a summary and one line per failure; exits non-zero on any failure.")

    def add_arguments(self, parser):
        parser.add_argument("--unverifiable", action="store_true",
                            help="also list each unverifiable quote (sources not captured)")

    def handle(self, *args, **options):
        report = verify()
        self.stdout.write(report.summary())
        for line in report.failures:
            self.stdout.write(f"FAIL {line}")
        if options["unverifiable"]:
            for line in report.notes:
                self.stdout.write(f"UNVERIFIABLE {line}")
        if report.failures:
            raise CommandError(f"{len(report.failures)} failures")
