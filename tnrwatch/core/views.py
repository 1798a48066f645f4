"""Error pages: plain, translated, with no request details echoed back; and `/healthz`."""

from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from .health import health_report


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(
        request, "core/error.html", {"status": status, "title": title, "message": message}, status=status
    )


@login_not_required
def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400, "Bad request", "The request could not be understood.")


@login_not_required
def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403, "Forbidden", "You are not allowed to see this page.")


@login_not_required
def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404, "Not found", "There is no page here.")


@login_not_required
def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500, "Server error", "Something went wrong on our side. Nothing you sent was lost.")


@login_not_required
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """For the proxy and monitoring: 200 when every check passes, else 503. Never cached."""
    report = health_report()
    response = JsonResponse(report, status=200 if report["ok"] else 503)
    response["Cache-Control"] = "no-store"
    return response
