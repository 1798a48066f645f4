"""The ingestion record: batches of documents, each document's capture and status, and the
candidate claims the extractor found in each Source, with the reviewer's decision.

The captured bytes live in the blob store (content-addressed by SHA-256); the extracted text and
bibliographic fields live on the registry Source. A Document keeps how the bytes were captured
(time, URLs, redirects, HTTP headers) so the capture can be explained later.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class IngestJob(models.Model):
    """One `ingest` call or web submission: a batch of documents."""

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_label = models.CharField(max_length=150, blank=True)
    label = models.CharField(max_length=500, blank=True, help_text="What was asked for (first origins)")
    total = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Job {self.pk}: {self.label}"


class Document(models.Model):
    """One file or URL to capture, and what became of it."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        FETCHED = "fetched", "Fetched"
        EXTRACTED = "extracted", "Extracted"
        FAILED = "failed", "Failed"

    job = models.ForeignKey(IngestJob, null=True, blank=True, on_delete=models.CASCADE, related_name="documents")
    origin = models.CharField(max_length=2000, help_text="The path or URL as given")
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED, db_index=True)
    error = models.TextField(blank=True)
    source = models.ForeignKey("registry.Source", null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="ingest_documents")
    duplicate = models.BooleanField(default=False, help_text="The same bytes were already a Source")
    sha256 = models.CharField(max_length=64, blank=True, db_index=True)
    size = models.BigIntegerField(null=True, blank=True)
    filename = models.CharField(max_length=500, blank=True)
    url = models.CharField(max_length=2000, blank=True, help_text="The URL finally served")
    content_type = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=8, blank=True)
    http_status = models.PositiveSmallIntegerField(null=True, blank=True)
    http_headers = models.JSONField(default=dict, blank=True)
    redirects = models.JSONField(default=list, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    notes = models.JSONField(default=list, blank=True)
    candidates_found = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["job", "status"])]

    def __str__(self) -> str:
        return self.origin[:100]


class Candidate(models.Model):
    """A claim the extractor proposes from a Source, waiting for a reviewer.

    `key` identifies the proposal (source, kind, normalised fields, offsets): the extractor
    proposing the same thing again finds the existing row, so a rejected candidate stays rejected.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        ACCEPTED = "accepted", "Accepted"
        REJECTED = "rejected", "Rejected"

    source = models.ForeignKey("registry.Source", on_delete=models.CASCADE, related_name="candidates")
    document = models.ForeignKey(Document, null=True, blank=True, on_delete=models.SET_NULL, related_name="candidates")
    key = models.CharField(max_length=64)
    kind = models.CharField(max_length=16, db_index=True)
    fields = models.JSONField(default=dict, help_text="As proposed by the extractor")
    quote = models.TextField()
    start = models.IntegerField()
    end = models.IntegerField()
    lang = models.CharField(max_length=16, blank=True)
    confidence = models.FloatField(default=0.0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    # The registry entity the candidate names, when one is found at proposal time.
    match_type = models.CharField(max_length=16, blank=True)
    match_id = models.BigIntegerField(null=True, blank=True)
    # Set on acceptance.
    claim = models.ForeignKey("registry.Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    accepted_fields = models.JSONField(default=dict, blank=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    decided_at = models.DateTimeField(null=True, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["source", "start", "id"]
        constraints = [models.UniqueConstraint(fields=["source", "key"], name="candidate_unique_key")]
        indexes = [models.Index(fields=["source", "status"])]

    def __str__(self) -> str:
        return f"{self.kind} @{self.start}-{self.end}"

