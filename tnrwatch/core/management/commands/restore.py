"""`tnrwatch restore ARCHIVE --identity FILE`: restore a backup into an empty data folder and database.

Run `tnrwatch migrate` afterwards when the code is newer than the backup. The archive is read
whole and checked before anything is written to the target; a truncated, altered or wrongly-keyed
archive is refused and the target left as it was. See docs/deployment.md, "Restore".
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from pyrage import x25519

from tnrwatch.core.backup import BackupError, restore
from tnrwatch.intake import crypto


def read_identities(path: Path) -> list[x25519.Identity]:
    try:
        lines = path.read_text().splitlines()
    except OSError as exc:
        raise CommandError(f"cannot read the identity file {path}: {exc.strerror}") from exc
    keys = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    try:
        identities = [crypto.identity_parse(key) for key in keys]
    except crypto.EnvelopeError as exc:
        raise CommandError(f"{path} holds something that is not an age identity (AGE-SECRET-KEY-1…)") from exc
    if not identities:
        raise CommandError(f"{path} holds no age identity")
    return identities


class Command(BaseCommand):
    help = "Restore an encrypted backup archive into an empty data folder and an empty database."
    requires_system_checks: list[str] = []  # the database must not be touched before the emptiness check

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("archive")
        parser.add_argument("--identity", required=True, type=Path,
                            help="file with the age identity (AGE-SECRET-KEY-1…) of a backup recipient")
        parser.add_argument("--check", action="store_true", help="only decrypt and check the archive")

    def handle(self, *args: Any, **options: Any) -> None:
        identities = read_identities(options["identity"])
        try:
            result = restore(Path(options["archive"]), identities, dry_run=options["check"])
        except BackupError as exc:
            raise CommandError(f"restore refused: {exc}; the target was not changed") from exc
        if options["check"]:
            self.stdout.write(f"archive OK: {result.members} members, {result.vendor} database, taken {result.created_at}")
            return
        self.stdout.write(f"restored {result.members} members ({result.vendor} database, taken {result.created_at}); "
                          "every session was ended. Next: tnrwatch migrate, then tnrwatch audit verify.")
        if result.secrets_env:
            self.stdout.write(f"The environment sets other keys than the backup's: put the values in "
                              f"{result.secrets_env} into the environment file, then delete it.")
