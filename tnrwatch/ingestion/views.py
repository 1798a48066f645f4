"""Staff pages of ingestion: the review queue, a source with its candidates highlighted, the
documents with their status and errors, and the reviewed merge of duplicate entities.

Thin views: parse, check access, call one service or selector, render. No JavaScript.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import RequestDataTooBig, TooManyFilesSent
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.http.request import UnreadablePostError
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from tnrwatch.accounts.access import (
    ALL_STAFF,
    EDITORS,
    REVIEWERS,
    access_object,
    may_publish,
    staff_view,
)
from tnrwatch.audit.models import AuditEntry
from tnrwatch.core.csrf import csrf_protect_after_upload_handler
from tnrwatch.core.errors import ApplicationError, NotFoundOrForbiddenError
from tnrwatch.registry.models import Source
from tnrwatch.registry.selectors import duplicate_pairs
from tnrwatch.registry.services import entity_merge, entity_unmerge

from . import copies, selectors, services
from .blobs import default_store
from .forms import CaptureForm, CorrectionForm, MergeForm, RejectForm
from .limits import limits_from_settings
from .models import Candidate, Document
from .services import review
from .upload import CaptureUploadHandler


@require_GET
@staff_view(*ALL_STAFF)
def queue(request: HttpRequest) -> HttpResponse:
    return render(request, "ingestion/queue.html", {
        "page": selectors.review_queue(page=request.GET.get("page")),
        "counts": selectors.status_counts(),
        "jobs": selectors.recent_jobs(),
    })


def _capture_page(request: HttpRequest, form: CaptureForm, status: int = 200, refused: str = "") -> HttpResponse:
    return render(request, "ingestion/capture.html", {"form": form, "limits": limits_from_settings(),
                                                      "refused": refused}, status=status)


@csrf_exempt  # the CSRF check runs in _capture_submit, once the upload handler is installed
@require_http_methods(["GET", "POST"])
@staff_view(*EDITORS)
def capture(request: HttpRequest) -> HttpResponse:
    """URLs and uploaded files (HTML, PDF, text; several at once) into one batch."""
    if request.method != "POST":
        return _capture_page(request, CaptureForm())
    handler = CaptureUploadHandler(request, store=default_store(), limits=limits_from_settings())
    request.upload_handlers = [handler]
    try:
        try:
            request.POST  # noqa: B018 - parse now: the files stream into the store's temporary folder
        except (MultiPartParserError, TooManyFilesSent, RequestDataTooBig, UnreadablePostError) as exc:
            if not handler.refused:
                handler.refused, handler.refused_status = _unreadable(exc)
        if handler.refused:
            return _capture_page(request, CaptureForm(), status=handler.refused_status, refused=handler.refused)
        return _capture_submit(request)
    finally:
        handler.discard_all()  # whatever the capture did not take into the store goes


def _unreadable(exc: Exception) -> tuple[str, int]:
    if isinstance(exc, TooManyFilesSent):
        return (f"At most {limits_from_settings().max_upload_files} files at once; nothing was kept. "
                "Use `tnrwatch ingest` for more."), 413
    if isinstance(exc, RequestDataTooBig):
        return "The list of URLs is too long; nothing was kept. Use `tnrwatch ingest` for more.", 413
    return "The upload could not be read (interrupted or malformed); nothing was kept. Try again.", 400


@csrf_protect_after_upload_handler
def _capture_submit(request: HttpRequest) -> HttpResponse:
    form = CaptureForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            job = services.job_create_from_web(actor=request.user, urls=form.url_list(),
                                               files=form.cleaned_data["files"])
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("%(total)s documents queued as batch %(batch)s.") % {"total": job.total, "batch": job.pk})
            return redirect(reverse("ingestion:documents") + f"?job={job.pk}")
    return _capture_page(request, form, status=400)


@require_GET
@staff_view(*ALL_STAFF)
def source(request: HttpRequest, pk: int) -> HttpResponse:
    obj = access_object(request.user, Source, pk)
    return render(request, "ingestion/source.html", selectors.source_review(obj))


@require_GET
@staff_view(*ALL_STAFF)
def source_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The captured text as escaped plain text (every source, whatever its reuse terms)."""
    obj = access_object(request.user, Source, pk)
    return render(request, "atlas/source_text.html", {"source": obj, "copy": copies.copy_of(obj), "staff": True})


