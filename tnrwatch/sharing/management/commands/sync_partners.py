"""`tnrwatch sync_partners`: pull every partner subscription now (also scheduled on the task queue)."""

from __future__ import annotations

import json

from django.core.management.base import BaseCommand

from tnrwatch.sharing.services.federation import sync_partners


class Command(BaseCommand):
    help = "Pull the TAXII collections this instance subscribes to (new objects arrive as claims citing the partner)."

    def handle(self, *args, **options):
        for result in sync_partners():
            self.stdout.write(json.dumps(result, sort_keys=True, default=str))
