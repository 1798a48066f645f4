"""The audit trail's tables: the rows, the chain's head, and the record of each verification.

The tables keep the names the registry app gave them (`registry_audit*`): the models moved here
with `migrations.SeparateDatabaseAndState`, so no row moved (see `migrations/0001_initial.py`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone


class AuditEntry(models.Model):
    """Who did what, when: written in the same transaction as the change it records.

    `seq` and `mac` chain the rows under a key kept out of the database (see `audit/chain.py`);
    only `audit.services.audit_record` writes them. An account with audit rows cannot be deleted
    (deactivate it instead): nulling the actor would rewrite history, and the chain would say so.
    """

    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    actor_label = models.CharField(max_length=150, help_text="Username, or 'system' / a command name")
    action = models.CharField(max_length=64, db_index=True)
    subject_type = models.CharField(max_length=32, blank=True)
    subject_id = models.CharField(max_length=64, blank=True)
    data = models.JSONField(default=dict, blank=True)
    # Set by the audit service before the insert, because the MAC covers it.
    created_at = models.DateTimeField(default=timezone.now, editable=False, db_index=True)
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False,
                                 help_text="Position in the audit chain")
    mac = models.CharField(max_length=64, blank=True, editable=False,
                           help_text="HMAC-SHA256 over the previous row's MAC and this row's fields")

    class Meta:
        ordering = ["-created_at", "-id"]
        db_table = "registry_auditentry"  # made by the registry app before the audit app had its own
        indexes = [models.Index(fields=["subject_type", "subject_id"], name="registry_au_subject_888cf8_idx")]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.subject_type}:{self.subject_id}"


class AuditChainHead(models.Model):
    """The audit chain's last position and MAC, under its own MAC: one row (id 1).

    Appends lock it (SELECT ... FOR UPDATE on PostgreSQL; SQLite writers are serialised by the
    IMMEDIATE transactions), so concurrent writers extend the chain one at a time, and deleting the
    newest rows leaves the head pointing past the end.
    """

    seq = models.BigIntegerField(default=0)
    last_mac = models.CharField(max_length=64, blank=True)
    head_mac = models.CharField(max_length=64, blank=True)

    class Meta:
        db_table = "registry_auditchainhead"

    def __str__(self) -> str:
        return f"audit chain head at {self.seq}"


class AuditCheck(models.Model):
    """One run of `tnrwatch audit verify`: when, how many rows, whether the chain held."""

    checked_at = models.DateTimeField(default=timezone.now, db_index=True)
    rows = models.PositiveIntegerField()
    head_seq = models.BigIntegerField(default=0)
    ok = models.BooleanField()
    first_problem = models.TextField(blank=True)
    mac = models.CharField(max_length=64, blank=True, help_text="HMAC under the audit key: a forged 'passed' shows as invalid")

    class Meta:
        db_table = "registry_auditcheck"
        ordering = ["-checked_at", "-id"]

    def __str__(self) -> str:
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'passed' if self.ok else 'FAILED'} ({self.rows} rows)"
