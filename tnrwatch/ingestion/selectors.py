"""Reads for the ingestion pages: the review queue, a source with its candidates, documents."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page
from django.db.models import Count, Q

from tnrwatch.audit.models import AuditEntry
from tnrwatch.core.errors import NotFoundOrForbiddenError
from tnrwatch.registry.models import Alias, Claim, Source
from tnrwatch.registry.selectors import paginate
from tnrwatch.registry.services import mergeable_model

from .highlight import Segment, segments
from .models import Candidate, Document, IngestJob
from .progress import BatchProgress


def review_queue(*, page: Any = 1) -> Page:
    """Sources that have candidates waiting, most waiting first."""
    qs = (Source.objects.annotate(pending=Count("candidates", filter=Q(candidates__status=Candidate.Status.PENDING)))
          .filter(pending__gt=0).order_by("-pending", "-id").only("id", "title", "publisher", "language", "captured_at"))
    return paginate(qs, page)


def source_review(source: Source) -> dict[str, Any]:
    candidates = list(Candidate.objects.filter(source=source).order_by("start", "id"))
    shown = [c for c in candidates if c.status != Candidate.Status.REJECTED]
    parts: list[Segment] = segments(source.text, [(c.start, c.end, c) for c in shown])
    return {
        "source": source,
        "segments": parts,
        "candidates": candidates,
        "pending": sum(1 for c in candidates if c.status == Candidate.Status.PENDING),
        "documents": list(source.ingest_documents.order_by("-id")[:5]),
    }


def document_list(*, status: str = "", job: Any = None, page: Any = 1) -> Page:
    qs = Document.objects.select_related("source").order_by("-id")
    if status in Document.Status.values:
        qs = qs.filter(status=status)
    if job:
        try:
            qs = qs.filter(job_id=int(job))
        except (TypeError, ValueError):
            qs = qs.none()
    return paginate(qs, page)


def status_counts(*, job: Any = None) -> dict[str, int]:
    qs = Document.objects.all()
    if job:
        try:
            qs = qs.filter(job_id=int(job))
        except (TypeError, ValueError):
            return {}
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in Document.Status.values}


def job_progress(*, job: Any) -> BatchProgress | None:
    """The progress of batch `job` (an id), or None when there is no such batch."""
    try:
        row = IngestJob.objects.filter(pk=int(job)).values_list("pk", "total").first()
    except (TypeError, ValueError, OverflowError):
        return None
    if row is None:
        return None
    S = Document.Status
    counts = Document.objects.filter(job_id=row[0]).aggregate(
        failed=Count("id", filter=Q(status=S.FAILED)), captured=Count("id", filter=Q(status=S.EXTRACTED)),
        duplicates=Count("id", filter=Q(status=S.EXTRACTED, duplicate=True)))
    return BatchProgress(job_id=row[0], total=row[1], done=counts["failed"] + counts["captured"], **counts)


def recent_jobs(limit: int = 10) -> list[IngestJob]:
    return list(IngestJob.objects.order_by("-id")[:limit])


def merge_list(*, page: Any = 1) -> Page:
    undone = set(AuditEntry.objects.filter(action="entity.unmerge", subject_type="entity_merge")
                 .values_list("subject_id", flat=True))
    result = paginate(AuditEntry.objects.filter(action="entity.merge").order_by("-id"), page)
    result.object_list = list(result.object_list)
    for entry in result.object_list:
        entry.undone = str(entry.pk) in undone
    return result


def merge_side(*, subject_type: str, pk: int) -> dict[str, Any]:
    """One entity of a proposed merge, with its aliases and the number of claims about it."""
    obj = mergeable_model(subject_type)._default_manager.filter(pk=pk).first()
    if obj is None:
        raise NotFoundOrForbiddenError()
    return {
        "obj": obj,
        "aliases": list(Alias.objects.filter(subject_type=subject_type, subject_id=pk).values_list("name", flat=True)[:50]),
        "claims": Claim.objects.filter(subject_type=subject_type, subject_id=pk).count(),
    }
