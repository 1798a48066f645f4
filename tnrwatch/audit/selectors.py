"""Reads of the audit trail: the workspace's audit page and a record's history, the latest chain
verification (staff only; the audit app is never outbound)."""

from __future__ import annotations

from typing import Any

from django.db.models import Q, QuerySet

from .models import AuditCheck, AuditEntry
from .services import audit_check_valid

INTAKE_AUDIT_PREFIX = "intake."


def audit_list(*, subject: str = "", actor: str = "", action: str = "", include_intake: bool = True) -> QuerySet[AuditEntry]:
    """Audit entries, newest first. `subject` is "type" or "type:id"; `actor` a username or label.
    `include_intake=False` leaves out the intake's rows (accounts.access.may_see_intake_audit)."""
    queryset = AuditEntry.objects.select_related("actor")
    if not include_intake:
        queryset = queryset.exclude(action__startswith=INTAKE_AUDIT_PREFIX)
    subject = (subject or "").strip()
    if subject:
        subject_type, _sep, subject_id = subject.partition(":")
        queryset = queryset.filter(subject_type=subject_type.strip())
        if subject_id.strip():
            queryset = queryset.filter(subject_id=subject_id.strip())
    actor = (actor or "").strip()
    if actor:
        queryset = queryset.filter(Q(actor_label=actor) | Q(actor__username=actor))
    action = (action or "").strip()
    if action:
        queryset = queryset.filter(action__startswith=action)
    return queryset.order_by("-created_at", "-id")


def audit_verification() -> dict[str, Any]:
    """The latest run of `tnrwatch audit verify` and the latest that passed (runs whose MAC is not
    this instance's are ignored: a row forged in the database cannot claim a pass)."""
    latest = passed = None
    for check in AuditCheck.objects.order_by("-checked_at", "-id")[:50]:
        if not audit_check_valid(check):
            continue
        latest = latest or check
        if check.ok:
            passed = check
            break
    return {"latest": latest, "passed": passed}
