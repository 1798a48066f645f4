"""List, show, create and edit the entities of the record; markings; station status."""

from __future__ import annotations

from django.contrib import messages
from django.forms.models import model_to_dict
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy

from tnrwatch.accounts.access import ALL_STAFF, EDITORS, REVIEWERS, access_object, staff_view

from .. import services
from .. import vocabulary as v
from ..forms import ListFilterForm, MarkingForm, ReplyForm, StationStatusForm
from ..models import Source, Station, Tie
from ..selectors import (
    claims_about,
    entity_search,
    paginate,
    replies_of,
    station_history,
    tie_ends,
    ties_of,
)
from .common import UNSET, call_service, form_status, plain, posted, query_without_page
from .kinds import KINDS, attr_path


def _get(request: HttpRequest, kind: str, pk: int):
    k = KINDS[kind]
    return k, access_object(request.user, k.model, pk)


@staff_view(*ALL_STAFF)
def entity_list(request: HttpRequest, kind: str) -> HttpResponse:
    k = KINDS[kind]
    filters = ListFilterForm(request.GET or None)
    data = filters.cleaned_data if filters.is_valid() else {}
    queryset = entity_search(k.model.objects.select_related(*k.related), q=data.get("q", ""),
                             text_fields=k.search, marking=data.get("marking", ""))
    page = paginate(queryset, request.GET.get("page"))
    rows = [(obj, [_cell(obj, path) for _h, path in k.columns]) for obj in page]
    return render(request, "workspace/entity_list.html", {
        "kind": k, "filters": filters, "page": page, "rows": rows,
        "query": query_without_page(request) if filters.is_valid() else "",
    })


