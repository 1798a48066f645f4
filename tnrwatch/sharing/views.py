"""Staff pages of sharing (partners, CSV import) and the published STIX extension definition.
Thin: parse, check access, call one service or selector, render."""

from __future__ import annotations

import json

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from tnrwatch.accounts.access import ADMINS, access_partner_by_id, staff_view
from tnrwatch.core.errors import ValidationError

from . import stix
from .forms import PartnerForm, SubscriptionForm, TrustForm
from .models import Partner, ShareLog
from .services import (
    partner_create,
    partner_rotate_token,
    partner_set_trust,
    partner_update,
    subscription_create,
)


@login_not_required
@require_GET
def extension_definition(request: HttpRequest) -> HttpResponse:
    """The tnrwatch STIX Extension Definition, at a stable URL (also included in every bundle)."""
    response = JsonResponse(stix.extension_definition(), json_dumps_params={"indent": 2})
    response["Content-Type"] = "application/stix+json;version=2.1"
    response["Access-Control-Allow-Origin"] = "*"
    return response


@login_not_required
@require_GET
def extension_schema(request: HttpRequest) -> HttpResponse:
    """The JSON Schema of the extension's properties (the `schema` of the definition)."""
    return HttpResponse(json.dumps(stix.EXTENSION_SCHEMA, indent=2), content_type="application/schema+json")


@staff_view(*ADMINS)
@require_http_methods(["GET", "POST"])
def partner_list(request: HttpRequest) -> HttpResponse:
    form = PartnerForm(request.POST or None, initial={"read": ["record"], "max_marking": "clear", "active": True})
    if request.method == "POST" and form.is_valid():
        try:
            partner, token = partner_create(actor=request.user, name=form.cleaned_data["name"],
                                            max_marking=form.cleaned_data["max_marking"],
                                            read=form.cleaned_data["read"], write=form.cleaned_data["write"])
        except ValidationError as exc:
            form.add_error(None, exc.message)
        else:
            # The token is shown once, in this response, and never stored in clear.
            return render(request, "sharing/partner_token.html", {"partner": partner, "token": token})
    partners = Partner.objects.prefetch_related("grants__collection")
    return render(request, "sharing/partners.html", {"partners": partners, "form": form}, status=400 if form.errors else 200)


@staff_view(*ADMINS)
@require_http_methods(["GET", "POST"])
def partner_detail(request: HttpRequest, pk: int) -> HttpResponse:
    partner = access_partner_by_id(request.user, pk)
    grants = partner.grants.select_related("collection")
    form = PartnerForm(request.POST if request.POST.get("action") == "update" else None, initial={
        "name": partner.name, "max_marking": partner.max_marking, "active": partner.active,
        "read": [g.collection.slug for g in grants if g.can_read], "write": [g.collection.slug for g in grants if g.can_write]})
    sub_form = SubscriptionForm(request.POST if request.POST.get("action") == "subscribe" else None)
    trust_form = TrustForm(request.POST if request.POST.get("action") == "trust" else None,
                           initial={"trusted": partner.trusted_for_publication, "reason": partner.trust_reason})
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "rotate":
            token = partner_rotate_token(actor=request.user, partner=partner)
            return render(request, "sharing/partner_token.html", {"partner": partner, "token": token})
        if action == "update" and form.is_valid():
            partner_update(actor=request.user, partner=partner, max_marking=form.cleaned_data["max_marking"],
                           read=form.cleaned_data["read"], write=form.cleaned_data["write"], active=form.cleaned_data["active"])
            messages.success(request, _("Partner updated."))
            return redirect("sharing:partner_detail", pk=partner.pk)
        if action == "trust" and trust_form.is_valid():
            try:
                partner_set_trust(actor=request.user, partner=partner, trusted=trust_form.cleaned_data["trusted"],
                                  reason=trust_form.cleaned_data["reason"])
            except ValidationError as exc:
                trust_form.add_error(None, exc.message)
            else:
                messages.success(request, _("Trust for publication saved."))
                return redirect("sharing:partner_detail", pk=partner.pk)
        if action == "subscribe" and sub_form.is_valid():
            try:
                subscription_create(actor=request.user, partner=partner, **sub_form.cleaned_data)
            except ValidationError as exc:
                sub_form.add_error(None, exc.message)
            else:
                messages.success(request, _("Subscribed."))
                return redirect("sharing:partner_detail", pk=partner.pk)
    log = ShareLog.objects.filter(partner=partner)[:50]
    status = 400 if (form.errors or sub_form.errors or trust_form.errors) else 200
    return render(request, "sharing/partner_detail.html", {"partner": partner, "form": form, "sub_form": sub_form,
                                                           "trust_form": trust_form,
                                                           "log": log, "subscriptions": partner.subscriptions.all()}, status=status)
