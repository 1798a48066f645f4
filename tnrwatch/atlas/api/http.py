"""HTTP behaviour of the public JSON API (`/api/v1/`), for browsers and caches.

- CORS: every answer carries `Access-Control-Allow-Origin: *` (read-only public data; no
  credentials are ever allowed, so no cookie or session rides along), and a preflight `OPTIONS`
  is answered for GET and HEAD only.
- Conditional GET: every list and detail answer carries a strong `ETag` (SHA-256 of its body) and a
  `Last-Modified` (when this server first gave that body: the record's own timestamps are not
  used, since the newest change of any record would tell the public when hidden records changed);
  `If-None-Match` / `If-Modified-Since` give 304. Streamed exports carry neither.
- HEAD: answered as the GET would be, without the body.
- GeoJSON: `/map` is `application/geo+json` (RFC 7946).
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable

from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils.cache import get_conditional_response
from django.utils.http import http_date

PREFIX = "/api/v1/"
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Expose-Headers": "ETag, Last-Modified"}
GEOJSON_PATHS = ("/api/v1/map",)


def _last_modified(etag: str) -> float:
    """When this server first gave the body with `etag` (kept in the cache for a month)."""
    key = f"api-first-seen:{etag}"
    first = cache.get(key)
    if first is None:
        first = int(time.time())
        cache.add(key, first, timeout=30 * 86400)
        first = cache.get(key, first)
    return float(first)


class PublicApiHttpMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        if request.method == "OPTIONS":
            response = HttpResponse(status=204)
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Accept, If-None-Match, If-Modified-Since"
            response["Access-Control-Max-Age"] = "86400"
            response["Allow"] = "GET, HEAD, OPTIONS"
            return self._cors(response)
        head = request.method == "HEAD"
        if head:
            request.method = "GET"  # the API's routes are GETs; the body is dropped below
        response = self.get_response(request)
        if head:
            request.method = "HEAD"
        if request.method in ("GET", "HEAD") and response.status_code == 200 and not response.streaming:
            if request.path.rstrip("/") in GEOJSON_PATHS:
                response["Content-Type"] = "application/geo+json"
            if not response.has_header("ETag"):
                response["ETag"] = f'"{hashlib.sha256(response.content).hexdigest()}"'
            last = _last_modified(response["ETag"])
            response["Last-Modified"] = http_date(last)
            conditional = get_conditional_response(request, etag=response["ETag"], last_modified=int(last),
                                                   response=response)
            if conditional is not None and conditional is not response:
                conditional["ETag"], conditional["Last-Modified"] = response["ETag"], response["Last-Modified"]
                response = conditional
        elif response.status_code == 304 and not response.has_header("Last-Modified") and response.has_header("ETag"):
            response["Last-Modified"] = http_date(_last_modified(response["ETag"]))
        if response.has_header("ETag") and not response.has_header("Cache-Control"):
            # Keep, but revalidate every time: without this a browser reuses a body heuristically
            # (from Last-Modified) and a record that left the public record stays on screen.
            response["Cache-Control"] = "no-cache"
        if head and not response.streaming:
            length = len(response.content)
            response.content = b""
            response["Content-Length"] = str(length)
        return self._cors(response)

    @staticmethod
    def _cors(response: HttpResponse) -> HttpResponse:
        for key, value in CORS.items():
            response[key] = value
        response.headers.pop("Access-Control-Allow-Credentials", None)
        return response


__all__ = ["PublicApiHttpMiddleware"]