@staff_view(*ALL_STAFF)
def entity_detail(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k, obj = _get(request, kind, pk)
    form = k.form(initial=model_to_dict(obj))
    fields = [(form[name].label, _display(obj, name)) for name in form.fields if name in {f.name for f in obj._meta.get_fields()}]
    context = {
        "kind": k, "obj": obj, "fields": fields, "claims": claims_about(k.subject_type, obj.pk),
        "marking_form": MarkingForm(initial={"marking": obj.marking}, user=request.user),
    }
    if isinstance(obj, Source):
        from tnrwatch.ingestion.copies import copy_of

        from .sources import reuse_form_for

        context.update(copy=copy_of(obj), reuse_form=reuse_form_for(obj))
    from tnrwatch.network.views import TIED_KINDS, workspace_entity_network

    if k.subject_type in TIED_KINDS:  # a tie is an edge of the view; sources and figures have none
        context.update(workspace_entity_network(request, k.subject_type, obj.pk))
    if k.subject_type in ("person", "organization", "station", "address"):
        context["ties"] = ties_of(k.subject_type, obj.pk)
    if k.subject_type in v.REPLY_SUBJECT_TYPES:
        context["replies"] = replies_of(k.subject_type, obj.pk)
    if isinstance(obj, Tie):
        context["tie_ends"] = tie_ends(obj)
    if isinstance(obj, Station):
        context["history"] = station_history(obj)
        context["status_form"] = StationStatusForm(initial={"status": obj.status})
    return render(request, "workspace/entity_detail.html", context)


# How precisely a date or a position is known: the models' choices keep the slug as the label (no
# migration for a wording), so the workspace says it in words here.
_PRECISIONS = {
    "day": pgettext_lazy("precision", "To the day"), "month": pgettext_lazy("precision", "To the month"),
    "year": pgettext_lazy("precision", "To the year"), "street": pgettext_lazy("precision", "Street address"),
    "city": pgettext_lazy("precision", "City only"),
}


def _cell(obj, path: str):
    value = attr_path(obj, path)
    return _PRECISIONS.get(value, value) if path.endswith("precision") else value


def _display(obj, name: str):
    if name.endswith("precision"):
        return _PRECISIONS.get(getattr(obj, name), getattr(obj, name))
    label = getattr(obj, f"{name}_label", None)  # a model that says how a field reads (Source.published)
    if callable(label):
        return label()
    field = obj._meta.get_field(name)
    if field.many_to_many:
        return ", ".join(str(x) for x in getattr(obj, name).all()) or None
    if getattr(field, "choices", None):
        return getattr(obj, f"get_{name}_display")()
    return getattr(obj, name)


@staff_view(*EDITORS)
def entity_create(request: HttpRequest, kind: str) -> HttpResponse:
    k = KINDS[kind]
    form = k.form(posted(request), with_marking=True, user=request.user)
    if request.method == "POST" and form.is_valid():
        fields = plain(form.cleaned_data)
        obj = call_service(form, lambda: k.create(actor=request.user, **fields))
        if obj is not UNSET:
            messages.success(request, _("Saved."))
            return redirect("workspace:entity_detail", kind=k.slug, pk=obj.pk)
    return render(request, "workspace/entity_form.html", {"kind": k, "form": form, "obj": None},
                  status=form_status(request))


@staff_view(*EDITORS)
def entity_edit(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k, obj = _get(request, kind, pk)
    initial = model_to_dict(obj)
    if "place" in initial:
        initial["city"] = obj.place.name_en if obj.place_id else ""
    # No `instance=`: the form must not touch the record; the update service compares and audits.
    form = k.form(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        changed = {name: form.cleaned_data[name] for name in form.changed_data}
        if "city" in form.fields and {"country", "host_country"} & set(changed):
            changed["city"] = form.cleaned_data["city"]  # the place follows its country
        changed = plain(changed)
        result = call_service(form, lambda: k.update_call(obj, actor=request.user, **changed))
        if result is not UNSET:
            messages.success(request, _("Saved.") if changed else _("Nothing changed."))
            return redirect("workspace:entity_detail", kind=k.slug, pk=obj.pk)
    return render(request, "workspace/entity_form.html", {"kind": k, "form": form, "obj": obj},
                  status=form_status(request))


@staff_view(*EDITORS)
def entity_marking(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    k, obj = _get(request, kind, pk)
    form = MarkingForm(posted(request), initial={"marking": obj.marking}, user=request.user)
    if request.method == "POST" and form.is_valid():
        result = call_service(form, lambda: services.marking_set(actor=request.user, obj=obj,
                                                                  marking=form.cleaned_data["marking"]))
        if result is not UNSET:
            messages.success(request, _("Marking changed."))
            return redirect("workspace:entity_detail", kind=k.slug, pk=obj.pk)
    return render(request, "workspace/action_form.html", {
        "title": _("Marking of %(obj)s") % {"obj": obj}, "form": form,
        "back_url": reverse("workspace:entity_detail", args=[k.slug, obj.pk]),
    }, status=form_status(request))


@staff_view(*EDITORS)
def reply_create(request: HttpRequest, kind: str, pk: int) -> HttpResponse:
    """Record a right of reply from a person, organisation or station."""
    k, obj = _get(request, kind, pk)
    if k.subject_type not in v.REPLY_SUBJECT_TYPES:
        raise Http404
    form = ReplyForm(posted(request))
    if request.method == "POST" and form.is_valid():
        result = call_service(form, lambda: services.right_of_reply_record(actor=request.user, subject=obj,
                                                                            **form.cleaned_data))
        if result is not UNSET:
            messages.success(request, _("Reply recorded."))
            return redirect("workspace:entity_detail", kind=k.slug, pk=obj.pk)
    return render(request, "workspace/action_form.html", {
        "title": _("Right of reply of %(obj)s") % {"obj": obj}, "form": form,
        "back_url": reverse("workspace:entity_detail", args=[k.slug, obj.pk]),
    }, status=form_status(request))


@staff_view(*REVIEWERS)
def station_status(request: HttpRequest, pk: int) -> HttpResponse:
    station = access_object(request.user, Station, pk)
    form = StationStatusForm(posted(request), initial={"status": station.status})
    if request.method == "POST" and form.is_valid():
        result = call_service(form, lambda: services.station_set_status(actor=request.user, station=station, **form.cleaned_data))
        if result is not UNSET:
            messages.success(request, _("Status changed."))
            return redirect("workspace:entity_detail", kind="stations", pk=station.pk)
    return render(request, "workspace/action_form.html", {
        "title": _("Status of %(obj)s") % {"obj": station}, "form": form,
        "back_url": reverse("workspace:entity_detail", args=["stations", station.pk]),
    }, status=form_status(request))
