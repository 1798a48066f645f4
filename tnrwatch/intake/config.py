"""The intake's domain parameters in one typed, frozen object, read from settings.TNR_INTAKE.

Tests inject their own values (cheap key derivation, small limits) with the `settings` fixture.
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from pathlib import Path

from django.conf import settings

from tnrwatch.core.keys import instance_secret

from .crypto import KdfCost


@dataclass(frozen=True)
class IntakeConfig:
    # Largest request body (all attachments together) accepted on /report/, in bytes.
    max_upload_bytes: int = 100 * 1024 * 1024
    max_attachments: int = 10
    max_text_chars: int = 20_000
    # Argon2id cost of the passphrase that wraps each analyst's identity.
    kdf_time_cost: int = 3
    kdf_memory_kib: int = 64 * 1024
    # The intake budget (services/budget.py): what anonymous submissions may store per hour,
    # instance-wide, beyond which the form answers "busy" (503) and stores nothing. Sized for an
    # NGO's server: far above a real channel's traffic (a few reports a day), and a flood kept up
    # for a day stores at most ~24 GiB. Must exceed max_upload_bytes, or the largest report never fits.
    budget_reports_per_hour: int = 200
    budget_bytes_per_hour: int = 1024 * 1024 * 1024
    # The embedded housekeeping thread of each server process (tasks.py): seconds between rounds
    # (0: off). A round sweeps blobs no report points at and untouched for `orphan_blob_seconds`
    # (longer than any upload can stall: gunicorn kills a worker stuck past its timeout), and
    # once a day purges expired reports. The first round runs at start-up.
    housekeeping_seconds: int = 300
    orphan_blob_seconds: int = 600
    # Analysts' email notice (TNR_SMTP_URL; off without it): at most one per analyst per interval.
    notice_interval_minutes: int = 60
    # Closed reports (and their attachments) are deleted this many days after closing.
    retention_days: int = 90
    # The quick-exit button: a plain link, so the other site is contacted only when it is clicked.
    quick_exit_url: str = "https://www.wikipedia.org/"
    # fsync each blob (and its folder) before the report's row is committed. None (the default)
    # follows the database: on when it fsyncs every commit (PostgreSQL; SQLite with
    # synchronous=FULL or a rollback journal), off for SQLite in WAL mode with synchronous=NORMAL,
    # which does not fsync commits either, so a blob fsync would buy no durability the row lacks.
    # A killed process (kill -9) loses nothing either way: blob and row are handed to the OS before
    # the receipt is shown. True or False forces it (see SECURITY.md, "Durability").
    fsync_blobs: bool | None = None
    # Where ciphertext blobs live (default: <TNR_DATA_DIR>/intake).
    blob_dir: str = ""

    @property
    def kdf_cost(self) -> KdfCost:
        return KdfCost(time_cost=self.kdf_time_cost, memory_kib=self.kdf_memory_kib)

    @property
    def blob_path(self) -> Path:
        return Path(self.blob_dir) if self.blob_dir else Path(settings.DATA_DIR) / "intake"


def intake_config() -> IntakeConfig:
    overrides = getattr(settings, "TNR_INTAKE", {}) or {}
    known = {f.name for f in fields(IntakeConfig)}
    return IntakeConfig(**{k: v for k, v in overrides.items() if k in known})


def receipt_key() -> bytes:
    """The server-side HMAC key for receipt look-ups: TNR_RECEIPT_KEY, else a file in the data dir.

    It is separate from SECRET_KEY so that rotating the session secret does not orphan receipts.
    """
    return instance_secret("receipt_key", getattr(settings, "TNR_RECEIPT_KEY", ""))
