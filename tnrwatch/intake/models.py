"""The intake's records. Everything a reporter wrote is stored only as age ciphertext (`*_ct`).

What stays readable on the server, by design: workflow state, risk, assignment, links to the
registry, timestamps and ciphertext sizes (see SECURITY.md).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RecipientKey(models.Model):
    """An age public key every new report is encrypted to.

    `wrapped_identity` is the matching private key, encrypted under its owner's passphrase
    (Argon2id); it is empty for offline keys whose private half never touches the server.
    """

    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="intake_keys")
    label = models.CharField(max_length=150)
    public_key = models.CharField(max_length=100, unique=True)
    wrapped_identity = models.BinaryField(blank=True, default=b"")
    active = models.BooleanField(default=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["label", "id"]

    def __str__(self) -> str:
        return self.label


class ReportState(models.TextChoices):
    NEW = "new", _("New")
    TRIAGED = "triaged", _("Triaged")
    IN_PROGRESS = "in_progress", _("In progress")
    REFERRED = "referred", _("Referred")
    CLOSED = "closed", _("Closed")


class RiskLevel(models.TextChoices):
    UNKNOWN = "unknown", _("Not assessed")
    LOW = "low", _("Low")
    MEDIUM = "medium", _("Medium")
    HIGH = "high", _("High")
    CRITICAL = "critical", _("Critical")


class Report(models.Model):
    """One report. `answers_ct` is the age-encrypted JSON of the reporter's answers."""

    receipt_hash = models.CharField(max_length=64, unique=True)
    reporter_public_key = models.CharField(max_length=100)
    # How the reporter key was derived (crypto.REPORTER_KEY_V1 / V2); reports made before the server
    # key was mixed in are 1 until their reporter comes back and they are re-encrypted.
    reporter_key_version = models.PositiveSmallIntegerField(default=2)
    answers_ct = models.BinaryField()
    # What the reporter sent (answers and file names), encrypted to the reporter's key only, so the
    # follow-up page can show it with the receipt. Empty for reports made before this copy existed.
    reporter_copy_ct = models.BinaryField(blank=True, default=b"")
    recipients = models.ManyToManyField(RecipientKey, related_name="reports")
    state = models.CharField(max_length=16, choices=ReportState.choices, default=ReportState.NEW, db_index=True)
    risk = models.CharField(max_length=16, choices=RiskLevel.choices, default=RiskLevel.UNKNOWN, db_index=True)
    assigned_to = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="intake_assigned")
    stations = models.ManyToManyField("registry.Station", blank=True, related_name="+")
    organizations = models.ManyToManyField("registry.Organization", blank=True, related_name="+")
    incident = models.ForeignKey("registry.Incident", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    closed_at = models.DateTimeField(null=True, blank=True, db_index=True)
    # When an analyst first opened it (the reporter's "read").
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Report {self.pk}"


class Attachment(models.Model):
    """An encrypted attachment; its original file name and type are inside the report's answers."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="attachments")
    position = models.PositiveSmallIntegerField()
    blob_id = models.CharField(max_length=32, unique=True)
    ciphertext_size = models.BigIntegerField()
    # The metadata-stripped copy made on an analyst's request (also encrypted).
    stripped_blob_id = models.CharField(max_length=32, blank=True)
    stripped_state = models.CharField(max_length=16, blank=True)  # "", queued, done, failed, unsupported
    # For files the reporter added later: their name, type and size, encrypted to the recipients and
    # the reporter (the first submission's are inside the report's answers). Empty otherwise.
    meta_ct = models.BinaryField(blank=True, default=b"")

    class Meta:
        ordering = ["report", "position"]

    def __str__(self) -> str:
        return f"Attachment {self.position} of report {self.report_id}"


class MessageAuthor(models.TextChoices):
    REPORTER = "reporter", _("Reporter")
    ANALYST = "analyst", _("Analyst")


class Message(models.Model):
    """A message in the thread between analysts and the reporter, encrypted to both sides."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="messages")
    author = models.CharField(max_length=16, choices=MessageAuthor.choices)
    analyst = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    body_ct = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Message {self.pk} ({self.author}) on report {self.report_id}"


class Note(models.Model):
    """An analysts' private note on a report, encrypted to the recipients only."""

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    body_ct = models.BinaryField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"Note {self.pk} on report {self.report_id}"


class IntakeBudget(models.Model):
    """What anonymous submissions have stored lately, as one leaky bucket for the whole instance.

    `reports` and `bytes` are the bucket's levels at `updated_at` (Unix seconds); they drain at the
    hourly budget's rate (IntakeConfig.budget_*, services/budget.py). One row. No per-client key:
    we keep no IPs.
    """

    reports = models.FloatField(default=0)
    bytes = models.FloatField(default=0)
    updated_at = models.FloatField(default=0)

    def __str__(self) -> str:
        return f"intake budget: {self.reports:.1f} reports, {self.bytes:.0f} bytes"


class AnalystNotice(models.Model):
    """When an analyst was last told by email that there are new reports or replies (notices.py)."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    last_sent_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"notice to {self.user_id} at {self.last_sent_at:%Y-%m-%d %H:%M}"


class ProtectionResource(models.Model):
    """Where a person at risk in a country can get help. Edited by admins; public."""

    country = models.ForeignKey("registry.Country", on_delete=models.PROTECT, related_name="+")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=32, choices=[
        ("police", _("Police (non-emergency)")),
        ("emergency", _("Emergency")),
        ("government", _("Government reporting line")),
        ("ngo", _("Civil-society organisation")),
        ("legal", _("Legal help")),
        ("other", _("Other")),
    ], default="ngo")
    contact = models.CharField(max_length=300, blank=True)
    url = models.URLField(blank=True)
    how_to_report = models.TextField(blank=True)
    is_example = models.BooleanField(default=False, help_text="Demo data: shown with an 'example' label")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["country__name_en", "kind", "name"]

    def __str__(self) -> str:
        return self.name
