"""`manage.py load_demo` (also `tnrwatch load-demo`): load the demo dataset, idempotently."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from tnrwatch.registry.demo import demo_load


class Command(BaseCommand):
    help = ("Load the demo dataset: every fact the founding RFA article states, as TLP:CLEAR claims "
            "citing it with short verbatim quotes. Running it again changes nothing.")

    def handle(self, *args, **options):
        result = demo_load()
        for note in result.notes:
            self.stdout.write(note)
        if not result.changed:
            self.stdout.write("Demo dataset already loaded; nothing changed.")
            return
        created = ", ".join(f"{count} {kind}" for kind, count in sorted(result.created.items())) or "no entities"
        self.stdout.write(self.style.SUCCESS(
            f"Demo dataset loaded: {created}; {result.claims} claims, {result.evidence} evidence items"
            + (f", {result.evidence_removed} superseded quotes removed." if result.evidence_removed else ".")))
