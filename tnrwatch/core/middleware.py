"""Strict response headers on every response, errors and static files included."""

from __future__ import annotations

from collections.abc import Callable, MutableMapping

from django.http import HttpRequest, HttpResponse

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "img-src 'self' data:",
        "style-src 'self'",
        "script-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)

STRICT_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "geolocation=(), camera=(), microphone=(), interest-cohort=()",
}

# Paths whose pages must never be cached anywhere (reporting channel, inbox, staff pages).
NO_STORE_PREFIXES = ("/report/", "/inbox/", "/accounts/", "/workspace/", "/ingestion/", "/partners/")


class SecurityHeadersMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        for name, value in STRICT_HEADERS.items():
            response.headers.setdefault(name, value)
        if request.path.startswith(NO_STORE_PREFIXES):
            response.headers["Cache-Control"] = "no-store"
            response.headers["Pragma"] = "no-cache"
        response.headers.pop("Server", None)
        return response


def whitenoise_headers(headers: MutableMapping[str, str], path: str, url: str) -> None:
    for name, value in STRICT_HEADERS.items():
        headers[name] = value
