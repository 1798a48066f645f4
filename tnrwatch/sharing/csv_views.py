"""Staff pages of the CSV import: upload, map columns, preview with per-row errors, commit."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from tnrwatch.accounts.access import EDITORS, access_csv_upload_by_id, staff_view
from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import vocabulary as v

from . import csv_import
from .forms import CsvUploadForm
from .models import CsvUpload
from .services.csv_upload import MAX_CSV_BYTES, csv_commit, csv_preview, csv_upload_create


class _SizeLimitHandler(FileUploadHandler):
    """Stops reading an upload as soon as it passes the limit (the header check catches honest clients)."""

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_CSV_BYTES:
            raise StopUpload(connection_reset=True)
        return raw_data

    def file_complete(self, file_size):
        return None


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > MAX_CSV_BYTES + 64 * 1024
    except ValueError:
        return True


@csrf_exempt  # CSRF is checked below, after the size check and the upload handler are in place
@staff_view(*EDITORS)
@require_http_methods(["GET", "POST"])
def upload(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        if _too_large(request):
            # Refused on the Content-Length header, before one byte of the body is read.
            return render(request, "sharing/csv_upload.html", {"form": CsvUploadForm(), "too_large": True,
                                                              "limit_mb": MAX_CSV_BYTES // (1024 * 1024)}, status=413)
        request.upload_handlers.insert(0, _SizeLimitHandler(request))  # type: ignore[union-attr]  # a list until the body is read
        return csrf_protect(_upload_post)(request)
    return render(request, "sharing/csv_upload.html", {"form": CsvUploadForm(), "limit_mb": MAX_CSV_BYTES // (1024 * 1024)})


def _upload_post(request: HttpRequest) -> HttpResponse:
    form = CsvUploadForm(request.POST, request.FILES)
    if form.is_valid():
        f = form.cleaned_data["file"]
        if f.size > MAX_CSV_BYTES:
            form.add_error("file", f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB.")
        else:
            try:
                staged = csv_upload_create(actor=request.user, filename=f.name, content=f.read(), kind=form.cleaned_data["kind"])
            except ValidationError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("sharing:csv_preview", pk=staged.pk)
    return render(request, "sharing/csv_upload.html", {"form": form, "limit_mb": MAX_CSV_BYTES // (1024 * 1024)}, status=400)


def _mapping_from(request: HttpRequest, staged: CsvUpload) -> dict[str, str]:
    data = request.POST if request.method == "POST" else request.GET
    if not any(k.startswith("map_") for k in data):
        return dict(staged.mapping)
    return {name: data.get(f"map_{name}", "")[:300] for name, _r, _h in csv_import.FIELDS[staged.kind]}


@staff_view(*EDITORS)
@require_http_methods(["GET", "POST"])
def preview(request: HttpRequest, pk: int) -> HttpResponse:
    staged = access_csv_upload_by_id(request.user, pk)
    mapping = _mapping_from(request, staged)
    marking = request.POST.get("marking", settings.TNR_DEFAULT_MARKING)
    status = 200
    commit_error = ""
    if request.method == "POST" and request.POST.get("action") == "commit":
        if marking not in v.MARKINGS:
            commit_error = "Unknown marking."
        else:
            try:
                result = csv_commit(actor=request.user, upload=staged, mapping=mapping, marking=marking)
            except ValidationError as exc:
                commit_error = exc.message
            else:
                messages.success(request, _("Imported %(rows)s rows (%(skipped)s skipped): "
                                            "%(created)s new, %(linked)s existing, %(claims)s claims.") % result)
                return redirect("sharing:csv_preview", pk=staged.pk)
        status = 400
    table, mapping_errors, rows = csv_preview(staged, mapping)
    fields = [{"name": n, "required": r, "help": h, "column": mapping.get(n, "")} for n, r, h in csv_import.FIELDS[staged.kind]]
    return render(request, "sharing/csv_preview.html", {
        "upload": staged, "table": table, "fields": fields, "mapping_errors": mapping_errors, "rows": rows[:500],
        "more_rows": max(0, len(rows) - 500), "good": sum(1 for r in rows if r.ok), "bad": sum(1 for r in rows if not r.ok),
        "commit_error": commit_error, "markings": {k: label for k, label in v.MARKINGS.items() if k != "clear"},
        "marking": marking,
    }, status=status)
