"""Reads of cross-referencing for the workspace pages."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from tnrwatch.accounts.access import access_object

from . import entity_file
from .models import TieProposal, XrefLink, XrefProposal, XrefRun


def run_list(limit: int = 50) -> QuerySet[XrefRun]:
    return XrefRun.objects.all()[:limit]


def access_xref_run_by_id(user: Any, pk: Any) -> XrefRun:
    """The run if `user` is staff; NotFoundOrForbiddenError otherwise (the same for missing)."""
    return access_object(user, XrefRun, pk)


def run_proposals(run: XrefRun, *, status: str = "") -> QuerySet[XrefProposal]:
    queryset = run.proposals.select_related("decided_by")
    if status in XrefProposal.Status.values:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-score", "id")


def run_problem_rows(run: XrefRun) -> list[dict[str, Any]]:
    """The problem counts by kind, with what each kind means."""
    kinds = entity_file.problem_kinds()
    return [{"kind": kind, "count": count, "meaning": kinds.get(kind, "")}
            for kind, count in sorted(run.problem_counts.items())]


def links_of(subject_type: str, subject_id: int) -> QuerySet[XrefLink]:
    return XrefLink.objects.filter(subject_type=subject_type, subject_id=subject_id).order_by("dataset", "external_id")


_PAGES = {"organization": "organizations", "station": "stations"}


def subject_url(proposal: XrefProposal) -> str:
    """The workspace page of the proposal's record entity, where there is one."""
    from django.urls import reverse

    kind = _PAGES.get(proposal.subject_type)
    return reverse("workspace:entity_detail", args=[kind, proposal.subject_id]) if kind else ""


def proposal_properties(proposal: XrefProposal) -> list[tuple[str, str]]:
    """The file entity's properties as (name, values) for the review table."""
    props = proposal.file_entity.get("properties", {}) if isinstance(proposal.file_entity, dict) else {}
    return [(name, "; ".join(str(v) for v in values)[:500]) for name, values in sorted(props.items())]


def tie_proposals(limit: int = 100) -> QuerySet[TieProposal]:
    """Candidate ties, those waiting first."""
    return TieProposal.objects.select_related("decided_by").order_by("status", "-created_at", "id")[:limit]
