"""The analysts' case inbox at /inbox/: admins and analysts with the second factor only.

Reading a report needs the analyst's key unlocked for this session (see unlock.py). Every action,
and every decryption, writes an audit row.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tnrwatch.accounts.access import ADMINS, EDITORS, access_report_by_id, staff_view, user_has_role
from tnrwatch.core.errors import ApplicationError, NotFoundOrForbiddenError
from tnrwatch.registry import selectors as registry_selectors

from . import crypto, selectors, services, unlock
from .forms import (
    LinkForm,
    NewKeyForm,
    OfflineKeyForm,
    PassphraseForm,
    PromoteForm,
    ResourceForm,
    RiskForm,
    StateForm,
    TextForm,
)
from .models import ReportState, RiskLevel
from .upload import clean_file_name


@staff_view(*EDITORS)
@require_GET
def inbox_list(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "")
    risk = request.GET.get("risk", "")
    state = state if state in ReportState.values else ""
    risk = risk if risk in RiskLevel.values else ""
    mine = request.GET.get("mine") == "1"
    reports = selectors.report_list(state=state, risk=risk, assigned_to=request.user if mine else None)[:500]
    return render(request, "intake/inbox_list.html", {
        "reports": reports, "states": ReportState.choices, "risks": RiskLevel.choices,
        "state": state, "risk": risk, "mine": mine,
        "unlocked": unlock.is_unlocked(request), "my_key": selectors.recipient_key_of(request.user),
        "can_delete": user_has_role(request.user, *ADMINS),
    })


@staff_view(*ADMINS)
@require_POST
def reports_delete_bulk(request: HttpRequest) -> HttpResponse:
    """Triage in bulk (a flood of junk): delete the selected reports securely, audited."""
    selected = request.POST.getlist("report")[:500]
    if request.POST.get("confirm") != "yes":
        messages.error(request, _("Tick “I am sure” to delete the selected reports."))
        return redirect("inbox:list")
    count = services.reports_delete_bulk(actor=request.user, report_ids=selected)
    messages.success(request, _("%(count)s reports deleted, with their threads, notes and files.") % {"count": count})
    return redirect("inbox:list")


@staff_view(*EDITORS)
@require_http_methods(["GET", "POST"])
def key_setup(request: HttpRequest) -> HttpResponse:
    form = NewKeyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.recipient_key_create(actor=request.user, passphrase=form.cleaned_data["passphrase"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Your key is set up. New reports are encrypted to it."))
            return redirect("inbox:list")
    status = 400 if request.method == "POST" else 200
    return render(request, "intake/inbox_key.html", {"form": form, "my_key": selectors.recipient_key_of(request.user)}, status=status)


@staff_view(*EDITORS)
@require_POST
def key_unlock(request: HttpRequest) -> HttpResponse:
    form = PassphraseForm(request.POST)
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}) or not target.startswith("/inbox/"):
        target = reverse("inbox:list")
    if not form.is_valid():
        messages.error(request, _("Enter your passphrase."))
        return redirect(target)
    try:
        identities = services.identities_unlock(user=request.user, passphrase=form.cleaned_data["passphrase"])
    except crypto.WrongPassphraseError:
        messages.error(request, _("That passphrase does not unlock your key."))
        return redirect(target)
    response = redirect(target)
    unlock.unlock(request, response, identities)
    return response


@staff_view(*EDITORS)
@require_POST
def key_lock(request: HttpRequest) -> HttpResponse:
    response = redirect("inbox:list")
    unlock.lock(request, response)
    services.identities_lock(user=request.user)
    return response


@staff_view(*EDITORS)
@require_GET
def report_detail(request: HttpRequest, pk: int) -> HttpResponse:
    report = access_report_by_id(request.user, pk)
    identities = unlock.unlocked_identities(request)
    context: dict[str, Any] = {
        "report": report, "unlocked": bool(identities), "states": ReportState.choices, "risks": RiskLevel.choices,
        "analysts": selectors.assignable_analysts(),
        "promote_form": PromoteForm(), "stations": report.stations.all(), "organizations": report.organizations.all(),
    }
    context["link_query"] = (request.GET.get("link_q") or "").strip()[:100]
    context["station_options"], context["organization_options"] = selectors.link_candidates(context["link_query"])
    if identities:
        try:
            opened = services.report_open(actor=request.user, report=report, identities=identities)
        except crypto.DecryptionError:
            context["cannot_open"] = True
        else:
            context.update({
                "answers": opened.answers, "attachments": opened.attachments, "thread": opened.thread, "notes": opened.notes,
            })
    return render(request, "intake/inbox_report.html", context)


def _one_field_action(form_class, service, field: str):
    """An inbox action that validates one field and passes it to a service under the same name."""
    def act(request, report):
        form = form_class(request.POST)
        if form.is_valid():
            service(actor=request.user, report=report, **{field: form.cleaned_data[field]})
        return form
    return act


_act_state = _one_field_action(StateForm, services.report_set_state, "state")
_act_risk = _one_field_action(RiskForm, services.report_set_risk, "risk")
_act_note = _one_field_action(TextForm, services.note_add, "body")
_act_reply = _one_field_action(TextForm, services.message_from_analyst, "body")


def _act_assign(request, report):
    username = (request.POST.get("assignee") or "")[:150]
    assignee = None
    if username:
        assignee = selectors.assignable_analysts().filter(username=username).first()
        if assignee is None:
            raise NotFoundOrForbiddenError("No such analyst.")
    services.report_assign(actor=request.user, report=report, assignee=assignee)


def _act_link(request, report):
    form = LinkForm(request.POST)
    if form.is_valid():
        station = organization = None
        if form.cleaned_data["station"]:
            station = registry_selectors.subject_get("station", form.cleaned_data["station"])
            if station is None:
                raise NotFoundOrForbiddenError("No such station.")
        if form.cleaned_data["organization"]:
            organization = registry_selectors.subject_get("organization", form.cleaned_data["organization"])
            if organization is None:
                raise NotFoundOrForbiddenError("No such organisation.")
        services.report_link(actor=request.user, report=report, station=station, organization=organization)
    return form


def _act_promote(request, report):
    form = PromoteForm(request.POST)
    if form.is_valid():
        country = _country(form.cleaned_data["host_country"])
        if country is None:
            raise NotFoundOrForbiddenError("No such country.")
        services.report_promote(
            actor=request.user, report=report, host_country=country, tactic=form.cleaned_data["tactic"],
            summary=form.cleaned_data["summary"], month=form.cleaned_data["month"],
            target_category=form.cleaned_data["target_category"],
        )
    return form


ACTIONS = {
    "state": _act_state, "risk": _act_risk, "assign": _act_assign, "note": _act_note,
    "reply": _act_reply, "link": _act_link, "promote": _act_promote,
}


@staff_view(*EDITORS)
@require_POST
def report_act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    handler = ACTIONS.get(action)
    if handler is None:
        raise Http404
    report = access_report_by_id(request.user, pk)
    try:
        form = handler(request, report)
    except NotFoundOrForbiddenError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return redirect("inbox:report", pk=report.pk)
    if form is not None and not form.is_valid():
        errors = "; ".join(f"{k}: {' '.join(v)}" for k, v in form.errors.items())
        messages.error(request, _("Check the form: %(errors)s") % {"errors": errors})
    return redirect("inbox:report", pk=report.pk)


@staff_view(*EDITORS)
@require_POST
def report_rekey(request: HttpRequest, pk: int) -> HttpResponse:
    identities = unlock.unlocked_identities(request)
    if not identities:
        messages.error(request, _("Unlock your key first."))
        return redirect("inbox:report", pk=pk)
    try:
        services.report_rekey(actor=request.user, report=access_report_by_id(request.user, pk), identities=identities)
    except crypto.DecryptionError:
        messages.error(request, _("Your key cannot open every part of this report."))
    else:
        messages.success(request, _("The report is now encrypted to every current recipient."))
    return redirect("inbox:report", pk=pk)


@staff_view(*ADMINS)
@require_POST
def report_delete(request: HttpRequest, pk: int) -> HttpResponse:
    services.report_delete(actor=request.user, report=access_report_by_id(request.user, pk))
    messages.success(request, _("The report, its thread, notes and files were deleted."))
    return redirect("inbox:list")


def _country(iso2: str):
    """The country with this ISO alpha-2 code, or None (a two-letter code only, not iso3)."""
    code = (iso2 or "").strip()
    return registry_selectors.subject_get("country", code) if len(code) == 2 and code.isalpha() else None


@staff_view(*EDITORS)
@require_GET
def attachment_download(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    identities = unlock.unlocked_identities(request)
    if not identities:
        messages.error(request, _("Unlock your key first."))
        return redirect("inbox:report", pk=pk)
    attachment = selectors.attachment_get(pk, position)
    stripped = request.GET.get("stripped") == "1"
    try:
        name, data = services.attachment_open(actor=request.user, attachment=attachment, identities=identities, stripped=stripped)
    except crypto.DecryptionError as exc:
        raise NotFoundOrForbiddenError() from exc
    name = clean_file_name(name)
    # Always a download, never rendered inline: a reporter's file is untrusted content.
    response = HttpResponse(data, content_type="application/octet-stream")
    response["Content-Disposition"] = _disposition(("clean-" if stripped else "") + name)
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _disposition(name: str) -> str:
    from urllib.parse import quote

    ascii_name = name.encode("ascii", "ignore").decode().replace('"', "") or "attachment"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name)}"


@staff_view(*EDITORS)
@require_POST
def attachment_strip(request: HttpRequest, pk: int, position: int) -> HttpResponse:
    identities = unlock.unlocked_identities(request)
    if not identities:
        messages.error(request, _("Unlock your key first."))
        return redirect("inbox:report", pk=pk)
    attachment = selectors.attachment_get(pk, position)
    services.attachment_strip_request(actor=request.user, attachment=attachment, identities=identities)
    messages.success(request, _("A copy without metadata is being made; reload this page in a moment."))
    return redirect("inbox:report", pk=pk)


# --- admins: recipients and protection resources ----------------------------------------------------


@staff_view(*ADMINS)
@require_http_methods(["GET", "POST"])
def recipients(request: HttpRequest) -> HttpResponse:
    form = OfflineKeyForm(request.POST or None)
    if request.method == "POST":
        retire = request.POST.get("retire")
        if retire:
            key = selectors.recipient_key_get(retire)
            if key is None:
                raise Http404
            services.recipient_key_retire(actor=request.user, key=key)
            return redirect("inbox:recipients")
        if form.is_valid():
            try:
                services.recipient_key_add_offline(actor=request.user, **form.cleaned_data)
            except ApplicationError as exc:
                form.add_error("public_key", exc.message)
            else:
                return redirect("inbox:recipients")
    keys = selectors.recipient_keys_all()
    return render(request, "intake/inbox_recipients.html", {"keys": keys, "form": form}, status=400 if form.errors else 200)


@staff_view(*ADMINS)
@require_http_methods(["GET", "POST"])
def resources(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    resource = None
    if pk is not None:
        resource = selectors.resource_get(pk)
        if resource is None:
            raise Http404
    initial = {}
    if resource is not None:
        initial = {"country": resource.country.iso2, "name": resource.name, "kind": resource.kind, "contact": resource.contact,
                   "url": resource.url, "how_to_report": resource.how_to_report, "is_example": resource.is_example}
    form = ResourceForm(request.POST or None, initial=initial)
    if request.method == "POST":
        if request.POST.get("delete") and resource is not None:
            services.resource_delete(actor=request.user, resource=resource)
            return redirect("inbox:resources")
        if form.is_valid():
            data = dict(form.cleaned_data)
            country = _country(data.pop("country"))
            if country is None:
                form.add_error("country", _("Unknown country code."))
            else:
                try:
                    services.resource_save(actor=request.user, resource=resource, country=country, **data)
                except ApplicationError as exc:
                    form.add_error(None, exc.message)
                else:
                    return redirect("inbox:resources")
    return render(request, "intake/inbox_resources.html", {
        "form": form, "resource": resource, "resources": selectors.resources_by_country(),
    }, status=400 if form.errors else 200)
