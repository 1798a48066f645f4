"""`tnrwatch import stix FILE [--trusted]`: import a STIX 2.1 bundle (malformed STIX: nothing is
written; anything else not kept is reported per object). What arrives TLP:CLEAR is held as GREEN
for review unless `--trusted` (an admin restoring or loading a file they vouch for)."""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from tnrwatch.sharing.services import MAX_IMPORT_BYTES, StixImportError, stix_import


class Command(BaseCommand):
    help = ("Import a file: `import stix FILE` reads a STIX 2.1 bundle (nothing is written if any object is malformed; "
            "objects not kept are listed as warnings). TLP:CLEAR is held as GREEN for review unless --trusted.")

    def add_arguments(self, parser):
        parser.add_argument("format", choices=["stix"])
        parser.add_argument("file")
        parser.add_argument("--trusted", action="store_true",
                            help="keep TLP:CLEAR objects public (the file is vouched for by whoever runs this)")

    def handle(self, *args, **options):
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"No such file: {path}")
        if path.stat().st_size > MAX_IMPORT_BYTES:
            raise CommandError(f"{path} is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB; refused.")
        try:
            result = stix_import(data=path.read_bytes(), actor=None, actor_label="import stix", channel="stix-file",
                                 trusted=options["trusted"])
        except StixImportError as exc:
            for error in exc.errors[:200]:
                self.stderr.write(f"  object {error.get('index', '?')} {error.get('id') or ''}: {error['error']}")
            raise CommandError(exc.message) from exc
        for warning in result.warnings[:200]:
            self.stderr.write(f"  warning {warning.get('id') or ''}: {warning['warning']}")
        self.stdout.write(json.dumps(result.as_dict(), sort_keys=True))
