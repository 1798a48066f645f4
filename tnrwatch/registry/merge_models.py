"""The record of a reviewed merge (`registry.services.merge`): what was folded into what, and everything
needed to undo it exactly. Imported by `registry.models`."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Merge(models.Model):
    """One merge of entity `merged_id` into `kept_id` (both of `subject_type`).

    `undo` holds what `entity_unmerge` puts back: the merged row as Django serialises it, the ids of
    the claims, aliases, ties and related rows moved, and the rows deleted (duplicates of the kept
    entity's own). The `entity.merge` audit row (`entry_id`) says who merged and why and points here;
    it does not carry the undo data. `undone_at` is set by the undo, whose audit row is `undo_entry_id`.
    """

    subject_type = models.CharField(max_length=16)
    kept_id = models.BigIntegerField()
    merged_id = models.BigIntegerField()
    merged_label = models.CharField(max_length=200, blank=True)
    reason = models.TextField(blank=True)
    undo = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    entry_id = models.BigIntegerField(null=True, blank=True, unique=True, help_text="The entity.merge audit row")
    undone_at = models.DateTimeField(null=True, blank=True)
    undo_entry_id = models.BigIntegerField(null=True, blank=True, help_text="The entity.unmerge audit row")

    class Meta:
        ordering = ["-id"]
        indexes = [models.Index(fields=["subject_type", "kept_id"]),
                   models.Index(fields=["subject_type", "merged_id"])]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.merged_id} into {self.subject_type}:{self.kept_id}"
