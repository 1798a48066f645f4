"""Deletions reach the index in the same transaction, whichever code deletes (merges, cascades,
the admin): a deleted record's terms leave the index at once, its text after `purge` (on commit)."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete
from django.dispatch import receiver

from tnrwatch.registry.models import (
    Alias,
    Claim,
    GovernmentResponse,
    Organization,
    Person,
    Source,
    Station,
)

from . import services

_KIND = {Source: "source", Claim: "claim", Station: "station", Organization: "organization",
         GovernmentResponse: "response", Person: "person"}


@receiver(post_delete)
def _record_deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    kind = _KIND.get(sender)
    if kind is not None:
        services.index_remove(kind=kind, object_ids=[instance.pk])
    elif sender is Alias:
        services.index_subject(subject_type=instance.subject_type, subject_id=instance.subject_id)
