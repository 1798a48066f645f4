"""The public reporting channel: form, receipt, follow-up, help directory, safety guide.

Reporters have no session: the follow-up page is POST-only and carries the receipt in the form,
so it never appears in a URL, a log line or a session row.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from tnrwatch.core.csrf import csrf_protect_after_upload_handler

from . import crypto, selectors, services
from .config import intake_config
from .forms import ReceiptForm, ReplyForm, ReportForm, country_choices
from .models import ReportState
from .upload import ATTACHMENT_FIELD, EncryptingUploadHandler, strict_multipart_parser

# What the reporter is told: the true state (selectors.reporter_status), and what the team is
# doing when it says more than that.
REPORTER_STATUS = {
    "received": _("Received, not yet read"),
    "read": _("Read by our team"),
    "replied": _("Our team has replied"),
    "closed": _("Closed"),
}
REPORTER_WORK: dict[str, Any] = {
    ReportState.IN_PROGRESS: _("We are working on it"),
    ReportState.REFERRED: _("Referred to a partner who can help"),
}


def _page(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    context.setdefault("quick_exit_url", intake_config().quick_exit_url)
    if template == "form.html":
        context["country_choices"] = country_choices(get_language() or "en")
    return render(request, f"intake/{template}", context, status=status)


def _refused(request: HttpRequest, reason: str) -> HttpResponse:
    config = intake_config()
    if reason == "too_many_files":
        return _page(request, "refused.html", {"reason": "too_many_files", "max_files": config.max_attachments}, status=400)
    if reason in ("bad_file_name", "interrupted"):
        return _page(request, "refused.html", {"reason": reason}, status=400)
    if reason == "no_recipients":
        return _page(request, "unavailable.html", {}, status=503)
    return _page(request, "refused.html", {"reason": "too_large", "max_mb": config.max_upload_bytes // (1024 * 1024)}, status=413)


def _busy(request: HttpRequest, retry_after: int) -> HttpResponse:
    """The designed answer when the intake budget is spent: 503 with Retry-After, nothing stored."""
    response = _page(request, "busy.html", {"minutes": max(1, (retry_after + 59) // 60)}, status=503)
    response["Retry-After"] = str(retry_after)
    return response


def _announced_length(request: HttpRequest) -> int:
    try:
        return max(0, int(request.META.get("CONTENT_LENGTH") or 0))
    except ValueError:
        return 0


def _streaming_handler(request: HttpRequest, recipients: list[tuple[int, str]]) -> EncryptingUploadHandler:
    """Install the encrypting upload handler before the body is read (files stream in encrypted)."""
    handler = EncryptingUploadHandler(request, public_keys=[public_key for _, public_key in recipients])
    request.upload_handlers = [handler]
    request.parse_file_upload = strict_multipart_parser(handler)  # type: ignore[method-assign]  # path-like file names: refused
    return handler


def _kept_only_if_accepted(request: HttpRequest, handler: EncryptingUploadHandler, respond) -> HttpResponse:
    """Parse the body (files stream in encrypted), then answer with `respond()`. Whatever refuses
    the request — a limit, a body cut off, CSRF, the form, an error — every blob it streamed is
    removed before the response leaves, unless the response is marked `intake_accepted`."""
    accepted = False
    try:
        request.POST  # noqa: B018 - parse now: attachments are encrypted as they stream in
        if handler.refused or handler.body_incomplete():
            return _refused(request, handler.refused or "interrupted")
        response = respond()
        accepted = getattr(response, "intake_accepted", False)
        return response
    finally:
        if not accepted:
            handler.discard_all()


@login_not_required
@csrf_exempt  # the CSRF check runs in _submit, after our upload handler is installed
@require_http_methods(["GET", "POST"])
def report_form(request: HttpRequest) -> HttpResponse:
    """The report form. Whatever refuses a POST (the budget, CSRF, the form, a size limit, changed
    recipients, a client gone mid-upload, an error), every blob it streamed is removed before the
    response leaves: only a response marked `intake_accepted` keeps them."""
    if request.method != "POST":
        return _page(request, "form.html", {"form": ReportForm(), "config": intake_config()})
    wait = services.budget_room(incoming_bytes=_announced_length(request))
    if wait:
        return _busy(request, wait)  # the body is never read
    recipients = selectors.recipients_active()
    if not recipients:
        return _page(request, "unavailable.html", {}, status=503)
    handler = _streaming_handler(request, recipients)
    return _kept_only_if_accepted(request, handler, lambda: _submit(request, handler, recipients))


@csrf_protect_after_upload_handler
def _submit(request: HttpRequest, handler: EncryptingUploadHandler, recipients: list[tuple[int, str]]) -> HttpResponse:
    form = ReportForm(request.POST)
    if not form.is_valid():
        return _page(request, "form.html", {"form": form, "config": intake_config()}, status=400)
    uploads = [f.stored for f in request.FILES.getlist(ATTACHMENT_FIELD)]  # type: ignore[attr-defined]  # set by the upload handler
    country = form.cleaned_data.get("country") or ""
    receipt = crypto.receipt_generate()
    # The page is rendered before anything is stored, so a failure in it stores nothing.
    # No request context: the receipt page has no form, no user and no messages (see its template).
    page = HttpResponse(render_to_string("intake/receipt.html", {
        "receipt": receipt, "attachments": len(uploads), "quick_exit_url": intake_config().quick_exit_url,
        "resources": selectors.resources_public(country) if country else [],
    }))
    try:
        services.report_submit(answers=form.answers(), uploads=uploads, recipients=recipients, receipt=receipt)
    except services.IntakeBusyError as exc:
        return _busy(request, exc.retry_after)
    except (crypto.EncryptionError, services.ConflictError):
        return _page(request, "unavailable.html", {}, status=503)
    page.intake_accepted = True  # type: ignore[attr-defined]  # read by the intake middleware
    return page


@login_not_required
@csrf_exempt  # the CSRF check runs in _follow_up_post, after our upload handler is installed
@require_http_methods(["GET", "POST"])
def follow_up(request: HttpRequest) -> HttpResponse:
    """The reporter's page: status, the thread, what they sent, and adding messages and files.

    Files added here stream in encrypted exactly as on the form, with the same limits, and are kept
    only when the addition is accepted (the response is marked `intake_accepted`)."""
    if request.method != "POST":
        return _page(request, "follow_up.html", {"form": ReceiptForm()})
    if request.content_type == "multipart/form-data":
        wait = services.budget_room(incoming_bytes=_announced_length(request), reports=0)
        if wait:
            return _busy(request, wait)
    handler = _streaming_handler(request, selectors.recipients_active())
    return _kept_only_if_accepted(request, handler, lambda: _follow_up_post(request))


@csrf_protect_after_upload_handler
def _follow_up_post(request: HttpRequest) -> HttpResponse:
    action = request.POST.get("action")
    replying = action == "reply"
    form = (ReplyForm if replying else ReceiptForm)(request.POST)
    if not form.is_valid():
        return _page(request, "follow_up.html", {"form": ReceiptForm(request.POST)}, status=400)
    try:
        access = services.receipt_check(receipt=form.cleaned_data["receipt"])
    except services.ReceiptInvalidError:
        return _page(request, "follow_up.html", {"form": ReceiptForm(), "invalid": True}, status=403)
    report = access.report
    sent, error = False, ""
    if replying:
        uploads = [f.stored for f in request.FILES.getlist(ATTACHMENT_FIELD)]  # type: ignore[attr-defined]  # set by the upload handler
        try:
            services.reporter_add(report=report, body=form.cleaned_data["body"], uploads=uploads)
        except services.IntakeBusyError as exc:
            return _busy(request, exc.retry_after)
        except services.ConflictError:
            return _page(request, "unavailable.html", {}, status=503)
        except services.ValidationError as exc:
            error = exc.message
        else:
            sent = True
            report.refresh_from_db()
    response = _page(request, "case.html", {
        "status": REPORTER_STATUS[selectors.reporter_status(report)], "work": REPORTER_WORK.get(report.state, ""),
        "thread": selectors.thread_decrypted(report, [access.identity]), "sent": sent, "error": error,
        "copy": selectors.reporter_copy(report, access.identity, language=get_language()) if action == "sent" else None,
        "reply_form": ReplyForm(initial={"receipt": form.cleaned_data["receipt"]}), "config": intake_config(),
        "receipt": form.cleaned_data["receipt"], "created_at": report.created_at,
    }, status=400 if error else 200)
    response.intake_accepted = sent  # type: ignore[attr-defined]  # read by the intake middleware
    return response


@login_not_required
@require_http_methods(["GET"])
def help_directory(request: HttpRequest) -> HttpResponse:
    country = (request.GET.get("country") or "")[:2]
    resources = selectors.resources_public(country)
    return _page(request, "help.html", {"resources": resources, "country": country})


@login_not_required
@require_http_methods(["GET"])
def safety(request: HttpRequest) -> HttpResponse:
    return _page(request, "safety.html", {})
