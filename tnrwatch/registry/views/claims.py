"""Claims: list, create, review the evidence for and against, add evidence, status, marking."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from tnrwatch.accounts.access import (
    ALL_STAFF,
    EDITORS,
    PUBLISHERS,
    REVIEWERS,
    access_object,
    may_publish,
    staff_view,
)
from tnrwatch.audit.selectors import audit_list

from .. import services
from ..forms import (
    ClaimFilterForm,
    ClaimForm,
    ClaimStatusForm,
    EvidenceForm,
    MarkingForm,
    ProposeForm,
    PublishForm,
)
from ..models import Claim, Evidence
from ..selectors import claim_is_public, claim_review, paginate, subject_get
from ..selectors import claim_list as select_claims
from .common import UNSET, call_service, form_status, posted, query_without_page
from .kinds import KINDS

SUBJECT_KIND = {k.subject_type: k.slug for k in KINDS.values()}


@staff_view(*ALL_STAFF)
def claim_list(request: HttpRequest) -> HttpResponse:
    filters = ClaimFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    queryset = select_claims(status=data.get("status", ""), subject_type=data.get("subject_type", ""),
                             q=data.get("q", ""), marking=data.get("marking", ""))
    page = paginate(queryset, request.GET.get("page"))
    return render(request, "workspace/claim_list.html", {
        "filters": filters, "page": page, "query": query_without_page(request) if filters.is_valid() else "",
    })


@staff_view(*EDITORS)
def claim_create(request: HttpRequest) -> HttpResponse:
    initial = {}
    if request.method == "GET":
        # Prefill from a record page ("add a claim about this"); bad values are simply not used.
        initial = {k: val for k in ("subject_type", "subject_id")
                   if (val := request.GET.get(k, "")) and val.isascii() and len(val) <= 32}
    form = ClaimForm(posted(request), initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        claim = call_service(form, lambda: services.claim_assert(
            actor=request.user, subject=data["subject"], prop=data["prop"], value=data["value"],
            source=data["source"], quote=data["quote"], stance=data["stance"], location=data["location"],
            marking=data["marking"] or None,
        ))
        if claim is not UNSET:
            messages.success(request, _("Claim recorded with its evidence."))
            return redirect("workspace:claim_detail", pk=claim.pk)
    return render(request, "workspace/claim_form.html", {"form": form}, status=form_status(request))


@staff_view(*ALL_STAFF)
def claim_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """Review a claim: the evidence for and against side by side, and its history."""
    claim = access_object(request.user, Claim, pk)
    return render(request, "workspace/claim_detail.html", {
        "review": claim_review(claim), "claim": claim,
        "subject_kind": SUBJECT_KIND.get(claim.subject_type),
        "status_form": ClaimStatusForm(initial={"status": claim.status}),
        "evidence_form": EvidenceForm(user=request.user),
        "marking_form": MarkingForm(initial={"marking": claim.marking}, user=request.user),
        "evidence_marking_form": MarkingForm(user=request.user),
        "is_public": claim_is_public(claim),
        "publication": services.claim_publication_state(claim=claim),
        "history": audit_list(subject=f"claim:{claim.pk}")[:50],
    })


def _claim_action(request: HttpRequest, claim: Claim, form, call, done: str, title: str) -> HttpResponse:
    if request.method == "POST" and form.is_valid():
        if call_service(form, call) is not UNSET:
            messages.success(request, done)
            return redirect("workspace:claim_detail", pk=claim.pk)
    return render(request, "workspace/action_form.html", {
        "title": title, "form": form, "back_url": reverse("workspace:claim_detail", args=[claim.pk]),
        "claim": claim,
    }, status=form_status(request))


@staff_view(*EDITORS)
def claim_evidence_add(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access_object(request.user, Claim, pk)
    form = EvidenceForm(posted(request), user=request.user)

    def call():
        subject = subject_get(claim.subject_type, claim.subject_id)
        if subject is None:
            raise services.ValidationError("The record this claim is about no longer exists.")
        d = form.cleaned_data
        return services.claim_assert(actor=request.user, subject=subject, prop=claim.prop, value=claim.value,
                                     source=d["source"], quote=d["quote"], stance=d["stance"],
                                     location=d["location"], marking=d["marking"] or None)

    return _claim_action(request, claim, form, call, _("Evidence added."), _("Add evidence"))


@staff_view(*REVIEWERS)
def claim_status(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access_object(request.user, Claim, pk)
    form = ClaimStatusForm(posted(request), initial={"status": claim.status})
    return _claim_action(
        request, claim, form,
        lambda: services.claim_set_status(actor=request.user, claim=claim, status=form.cleaned_data["status"],
                                          reason=form.cleaned_data["reason"]),
        _("Status changed."), _("Change the status of this claim"),
    )


@staff_view(*EDITORS)
def claim_marking(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access_object(request.user, Claim, pk)
    form = MarkingForm(posted(request), initial={"marking": claim.marking}, user=request.user)
    return _claim_action(
        request, claim, form,
        lambda: services.marking_set(actor=request.user, obj=claim, marking=form.cleaned_data["marking"]),
        _("Marking changed."), _("Marking of this claim"),
    )


@staff_view(*EDITORS, *PUBLISHERS)
def evidence_marking(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    """Set one evidence item's own marking (a quote is public only when it is CLEAR itself)."""
    claim = access_object(request.user, Claim, pk)
    evidence = claim.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        evidence = access_object(request.user, Evidence, -1)  # the same error as any missing record
    form = MarkingForm(posted(request), initial={"marking": evidence.marking}, user=request.user)
    return _claim_action(
        request, claim, form,
        lambda: services.marking_set(actor=request.user, obj=evidence, marking=form.cleaned_data["marking"]),
        _("Marking of the quote changed."), _("Marking of this quote"),
    )


@staff_view(*ALL_STAFF)
def claim_publish(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: exactly what publishing would make public. POST (reviewers, admins): publish it all."""
    claim = access_object(request.user, Claim, pk)
    form = PublishForm(posted(request))
    if request.method == "POST" and may_publish(request.user) and form.is_valid():
        if call_service(form, lambda: services.claim_publish(actor=request.user, claim=claim)) is not UNSET:
            messages.success(request, _("Published: the claim, its quotes and their sources are public."))
            return redirect("workspace:claim_detail", pk=claim.pk)
    return render(request, "workspace/claim_publish.html", {
        "claim": claim, "preview": services.claim_publication_preview(claim=claim), "form": form,
        "propose_form": ProposeForm(),
    }, status=form_status(request) if request.method == "POST" else 200)


@staff_view(*PUBLISHERS)
def claim_unpublish(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access_object(request.user, Claim, pk)
    form = PublishForm(posted(request))
    return _claim_action(request, claim, form, lambda: services.claim_unpublish(actor=request.user, claim=claim),
                         _("Unpublished: the previous markings are back."), _("Unpublish this claim"))


@staff_view(*EDITORS)
def claim_publish_propose(request: HttpRequest, pk: int) -> HttpResponse:
    claim = access_object(request.user, Claim, pk)
    form = ProposeForm(posted(request))
    return _claim_action(request, claim, form,
                         lambda: services.claim_publish_propose(actor=request.user, claim=claim,
                                                                note=form.cleaned_data["note"]),
                         _("Proposed for publication: a reviewer will decide."), _("Propose for publication"))
