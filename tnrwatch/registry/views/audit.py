"""The audit log: who did what, when; filter by subject, actor and action."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tnrwatch.accounts.access import ALL_STAFF, may_see_intake_audit, staff_view
from tnrwatch.audit.selectors import audit_list, audit_verification

from ..forms import AuditFilterForm
from ..selectors import paginate
from .common import query_without_page


@staff_view(*ALL_STAFF)
def audit(request: HttpRequest) -> HttpResponse:
    filters = AuditFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    page = paginate(audit_list(subject=data.get("subject", ""), actor=data.get("actor", ""),
                               action=data.get("action", ""), include_intake=may_see_intake_audit(request.user)),
                    request.GET.get("page"))
    return render(request, "workspace/audit.html", {"filters": filters, "page": page,
                                                    "query": query_without_page(request) if filters.is_valid() else "",
                                                    "verification": audit_verification()})
