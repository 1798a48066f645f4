"""The public JSON API under /api/v1/, with its OpenAPI schema at /api/v1/openapi.json.

Read-only, anonymous, TLP:CLEAR records only (every read goes through `api_selectors`, which
starts from the outbound filter). Lists take `limit` (1..200, default 50) and `offset` and answer
`{count, limit, offset, next, previous, results}`. Any invalid, oversized, unknown or repeated query
parameter gets a 400 with a JSON body `{"detail": ..., "errors": [{"param": ..., "message": ...}]}`
(never a 422 or a 500), so a typo in a filter is never silently ignored.

Exports, streamed: /api/v1/export/{stations,responses,claims,sources,organizations,incidents}.csv,
/api/v1/export/{stations,responses,incidents}.geojson (each with its list's filters; none: the whole
public record) and /api/v1/export/record.geojson (see `exports.py`).

The package: this module holds the `api` object, its error handlers and every endpoint (the
OpenAPI operation ids are derived from the endpoints' module, so they stay here); `serialize`
turns the selectors' rows into the JSON shapes and pages them.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import Http404, HttpRequest, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from ninja import NinjaAPI, Path, Query
from ninja.errors import HttpError
from ninja.errors import ValidationError as NinjaValidationError
from pydantic import ValidationError as PydanticValidationError

from tnrwatch.core.errors import ApplicationError, NotFoundOrForbiddenError
from tnrwatch.ingestion import copies

from .. import api_selectors as sel
from .. import exports
from .. import schemas as s
from .serialize import (
    DETAIL_CLAIMS,
    _claim,
    _claim_ref,
    _claim_refs,
    _country,
    _incidents,
    _organization,
    _page,
    _response,
    _source,
    _station,
    _station_ref,
)

api = NinjaAPI(
    title="tnrwatch API",
    version="1",
    urls_namespace="api-1",
    description=(
        "The public record: countries, stations, organisations, government responses, incidents, "
        "claims (with their evidence) and sources. Only TLP:CLEAR records. Lists are paginated with "
        f"limit (max {s.MAX_LIMIT}) and offset. Invalid or unknown parameters get a 400."
    ),
    docs_url=None,  # the interactive docs page loads scripts from a CDN; the schema is enough
)

ERRORS = {400: s.ErrorOut, 404: s.ErrorOut}
MAX_NAMES_IN_ERROR = 10


class UnknownParameterError(ApplicationError):
    """The request has query parameters this endpoint does not know."""


# -- errors: always JSON, always 4xx for bad input ------------------------------------------------


def _error(request: HttpRequest, status: int, detail: str, errors: list[dict] | None = None) -> HttpResponse:
    return api.create_response(request, {"detail": detail, "errors": errors or []}, status=status)


@api.exception_handler(NinjaValidationError)
def _invalid_parameters(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    errors = []
    for err in exc.errors[:MAX_NAMES_IN_ERROR]:
        # loc is ("query", "<schema>", "limit") or ("path", "station_id"): keep the parameter name.
        loc = [str(part) for part in err.get("loc", ()) if part not in ("query", "path", "filters")]
        # Never echo the input back: it may be a megabyte long or hostile.
        errors.append({"param": (loc[-1] if loc else "")[:64], "message": str(err.get("msg", "invalid"))[:300]})
    names = ", ".join(e["param"] for e in errors if e["param"]) or "request"
    return _error(request, 400, f"Invalid value for: {names}", errors)


@api.exception_handler(UnknownParameterError)
def _unknown_parameters(request: HttpRequest, exc: UnknownParameterError) -> HttpResponse:
    return _error(request, 400, exc.message, cast("list[dict[str, Any]] | None", exc.extra.get("errors")))


@api.exception_handler(NotFoundOrForbiddenError)
def _not_found(request: HttpRequest, exc: NotFoundOrForbiddenError) -> HttpResponse:
    return _error(request, 404, exc.message)


@api.exception_handler(Http404)
def _http404(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, 404, "Not found.")


@api.exception_handler(HttpError)
def _http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return _error(request, exc.status_code, str(exc))


@api.exception_handler(ApplicationError)
def _application_error(request: HttpRequest, exc: ApplicationError) -> HttpResponse:
    return _error(request, 400, exc.message)


def _only_known(request: HttpRequest, schema: type[s.Schema], *, without: tuple[str, ...] = ()) -> None:
    """Refuse query parameters that are not fields of `schema` (less those `without`), and any
    parameter given twice: every filter takes one value, and silently keeping the last of
    `?country=US&country=NL` would answer a question the caller did not ask."""
    known = [name for name in schema.model_fields if name not in without]
    unknown = sorted(set(request.GET) - set(known))
    if unknown:
        shown = [name[:40] for name in unknown[:MAX_NAMES_IN_ERROR]]
        raise UnknownParameterError(
            f"Unknown query parameter(s): {', '.join(shown)}. Allowed: {', '.join(known) or 'none'}.",
            extra={"errors": [{"param": name, "message": "unknown parameter"} for name in shown]},
        )
    repeated = sorted(name for name in request.GET if len(request.GET.getlist(name)) > 1)
    if repeated:
        shown = [name[:40] for name in repeated[:MAX_NAMES_IN_ERROR]]
        raise UnknownParameterError(
            f"Query parameter(s) given more than once: {', '.join(shown)}. Give each at most once.",
            extra={"errors": [{"param": name, "message": "given more than once"} for name in shown]},
        )


def _missing(what: str) -> NotFoundOrForbiddenError:
    return NotFoundOrForbiddenError(f"No such {what}, or it is not public.")


# -- endpoints ------------------------------------------------------------------------------------


@api.get("/countries", response={200: s.page_of(s.CountryOut, "CountryPage"), **ERRORS}, tags=["countries"])
def country_list(request, filters: Query[s.CountryFilter]):
    _only_known(request, s.CountryFilter)
    qs = sel.country_list(continent=filters.continent, has_stations=filters.has_stations, q=filters.q)
    page = _page(request, qs, filters, lambda c: c)
    stats = sel.country_stats([c.pk for c in page["results"]])
    page["results"] = [_country(c, stats) for c in page["results"]]
    return page


@api.get("/countries/{iso2}", response={200: s.CountryDetailOut, **ERRORS}, tags=["countries"])
def country_detail(request, iso2: Path[s.Iso2]):
    _only_known(request, s.NoQuery)
    country = sel.country_get(iso2=iso2)
    if country is None:
        raise _missing("country")
    out = _country(country, sel.country_stats([country.pk]))
    out["stations"] = [_station_ref(st) for st in sel.station_list(country=country.iso2)]
    out["responses"] = [_response(r) for r in sel.response_list(country=country.iso2)]
    out["claims"] = _claim_refs("country", country.pk)
    return out


@api.get("/stations", response={200: s.page_of(s.StationOut, "StationPage"), **ERRORS}, tags=["stations"])
def station_list(request, filters: Query[s.StationFilter]):
    _only_known(request, s.StationFilter)
    qs = sel.station_list(country=filters.country, status=filters.status, operator=filters.operator,
                          host_organization=filters.host_organization, q=filters.q)
    return _page(request, qs, filters, _station)


@api.get("/stations/{station_id}", response={200: s.StationDetailOut, **ERRORS}, tags=["stations"])
def station_detail(request, station_id: Path[s.Id]):
    _only_known(request, s.NoQuery)
    station = sel.station_get(station_id=station_id)
    if station is None:
        raise _missing("station")
    out = _station(station)
    out["status_history"] = [{"status": c.status, "date": c.date} for c in sel.station_history(station=station)]
    out["responses"] = [_response(r) for r in sel.response_list(station=station.pk)]
    out["claims"] = _claim_refs("station", station.pk)
    return out


@api.get("/organizations", response={200: s.page_of(s.OrganizationOut, "OrganizationPage"), **ERRORS}, tags=["organizations"])
def organization_list(request, filters: Query[s.OrganizationFilter]):
    _only_known(request, s.OrganizationFilter)
    qs = sel.organization_list(kind=filters.kind, country=filters.country, q=filters.q)
    return _page(request, qs, filters, _organization)


@api.get("/organizations/{organization_id}", response={200: s.OrganizationDetailOut, **ERRORS}, tags=["organizations"])
def organization_detail(request, organization_id: Path[s.Id]):
    _only_known(request, s.NoQuery)
    org = sel.organization_get(organization_id=organization_id)
    if org is None:
        raise _missing("organisation")
    out = _organization(org)
    out["operated_stations"] = [_station_ref(st) for st in sel.station_list(operator=org.pk)]
    out["hosted_stations"] = [_station_ref(st) for st in sel.station_list(host_organization=org.pk)]
    out["claims"] = _claim_refs("organization", org.pk)
    return out


@api.get("/responses", response={200: s.page_of(s.ResponseOut, "ResponsePage"), **ERRORS}, tags=["responses"])
def response_list(request, filters: Query[s.ResponseFilter]):
    _only_known(request, s.ResponseFilter)
    qs = sel.response_list(country=filters.country, action=filters.action, year=filters.year, station=filters.station)
    return _page(request, qs, filters, _response)


@api.get("/responses/{response_id}", response={200: s.ResponseOut, **ERRORS}, tags=["responses"])
def response_detail(request, response_id: Path[s.Id]):
    _only_known(request, s.NoQuery)
    response = sel.response_get(response_id=response_id)
    if response is None:
        raise _missing("response")
    return _response(response)


@api.get("/incidents", response={200: s.page_of(s.IncidentOut, "IncidentPage"), **ERRORS}, tags=["incidents"])
def incident_list(request, filters: Query[s.IncidentFilter]):
    """Public incidents, de-identified: an incident alone in its city and month is shown at
    country and year only (`coarsened: true`), and incidents from reports are never listed."""
    _only_known(request, s.IncidentFilter)
    rows = sel.incident_list(country=filters.country, origin=filters.origin, tactic=filters.tactic,
                             year=filters.year, target_category=filters.target_category)
    page = _page(request, rows, filters, lambda row: row)
    page["results"] = _incidents(page["results"])
    return page


@api.get("/incidents/{incident_id}", response={200: s.IncidentOut, **ERRORS}, tags=["incidents"])
def incident_detail(request, incident_id: Path[s.Id]):
    _only_known(request, s.NoQuery)
    row = sel.incident_get(incident_id=incident_id)
    if row is None:
        raise _missing("incident")
    return _incidents([row])[0]


@api.get("/claims", response={200: s.page_of(s.ClaimOut, "ClaimPage"), **ERRORS}, tags=["claims"])
def claim_list(request, filters: Query[s.ClaimFilter]):
    _only_known(request, s.ClaimFilter)
    qs = sel.claim_list(subject_type=filters.subject_type, subject_id=filters.subject_id, status=filters.status,
                        prop=filters.prop, source=filters.source)
    return _page(request, qs, filters, _claim)


@api.get("/claims/{claim_id}", response={200: s.ClaimOut, **ERRORS}, tags=["claims"])
def claim_detail(request, claim_id: Path[s.Id]):
    _only_known(request, s.NoQuery)
    claim = sel.claim_get(claim_id=claim_id)
    if claim is None:
        raise _missing("claim")
    return _claim(claim)


@api.get("/sources", response={200: s.page_of(s.SourceOut, "SourcePage"), **ERRORS}, tags=["sources"])
def source_list(request, filters: Query[s.SourceFilter]):
    _only_known(request, s.SourceFilter)
    qs = sel.source_list(q=filters.q, kind=filters.kind, language=filters.language)
    return _page(request, qs, filters, _source)


@api.get("/sources/{source_id}", response={200: s.SourceDetailOut, **ERRORS}, tags=["sources"])
def source_detail(request, source_id: Path[s.Id]):
    _only_known(request, s.NoQuery)
    source = sel.source_get(source_id=source_id)
    if source is None:
        raise _missing("source")
    out = _source(source)
    copy = copies.copy_of(source)
    readable = copy is not None and source.republish_allowed
    out.update(captured=copy is not None,
               text_url=request.build_absolute_uri(reverse("atlas:source_text", args=[source.pk])) if readable else None,
               copy_url=request.build_absolute_uri(reverse("atlas:source_copy", args=[source.pk])) if readable else None)
    evidence = sel.source_evidence(source=source)
    out["claims_count"] = evidence.count()
    out["claims"] = [
        {"claim": _claim_ref(ev.claim), "subject_type": ev.claim.subject_type, "subject_id": ev.claim.subject_id,
         "stance": ev.stance, "quote": ev.quote, "location": ev.location}
        for ev in evidence[:DETAIL_CLAIMS]
    ]
    return out


@api.get("/map", response={200: s.MapOut, **ERRORS}, tags=["map"])
def map_data(request):
    """GeoJSON FeatureCollection for the world map: one Point per public station (at its city, or
    at the country's centroid when the city is unknown, with `located: "country"`), and one Point
    per country with stations or responses, carrying its strongest response and counts.
    Sends an ETag; a request with a matching If-None-Match gets 304."""
    _only_known(request, s.NoQuery)
    # Encoded directly: the shape is built by one function and pinned by the contract tests, and
    # validating thousands of features through pydantic on every request tripled its cost.
    body, etag = exports.map_json()
    if request.headers.get("If-None-Match") == f'"{etag}"':
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(body, content_type="application/json")
    response["ETag"] = f'"{etag}"'
    return response


# -- exports (streamed) ---------------------------------------------------------------------------


# Each export takes the filters of its kind's list endpoint (without limit and offset), so a list
# page's download links export exactly the list on screen, every page of it.
EXPORT_FILTERS: dict[str, type[s.PageQuery]] = {
    "stations": s.StationFilter, "responses": s.ResponseFilter, "claims": s.ClaimFilter, "sources": s.SourceFilter,
    "organizations": s.OrganizationFilter, "incidents": s.IncidentFilter,
}
PAGING = ("limit", "offset")


def _export_filters(request: HttpRequest, kind: str) -> dict:
    """The request's filters for an export of `kind`, validated as its list endpoint validates them
    (unknown or invalid parameters get the same 400); {} for none."""
    schema = EXPORT_FILTERS[kind]
    _only_known(request, schema, without=PAGING)
    try:
        parsed = schema.model_validate({name: request.GET[name] for name in request.GET})
    except PydanticValidationError as exc:
        raise NinjaValidationError(cast("list[dict[str, Any]]", exc.errors(include_input=False))) from exc
    return parsed.model_dump(exclude=set(PAGING), exclude_none=True)


@api.get("/export/{kind}.csv", tags=["export"], response={200: None, **ERRORS},
         summary="CSV export of the public record, or of a filtered list (streamed)",
         description="Takes the filters of the kind's list endpoint (e.g. /export/stations.csv?country=NL), "
                     "without limit and offset: every matching record. Without filters, the whole public record.")
def export_csv(request, kind: Path[exports.CsvKind]):
    filters = _export_filters(request, kind)
    response = StreamingHttpResponse(exports.csv_stream(kind, filters), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="tnrwatch-{kind}.csv"'
    return response


@api.get("/export/record.geojson", tags=["export"], response={200: None, **ERRORS},
         summary="GeoJSON export of stations, responses and incidents (streamed)")
def export_geojson(request):
    _only_known(request, s.ExportQuery)
    response = StreamingHttpResponse(exports.geojson_stream(), content_type="application/geo+json")
    response["Content-Disposition"] = 'attachment; filename="tnrwatch-record.geojson"'
    return response


@api.get("/export/{kind}.geojson", tags=["export"], response={200: None, **ERRORS},
         summary="GeoJSON export of the stations, responses or incidents of a filtered list (streamed)",
         description="Takes the filters of the kind's list endpoint, without limit and offset.")
def export_geojson_kind(request, kind: Path[exports.GeoKind]):
    filters = _export_filters(request, kind)
    response = StreamingHttpResponse(exports.geojson_stream(kind, filters), content_type="application/geo+json")
    response["Content-Disposition"] = f'attachment; filename="tnrwatch-{kind}.geojson"'
    return response


# People and ties (their endpoints register on `api` when imported).
from . import people as _people  # noqa: E402, F401
