"""A source's reuse terms: whether the public may read its captured text and download its copy."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tnrwatch.accounts.access import EDITORS, access_object, staff_view

from .. import services
from ..forms import SourceReuseForm
from ..models import Source
from .common import UNSET, call_service, form_status, posted


def reuse_form_for(source: Source) -> SourceReuseForm:
    return SourceReuseForm(initial={"republish_allowed": source.republish_allowed, "reuse_terms": source.reuse_terms})


@staff_view(*EDITORS)
def source_reuse(request: HttpRequest, pk: int) -> HttpResponse:
    source = access_object(request.user, Source, pk)
    form = SourceReuseForm(posted(request), initial=reuse_form_for(source).initial)
    if request.method == "POST" and form.is_valid():
        result = call_service(form, lambda: services.source_reuse_set(actor=request.user, source=source, **form.cleaned_data))
        if result is not UNSET:
            messages.success(request, _("Reuse terms saved."))
            return redirect("workspace:entity_detail", kind="sources", pk=source.pk)
    return render(request, "workspace/action_form.html", {
        "title": _("Reuse terms of %(obj)s") % {"obj": source}, "form": form,
        "back_url": reverse("workspace:entity_detail", args=["sources", source.pk]),
    }, status=form_status(request))
