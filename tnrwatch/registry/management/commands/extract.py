"""`tnrwatch extract FILE...`: print candidate claims found in text files as JSON lines.

A thin front for tnrwatch.extraction.cli, which needs no database."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from tnrwatch.extraction import cli


class Command(BaseCommand):
    help = "Print candidate claims (responses, stations, bureaus, figures, countries) as JSON lines."
    requires_system_checks: list[str] = []

    def add_arguments(self, parser):
        parser.add_argument("files", nargs="+", metavar="FILE", help="text files ('-' for stdin)")
        parser.add_argument("--lang", default=None, help="language tag, detected when not given")

    def handle(self, *args, **options):
        status = cli.run(options["files"], options["lang"], self.stdout, self.stderr)
        if status:
            raise CommandError("some files could not be read")
