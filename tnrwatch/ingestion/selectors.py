"""Reads for the ingestion pages: the review queue, a source with its candidates, documents."""

from __future__ import annotations

from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, Q, QuerySet

from tnrwatch.registry.models import AuditEntry, Source

from .highlight import Segment, segments
from .models import Candidate, Document, IngestJob

PAGE_SIZE = 50


def _page(qs: QuerySet, number: Any) -> Page:
    return Paginator(qs, PAGE_SIZE).get_page(number)


def review_queue(*, page: Any = 1) -> Page:
    """Sources that have candidates waiting, most waiting first."""
    qs = (Source.objects.annotate(pending=Count("candidates", filter=Q(candidates__status=Candidate.Status.PENDING)))
          .filter(pending__gt=0).order_by("-pending", "-id").only("id", "title", "publisher", "language", "captured_at"))
    return _page(qs, page)


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
    return _page(qs, page)


def status_counts(*, job: Any = None) -> dict[str, int]:
    qs = Document.objects.all()
    if job:
        try:
            qs = qs.filter(job_id=int(job))
        except (TypeError, ValueError):
            return {}
    counts = dict(qs.values_list("status").annotate(n=Count("id")).values_list("status", "n"))
    return {status: counts.get(status, 0) for status in Document.Status.values}


def recent_jobs(limit: int = 10) -> list[IngestJob]:
    return list(IngestJob.objects.order_by("-id")[:limit])


def merge_list(*, page: Any = 1) -> Page:
    undone = set(AuditEntry.objects.filter(action="entity.unmerge", subject_type="entity_merge")
                 .values_list("subject_id", flat=True))
    result = _page(AuditEntry.objects.filter(action="entity.merge").order_by("-id"), page)
    result.object_list = list(result.object_list)
    for entry in result.object_list:
        entry.undone = str(entry.pk) in undone
    return result
