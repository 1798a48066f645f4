"""`tnrwatch backup DEST`: one age-encrypted archive of the database, blob stores and keys.

DEST is a file name, or a folder (the archive is then named `tnrwatch-backup-<UTC time>.tar.age`).
Recipients come from --recipient (repeatable) and TNR_BACKUP_RECIPIENTS. With a folder, archives
older than --keep-days (default TNR_BACKUP_KEEP_DAYS) are deleted after a successful backup.
See docs/deployment.md, "Backups".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from tnrwatch.core.backup import BackupError, backup_recipients, backup_write, backups_prune


class Command(BaseCommand):
    help = "Write an encrypted backup archive (database snapshot, blob stores, instance keys)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("dest", help="archive file name, or a folder for a dated archive")
        parser.add_argument("--recipient", action="append", default=[],
                            help="age public key (age1…) to encrypt to; repeatable")
        parser.add_argument("--keep-days", type=int, default=None,
                            help="with a folder: delete this tool's archives older than this (never the newest)")

    def handle(self, *args: Any, **options: Any) -> None:
        dest = Path(options["dest"])
        try:
            result = backup_write(dest, backup_recipients(options["recipient"]))
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"backup written: {result.path} ({result.members} members, "
                          f"{result.bytes_in:,} bytes before encryption)")
        if result.vanished:
            self.stdout.write(f"{len(result.vanished)} blob(s) were deleted while the backup ran (retention) and are not in it")
        keep_days = options["keep_days"] if options["keep_days"] is not None else settings.TNR_BACKUP_KEEP_DAYS
        if dest.is_dir() and keep_days > 0:
            for path in backups_prune(dest, keep_days):
                self.stdout.write(f"deleted old backup {path.name}")
