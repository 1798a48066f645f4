"""The TAXII 2.1 server at /taxii2/: discovery, API root, collections, objects (GET with added_after,
limit, next and match[id]/match[type]/match[version]/match[spec_version]; POST), one object, its
versions, the manifest, status resources (kept: GET status/{id} answers after the push).

Every answer, errors included, is a TAXII resource in `application/taxii+json;version=2.1`:
401 without a valid token, 403 for a collection the partner may read but not write (and POSTs to
it), 404 for what does not exist or may not be seen, 405 (with Allow) for a wrong method, 406 for
an Accept the server cannot answer (a TAXII 2.0 client among them), 413, 415.

Not session-authenticated: each request carries a partner token (see `access.py`) and everything it
reads goes through the outbound filter for that partner. Views are thin: parse, check access, call
a selector or service, answer in `application/taxii+json;version=2.1`.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt

from tnrwatch.accounts.access import access_collection_by_partner, access_partner_by_request
from tnrwatch.core.errors import NotFoundOrForbiddenError

from . import selectors
from .models import Collection, PartnerGrant, TaxiiStatus
from .services import (
    StixImportError,
    bundle_objects,
    partner_source,
    share_log_write,
    stix_import,
    taxii_listed_remember,
    taxii_status_record,
)

TAXII = "application/taxii+json;version=2.1"
STIX_MEDIA = "application/stix+json;version=2.1"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000


def taxii_response(data: dict, status: int = 200, headers: dict | None = None) -> HttpResponse:
    response = HttpResponse(json.dumps(data, ensure_ascii=False), status=status, content_type=TAXII)
    for key, value in (headers or {}).items():
        response[key] = value
    return response


def taxii_error(status: int, title: str, description: str = "") -> HttpResponse:
    response = taxii_response({"title": title, "description": description, "http_status": str(status)}, status)
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="taxii", Basic realm="taxii"'
    return response


def _accepts_taxii(request: HttpRequest) -> bool:
    """Whether the Accept header admits TAXII 2.1: `application/taxii+json` without a version or
    with version=2.1, or a wildcard; a TAXII 2.0 client (version=2.0) is answered 406."""
    accept = request.META.get("HTTP_ACCEPT", "")
    if not accept.strip():
        return True
    for part in accept.split(","):
        media, *params = [x.strip() for x in part.split(";")]
        media = media.lower()
        version = next((p.split("=", 1)[1].strip() for p in params if p.lower().startswith("version=")), None)
        if media in ("application/taxii+json", "application/json") and version in (None, "2.1"):
            return True
        if media in ("*/*", "application/*"):
            return True
    return False


class ForbiddenError(Exception):
    """The partner may see this resource but not do this to it (a POST to a read-only collection)."""


def taxii_view(methods: list[str]):
    """Public (no session), token-checked by the view, CSRF-exempt only for POSTs of TAXII clients."""
    allowed = sorted(set(methods) | ({"HEAD"} if "GET" in methods else set()))

    def decorator(view):
        def wrapped(request: HttpRequest, *args, **kwargs):
            if request.method not in allowed:
                response = taxii_error(405, "Method not allowed", f"Use {', '.join(allowed)}.")
                response["Allow"] = ", ".join(allowed)
                return response
            if not _accepts_taxii(request):
                return taxii_error(406, "Not acceptable", f"This server speaks {TAXII}.")
            try:
                return view(request, *args, **kwargs)
            except NotFoundOrForbiddenError:
                return taxii_error(404, "Not found", "No such resource, or you may not see it.")
            except ForbiddenError as exc:
                return taxii_error(403, "Forbidden", str(exc))
            except ValueError as exc:
                return taxii_error(400, "Bad request", str(exc)[:300])

        wrapped.__name__ = view.__name__
        wrapped.__doc__ = view.__doc__
        inner = wrapped
        if "POST" in methods:
            inner = csrf_exempt(inner)
        return login_not_required(inner)

    return decorator


def _api_root_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sharing:taxii-api-root"))


@taxii_view(["GET"])
def discovery(request: HttpRequest) -> HttpResponse:
    root = _api_root_url(request)
    return taxii_response({"title": "tnrwatch TAXII 2.1", "description": "Overseas police stations, government responses and incidents of transnational repression, shared under TLP 2.0.",
                           "default": root, "api_roots": [root]})


def _partner_or_401(request: HttpRequest):
    partner = access_partner_by_request(request)
    return partner


@taxii_view(["GET"])
def api_root(request: HttpRequest) -> HttpResponse:
    if _partner_or_401(request) is None:
        return taxii_error(401, "Unauthorized", "Send your partner token.")
    return taxii_response({"title": "tnrwatch", "versions": [TAXII], "max_content_length": settings.DATA_UPLOAD_MAX_MEMORY_SIZE})


def _collection_resource(collection: Collection, grant: PartnerGrant) -> dict:
    return {"id": str(collection.id), "title": collection.title, "description": collection.description,
            "can_read": grant.can_read, "can_write": grant.can_write, "media_types": [STIX_MEDIA]}


@taxii_view(["GET"])
def collections(request: HttpRequest) -> HttpResponse:
    partner = _partner_or_401(request)
    if partner is None:
        return taxii_error(401, "Unauthorized", "Send your partner token.")
    grants = PartnerGrant.objects.filter(partner=partner).select_related("collection").order_by("collection__slug")
    return taxii_response({"collections": [_collection_resource(g.collection, g) for g in grants]})


@taxii_view(["GET"])
def collection(request: HttpRequest, collection_id: str) -> HttpResponse:
    partner = _partner_or_401(request)
    if partner is None:
        return taxii_error(401, "Unauthorized", "Send your partner token.")
    coll, grant = access_collection_by_partner(partner, collection_id)
    if not grant.can_read:
        coll, grant = access_collection_by_partner(partner, collection_id, write=True)
    return taxii_response(_collection_resource(coll, grant))


def _limit(request: HttpRequest) -> int:
    raw = request.GET.get("limit", "")
    if not raw:
        return DEFAULT_LIMIT
    if not raw.isdigit() or int(raw) < 1:
        raise ValueError("limit must be a positive integer")
    return min(int(raw), MAX_LIMIT)


def _csv(request: HttpRequest, name: str) -> frozenset[str] | None:
    values = frozenset(x.strip() for x in request.GET.get(name, "").split(",") if x.strip())
    return values or None


def _filters(request: HttpRequest, *, ids: bool = True) -> tuple[datetime | None, selectors.TaxiiFilters]:
    """added_after and the match[...] filters of a request (ValueError on a malformed one)."""
    added_after = request.GET.get("added_after")
    versions = _csv(request, "match[version]")
    wanted_versions = None
    if versions and not versions & {"all", "first", "last"}:
        wanted_versions = frozenset(selectors.parse_taxii_timestamp(x) for x in versions)
    filters = selectors.TaxiiFilters(ids=_csv(request, "match[id]") if ids else None, types=_csv(request, "match[type]") if ids else None,
                                     versions=wanted_versions, spec_versions=_csv(request, "match[spec_version]"))
    return (selectors.parse_taxii_timestamp(added_after) if added_after else None), filters


def _page(request: HttpRequest, collection_id: str):
    partner = _partner_or_401(request)
    if partner is None:
        return None, None, None
    coll, _grant = access_collection_by_partner(partner, collection_id)
    audience = selectors.partner_audience(partner)
    ctx = selectors.ExportContext(audience)
    try:
        added_after, filters = _filters(request)
        page = selectors.taxii_page(ctx, selectors.collection_kinds(coll), limit=_limit(request),
                                    next_token=request.GET.get("next") or None, added_after=added_after, filters=filters)
    except (ValueError, TypeError, json.JSONDecodeError) as exc:
        raise ValueError("Bad next, added_after, limit or match[...] filter.") from exc
    taxii_listed_remember(page.carriers)
    return partner, audience, page


def _range_headers(page_or_found) -> dict:
    objs = page_or_found.objects if hasattr(page_or_found, "objects") else page_or_found
    if not objs:
        return {}
    return {"X-TAXII-Date-Added-First": selectors.taxii_timestamp(objs[0][0]),
            "X-TAXII-Date-Added-Last": selectors.taxii_timestamp(objs[-1][0])}


@taxii_view(["GET", "POST"])
def objects(request: HttpRequest, collection_id: str) -> HttpResponse:
    if request.method == "POST":
        return _add_objects(request, collection_id)
    partner, audience, page = _page(request, collection_id)
    if partner is None:
        return taxii_error(401, "Unauthorized", "Send your partner token.")
    envelope: dict = {"more": page.more, "objects": [obj for _t, obj in page.objects]}
    if page.next:
        envelope["next"] = page.next
    share_log_write(partner=partner, audience=audience, channel="taxii", stix_ids=[o["id"] for _t, o in page.objects])
    return taxii_response(envelope, headers=_range_headers(page))


@taxii_view(["GET"])
def manifest(request: HttpRequest, collection_id: str) -> HttpResponse:
    partner, _audience, page = _page(request, collection_id)
    if partner is None:
        return taxii_error(401, "Unauthorized", "Send your partner token.")
    entries = [{"id": o["id"], "date_added": selectors.taxii_timestamp(t), "version": selectors.object_version(o),
                "media_type": STIX_MEDIA} for t, o in page.objects]
    body: dict = {"more": page.more, "objects": entries}
    if page.next:
        body["next"] = page.next
    return taxii_response(body, headers=_range_headers(page))


def _one_object(request: HttpRequest, collection_id: str, object_id: str):
    partner = _partner_or_401(request)
    if partner is None:
        return None, []
    coll, _grant = access_collection_by_partner(partner, collection_id)
    if len(object_id) > 120 or "--" not in object_id:
        raise NotFoundOrForbiddenError()
    ctx = selectors.ExportContext(selectors.partner_audience(partner))
    found = selectors.find_object_units(ctx, selectors.collection_kinds(coll), object_id)
    if not found:
        raise NotFoundOrForbiddenError()
    try:
        added_after, filters = _filters(request, ids=False)
        _limit(request)
    except (ValueError, TypeError) as exc:
        raise ValueError("Bad added_after, limit or match[...] filter.") from exc
    # One version of each object is held: the filters either keep it or leave nothing (then 404).
    found = [(t, o) for t, o in found if filters.matches(o) and (added_after is None or t > added_after)]
    if not found:
        raise NotFoundOrForbiddenError()
    return partner, found


@taxii_view(["GET"])
def object_detail(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    partner, found = _one_object(request, collection_id, object_id)
    if partner is None:
        return taxii_error(401, "Unauthorized", "Send your partner token.")
    share_log_write(partner=partner, audience=selectors.partner_audience(partner), channel="taxii", stix_ids=[object_id])
    return taxii_response({"more": False, "objects": [o for _t, o in found]}, headers=_range_headers(found))


@taxii_view(["GET"])
def object_versions(request: HttpRequest, collection_id: str, object_id: str) -> HttpResponse:
    partner, found = _one_object(request, collection_id, object_id)
    if partner is None:
        return taxii_error(401, "Unauthorized", "Send your partner token.")
    return taxii_response({"more": False, "versions": [selectors.object_version(o) for _t, o in found]},
                         headers=_range_headers(found))


def _add_objects(request: HttpRequest, collection_id: str) -> HttpResponse:
    partner = _partner_or_401(request)
    if partner is None:
        return taxii_error(401, "Unauthorized", "Send your partner token.")
    grant = _grant(partner, collection_id)
    if grant is None:
        raise NotFoundOrForbiddenError()
    if not grant.can_write:
        raise ForbiddenError("This collection is read-only for you.")
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.DATA_UPLOAD_MAX_MEMORY_SIZE:
        # Refused on the header, before reading the body.
        return taxii_error(413, "Too large", f"At most {settings.DATA_UPLOAD_MAX_MEMORY_SIZE} bytes per request.")
    content_type = request.META.get("CONTENT_TYPE", "")
    media, *params = [x.strip() for x in content_type.split(";")]
    version = next((p.split("=", 1)[1].strip() for p in params if p.lower().startswith("version=")), None)
    if media.lower() not in ("application/taxii+json", "application/json") or version not in (None, "2.1"):
        return taxii_error(415, "Unsupported media type", f"Send {TAXII}.")
    requested = datetime.now(UTC)
    try:
        objs = bundle_objects(request.body)
        result = stix_import(data=objs, actor=None, actor_label=f"taxii push {partner.name}",
                             partner=partner, via_source=partner_source(partner), channel="taxii")
        skipped = {w["id"]: w["warning"] for w in result.warnings if w["id"] in result.skipped_ids}
        successes = [{"id": o["id"], "version": _version(o)} for o in objs if o["id"] not in skipped]
        failures = [{"id": o["id"], "version": _version(o), "message": skipped[o["id"]]} for o in objs if o["id"] in skipped]
    except StixImportError as exc:
        if not exc.errors:  # the envelope itself is unreadable (malformed JSON, not an envelope)
            return taxii_error(400, "Bad request", exc.message)
        successes = []
        failures = [{"id": str(e.get("id") or ""), "version": "", "message": e["error"]} for e in exc.errors]
    share_log_write(partner=partner, audience=selectors.partner_audience(partner), channel="taxii", stix_ids=[], pull=False)
    body = taxii_status_record(partner=partner, body=lambda status_id: {
        "id": status_id, "status": "complete", "request_timestamp": selectors.taxii_timestamp(requested),
        "total_count": len(successes) + len(failures), "success_count": len(successes), "successes": successes,
        "failure_count": len(failures), "failures": failures, "pending_count": 0, "pendings": []})
    return taxii_response(body, status=202)


def _version(obj: dict) -> str:
    return str(obj.get("modified") or obj.get("created") or "")


def _grant(partner, collection_id: str) -> PartnerGrant | None:
    """The partner's grant (read or write) on the collection: none means it may not know it exists."""
    return PartnerGrant.objects.filter(partner=partner, collection_id=_collection_uuid(collection_id)).first()


def _collection_uuid(value: str):
    try:
        return uuid.UUID(str(value))
    except ValueError:
        return None


@taxii_view(["GET"])
def status(request: HttpRequest, status_id: str) -> HttpResponse:
    """A push's status resource, to the partner that pushed (pushes complete within the request)."""
    partner = _partner_or_401(request)
    if partner is None:
        return taxii_error(401, "Unauthorized", "Send your partner token.")
    found = TaxiiStatus.objects.filter(pk=_collection_uuid(status_id), partner=partner).first()
    if found is None:
        raise NotFoundOrForbiddenError()
    return taxii_response(found.data)
