"""Workspace pages of cross-referencing: upload and run, a run's problems and proposals, decisions.

The upload streams to a temporary file in `<TNR_DATA_DIR>/xref/tmp/` (never whole in memory), is
refused on its Content-Length header past `TNR_XREF_MAX_UPLOAD_BYTES` before its body is read, and
is removed on every path when the request ends; the service copies it first if the user asked to
keep it. The run happens during the request (larger files: `tnrwatch xref FILE`).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods, require_POST

from tnrwatch.accounts.access import ALL_STAFF, EDITORS, REVIEWERS, staff_view, user_has_role
from tnrwatch.core.errors import ApplicationError, NotFoundOrForbiddenError
from tnrwatch.ingestion.upload import display_name

from . import selectors, services
from .forms import XrefUploadForm
from .models import TieProposal, XrefProposal
from .services import shared


def _limit() -> int:
    return int(getattr(settings, "TNR_XREF_MAX_UPLOAD_BYTES", 20 * 1024 * 1024))


class _SpooledUpload(UploadedFile):
    def __init__(self, path: str, name: str, size: int) -> None:
        super().__init__(file=None, name=name, content_type="application/octet-stream", size=size)
        self.path = path

    def temporary_file_path(self) -> str:
        return self.path


class _UploadToDisk(FileUploadHandler):
    """Each chunk to a private temporary file; past the limit the file is removed and the upload stops."""

    chunk_size = 256 * 1024

    def __init__(self, request: HttpRequest, paths: list[str]) -> None:
        super().__init__(request)
        self.paths = paths  # every file this request made, so the view removes them all
        self.fd: int | None = None
        self.path = ""
        self.refused = False  # the body passed the limit while it streamed

    def new_file(self, *args, **kwargs) -> None:
        super().new_file(*args, **kwargs)
        self.fd, self.path = tempfile.mkstemp(dir=services.work_root() / "tmp", suffix=".upload")
        self.paths.append(self.path)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> None:
        if start + len(raw_data) > _limit():
            # Django calls neither file_complete nor upload_interrupted after StopUpload: close here.
            self.refused = True
            self.close()
            raise StopUpload(connection_reset=True)
        assert self.fd is not None
        os.write(self.fd, raw_data)
        return None

    def file_complete(self, file_size: int) -> UploadedFile:
        assert self.fd is not None
        os.close(self.fd)
        self.fd = None
        return _SpooledUpload(self.path, display_name(self.file_name or ""), file_size)

    def upload_interrupted(self) -> None:
        self.close()

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None


def _too_large(request: HttpRequest) -> bool:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0) > _limit() + 64 * 1024
    except ValueError:
        return True


def _list_page(request: HttpRequest, form: XrefUploadForm, status: int = 200, too_large: bool = False) -> HttpResponse:
    return render(request, "xref/runs.html", {
        "form": form, "runs": selectors.run_list(), "too_large": too_large, "limit_mb": _limit() // (1024 * 1024),
        "may_run": user_has_role(request.user, *EDITORS), "may_decide": user_has_role(request.user, *REVIEWERS),
        "tie_proposals": selectors.tie_proposals()}, status=status)


@csrf_exempt  # checked below, once the size check and the upload handler are in place
@staff_view(*ALL_STAFF)
@require_http_methods(["GET", "POST"])
def run_list(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _list_page(request, XrefUploadForm())
    if not user_has_role(request.user, *EDITORS):
        return _list_page(request, XrefUploadForm(), status=403)
    if _too_large(request):  # refused before one byte of the body is read
        return _list_page(request, XrefUploadForm(), status=413, too_large=True)
    paths: list[str] = []
    handler = _UploadToDisk(request, paths)
    request.upload_handlers = [handler]
    try:
        response = csrf_protect(_run_post)(request)
        if handler.refused:  # stopped while streaming: say why, not "no file"
            return _list_page(request, XrefUploadForm(), status=413, too_large=True)
        return response
    finally:
        handler.close()  # an upload broken off by an error leaves no open descriptor
        for path in paths:
            Path(path).unlink(missing_ok=True)


def _run_post(request: HttpRequest) -> HttpResponse:
    form = XrefUploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _list_page(request, form, status=400)
    upload = form.cleaned_data["file"]
    try:
        run = services.xref_run(actor=request.user, path=Path(upload.temporary_file_path()), filename=upload.name,
                                dataset=form.cleaned_data["dataset"], keep=form.cleaned_data["keep"],
                                threshold=form.cleaned_data["threshold"])
    except ApplicationError as exc:
        form.add_error("file", exc.message)
        return _list_page(request, form, status=400)
    return redirect("xref:run", pk=run.pk)


@staff_view(*ALL_STAFF)
@require_http_methods(["GET"])
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = selectors.access_xref_run_by_id(request.user, pk)
    status = request.GET.get("status", "")
    page = Paginator(selectors.run_proposals(run, status=status), 50).get_page(request.GET.get("page"))
    rows = [{"proposal": p, "properties": selectors.proposal_properties(p), "url": selectors.subject_url(p)}
            for p in page]
    return render(request, "xref/run.html", {
        "run": run, "page": page, "rows": rows, "status": status, "statuses": XrefProposal.Status.choices,
        "problem_rows": selectors.run_problem_rows(run), "problems": run.problems.all()[:200],
        "may_decide": user_has_role(request.user, *REVIEWERS), "query": f"status={status}" if status else ""})


_ACTIONS = {"merge": services.proposal_merge, "link": services.proposal_link, "reject": services.proposal_reject,
            "undo": services.proposal_undo}


@staff_view(*REVIEWERS)
@require_POST
def proposal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    proposal = XrefProposal.objects.filter(pk=pk).select_related("run").first()
    if proposal is None:
        raise NotFoundOrForbiddenError()
    action = _ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown decision."))
    else:
        try:
            action(actor=request.user, proposal_id=pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved: %(status)s.") % {
                "status": XrefProposal.objects.get(pk=pk).get_status_display()})
    return redirect(reverse("xref:run", args=[proposal.run_id]) + f"#p{pk}")


@staff_view(*EDITORS)
@require_POST
def shared_propose(request: HttpRequest) -> HttpResponse:
    made = shared.shared_ties_propose(actor=request.user)
    messages.success(request, _("%(n)d new candidate ties.") % {"n": made})
    return redirect(reverse("xref:runs") + "#ties")


_TIE_ACTIONS = {"accept": shared.tie_proposal_accept, "reject": shared.tie_proposal_reject}


@staff_view(*REVIEWERS)
@require_POST
def tie_decide(request: HttpRequest, pk: int) -> HttpResponse:
    if not TieProposal.objects.filter(pk=pk).exists():
        raise NotFoundOrForbiddenError()
    action = _TIE_ACTIONS.get(request.POST.get("action", ""))
    if action is None:
        messages.error(request, _("Unknown decision."))
    else:
        try:
            action(actor=request.user, proposal_id=pk)
        except ApplicationError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, _("Saved."))
    return redirect(reverse("xref:runs") + "#ties")
