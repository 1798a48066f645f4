"""The workspace home: what needs attention, and the latest changes."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from tnrwatch.accounts.access import ALL_STAFF, may_see_intake_audit, staff_view

from ..selectors import workspace_overview
from .kinds import KINDS


@staff_view(*ALL_STAFF)
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "workspace/home.html", {"overview": workspace_overview(include_intake=may_see_intake_audit(request.user)), "kinds": KINDS.values()})