@require_GET
@staff_view(*ALL_STAFF)
def source_copy(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The evidence copy, byte for byte, as a download with its hash."""
    copy = copies.copy_of(access_object(request.user, Source, pk))
    if copy is None:
        raise Http404("This source was not captured: this instance holds no copy of it.")
    return copies.copy_response(copy)


def _back(candidate: Candidate) -> HttpResponse:
    return redirect(reverse("ingestion:source", args=[candidate.source_id]) + f"#c{candidate.pk}")


@require_POST
@staff_view(*REVIEWERS)
def candidate_accept(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access_object(request.user, Candidate, pk, *REVIEWERS)
    publish = request.POST.get("publish") == "1"
    if publish and not may_publish(request.user):
        messages.error(request, _("Only a reviewer can publish; accept it, then propose it for publication."))
        return _back(candidate)
    try:
        claim = review.candidate_accept(actor=request.user, candidate=candidate, publish=publish)
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(candidate)
    if publish:
        messages.success(request, _("Accepted and published: claim %(pk)s (%(prop)s = %(value)s), "
                                    "its quote and its source are public (TLP:CLEAR).")
                         % {"pk": claim.pk, "prop": claim.prop, "value": claim.value})
    else:
        messages.success(request, _("Accepted: claim %(pk)s (%(prop)s = %(value)s), marked "
                                    "TLP:%(marking)s: not public until it is published from the claim's page.")
                         % {"pk": claim.pk, "prop": claim.prop, "value": claim.value, "marking": claim.marking.upper()})
    return _back(candidate)


@require_POST
@staff_view(*REVIEWERS)
def candidate_reject(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access_object(request.user, Candidate, pk, *REVIEWERS)
    form = RejectForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long or not valid."))
        return _back(candidate)
    try:
        review.candidate_reject(actor=request.user, candidate=candidate, reason=form.cleaned_data["reason"])
    except ApplicationError as exc:
        messages.error(request, exc.message)
        return _back(candidate)
    messages.success(request, _("Rejected; it will not be proposed again."))
    return _back(candidate)


@require_http_methods(["GET", "POST"])
@staff_view(*REVIEWERS)
def candidate_correct(request: HttpRequest, pk: int) -> HttpResponse:
    candidate = access_object(request.user, Candidate, pk, *REVIEWERS)
    if request.method == "POST":
        form = CorrectionForm(request.POST)
        if form.is_valid():
            try:
                review.candidate_accept(actor=request.user, candidate=candidate, corrections=form.corrections())
            except ApplicationError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Corrected and accepted."))
                return _back(candidate)
        status = 400
    else:
        form = CorrectionForm(initial={k: v for k, v in candidate.fields.items() if v is not None})
        status = 200
    return render(request, "ingestion/correct.html", {"candidate": candidate, "form": form}, status=status)


@require_GET
@staff_view(*ALL_STAFF)
def documents(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", "")
    job = request.GET.get("job", "")
    return render(request, "ingestion/documents.html", {
        "page": selectors.document_list(status=status, job=job, page=request.GET.get("page")),
        "counts": selectors.status_counts(job=job),
        "progress": selectors.job_progress(job=job) if job else None,
        "status": status if status in Document.Status.values else "",
        "job": job if job.isdigit() else "",
        "statuses": Document.Status.values,
    })


@require_GET
@staff_view(*ALL_STAFF)
def duplicates(request: HttpRequest) -> HttpResponse:
    return render(request, "ingestion/duplicates.html", {"pairs": duplicate_pairs()})


@require_http_methods(["GET", "POST"])
@staff_view(*EDITORS)
def merge(request: HttpRequest) -> HttpResponse:
    form = MergeForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return render(request, "ingestion/merge.html", {"form": form}, status=400)
    data = form.cleaned_data
    if request.method == "POST":
        try:
            entity_merge(actor=request.user, subject_type=data["subject_type"], kept_id=data["kept"],
                         merged_id=data["merged"], reason=data["reason"])
        except NotFoundOrForbiddenError:
            raise
        except ApplicationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Merged. The merge can be undone from this list."))
            return redirect("ingestion:merges")
    return render(request, "ingestion/merge.html", {
        "form": form, "subject_type": data["subject_type"],
        "kept": selectors.merge_side(subject_type=data["subject_type"], pk=data["kept"]),
        "merged": selectors.merge_side(subject_type=data["subject_type"], pk=data["merged"]),
    }, status=400 if form.errors else 200)


@require_GET
@staff_view(*ALL_STAFF)
def merges(request: HttpRequest) -> HttpResponse:
    return render(request, "ingestion/merges.html", {"page": selectors.merge_list(page=request.GET.get("page"))})


@require_POST
@staff_view(*EDITORS)
def unmerge(request: HttpRequest, pk: int) -> HttpResponse:
    entry = access_object(request.user, AuditEntry, pk, *EDITORS)
    try:
        entity_unmerge(actor=request.user, merge_entry_id=entry.pk)
    except NotFoundOrForbiddenError:
        raise
    except ApplicationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The merge was undone."))
    return redirect("ingestion:merges")
