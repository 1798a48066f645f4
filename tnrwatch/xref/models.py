"""Cross-referencing runs and the proposals they make for review.

An `XrefRun` is one FtM entity file matched against the record: who ran it, the file's name,
size and SHA-256 (the file itself is not kept unless the user asked, see `kept_path`), the counts
of what was read and refused, and the first problems line by line. Each `XrefProposal` pairs an
entity of the file with an entity of the record, with the matcher's score and its reasons, and
waits for a reviewer: merge (the file's names join the record entity, through `registry.services.entity_merge`,
undoable exactly), link (the record entity is marked as the same as the file's entity, nothing else
changes) or reject. Of the file, only the entities that were proposed are kept (in the proposal),
so a reviewer can see what matched.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class XrefRun(models.Model):
    class Status(models.TextChoices):
        COMPLETED = "completed", _("Completed")
        FAILED = "failed", _("Failed")

    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT)
    created_by_label = models.CharField(max_length=150)
    created_at = models.DateTimeField(auto_now_add=True)
    dataset = models.CharField(max_length=200, help_text=_("Who provided the file, e.g. a partner's registry extract"))
    filename = models.CharField(max_length=200)
    size = models.BigIntegerField(default=0)
    sha256 = models.CharField(max_length=64)
    algorithm = models.CharField(max_length=32)
    threshold = models.FloatField()
    status = models.CharField(max_length=16, choices=Status.choices)
    error = models.TextField(blank=True)
    lines = models.BigIntegerField(default=0)
    entities = models.BigIntegerField(default=0)
    ties = models.BigIntegerField(default=0)
    fragments_merged = models.BigIntegerField(default=0)
    problem_counts = models.JSONField(default=dict, blank=True)
    record_entities = models.BigIntegerField(default=0)
    seconds = models.FloatField(default=0)
    kept_path = models.CharField(max_length=500, blank=True,
                                 help_text=_("Where the file is kept, when the user asked to keep it"))

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"xref {self.pk}: {self.filename}"

    @property
    def refused(self) -> int:
        return sum(self.problem_counts.values())


class XrefProblem(models.Model):
    """One line of the file that could not be used (the first `entity_file.MAX_PROBLEMS_KEPT`)."""

    run = models.ForeignKey(XrefRun, on_delete=models.CASCADE, related_name="problems")
    line = models.BigIntegerField()
    kind = models.CharField(max_length=32)
    entity_id = models.CharField(max_length=1024, blank=True)
    message = models.TextField()

    class Meta:
        ordering = ["line", "id"]

    def __str__(self) -> str:
        return f"line {self.line}: {self.kind}"


class XrefProposal(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        MERGED = "merged", _("Merged")
        LINKED = "linked", _("Linked")
        REJECTED = "rejected", _("Rejected")

    run = models.ForeignKey(XrefRun, on_delete=models.CASCADE, related_name="proposals")
    file_id = models.CharField(max_length=1024)
    file_schema = models.CharField(max_length=64)
    file_caption = models.CharField(max_length=300)
    file_entity = models.JSONField(help_text=_("The file's entity as read (FtM JSON)"))
    subject_type = models.CharField(max_length=16)
    subject_id = models.BigIntegerField()
    subject_label = models.CharField(max_length=300)
    score = models.FloatField(db_index=True)
    reasons = models.JSONField(default=dict)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    merge_entry_id = models.BigIntegerField(null=True, blank=True, help_text=_("The entity.merge audit row"))
    merged_entity_id = models.BigIntegerField(null=True, blank=True,
                                              help_text=_("The entity made from the file's one and merged"))

    class Meta:
        ordering = ["-score", "id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.file_caption} ~ {self.subject_label} ({self.score:.2f})"


class XrefLink(models.Model):
    """A record entity reviewed as the same as an entity of another dataset (an external id)."""

    subject_type = models.CharField(max_length=16)
    subject_id = models.BigIntegerField()
    dataset = models.CharField(max_length=200)
    external_id = models.CharField(max_length=1024)
    proposal = models.OneToOneField(XrefProposal, on_delete=models.PROTECT, related_name="link")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} = {self.dataset}:{self.external_id}"


class TieProposal(models.Model):
    """A candidate tie the record implies: two organisations or stations at the same address, or
    with the same person in them. Accepted, it becomes a Tie whose claim cites the quotes of the
    ties it rests on; until then it is only a suggestion, seen by staff."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting for review")
        ACCEPTED = "accepted", _("Accepted")
        REJECTED = "rejected", _("Rejected")

    key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=32)
    from_type = models.CharField(max_length=16)
    from_id = models.BigIntegerField()
    to_type = models.CharField(max_length=16)
    to_id = models.BigIntegerField()
    shared_type = models.CharField(max_length=16, help_text=_("address or person"))
    shared_id = models.BigIntegerField()
    basis = models.JSONField(help_text=_("The ids of the two ties it rests on"))
    label = models.CharField(max_length=600)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.PENDING, db_index=True)
    tie_id = models.BigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["status", "-created_at", "id"]

    def __str__(self) -> str:
        return self.label
