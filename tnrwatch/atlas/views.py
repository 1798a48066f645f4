"""The public atlas pages. Thin: parse and check the input, call selectors, render.

Every view here is public (`public_page`), shows only TLP:CLEAR records (the selectors see to
that), and answers bad input with a 400 or 404 page that says what was wrong, never a 500.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.decorators import login_not_required
from django.core.paginator import EmptyPage, Paginator
from django.http import HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_safe
from django.views.i18n import set_language as django_set_language

from tnrwatch.core.errors import NotFoundOrForbiddenError, ValidationError
from tnrwatch.ingestion import copies
from tnrwatch.registry import vocabulary as v

from . import public_cache, selectors
from .map import REGIONS, CountryShape, Marker, country_point, render_svg
from .timeline import render_timeline, years_filled


def public_entity_network(request: HttpRequest, kind: str, pk: int) -> dict:
    from tnrwatch.network.views import public_entity_network as network

    return network(request, kind, pk)


R = TypeVar("R", bound=HttpResponseBase)

MAX_PARAM_LENGTH = 64
PAGE_SIZE = 50
RESPONSES_PER_PAGE = 10  # on the country page, paged
CLAIMS_PER_ITEM = 1  # claims shown per response on the country page; the response's own page has them all
CLAIMS_PER_PAGE = 25
COUNTRY_CLAIMS_SHOWN = 5  # on the country page; all of them on /countries/<iso2>/claims/


def _error(request: HttpRequest, status: int, title: str, message: str) -> HttpResponse:
    return render(request, "core/error.html", {"status": status, "title": title, "message": message}, status=status)


def public_page(view: Callable) -> Callable:
    """Public (no login), GET/HEAD only, and application errors become 400/404 pages."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        try:
            return view(request, *args, **kwargs)
        except ValidationError as exc:
            return _error(request, 400, _("Bad request"), exc.message)
        except NotFoundOrForbiddenError as exc:
            return _error(request, 404, _("Not found"), exc.message)

    return login_not_required(require_safe(wrapper))


def _param(request: HttpRequest, name: str, max_length: int = MAX_PARAM_LENGTH) -> str:
    """A single query parameter, stripped; refuses NUL bytes and oversized values."""
    value = request.GET.get(name, "")
    if len(value) > max_length:
        raise ValidationError(_("The parameter “%(name)s” is too long (at most %(max)d characters).") % {"name": name, "max": max_length})
    if "\x00" in value or any(ord(ch) < 32 and ch not in "\t\n\r" for ch in value):
        raise ValidationError(_("The parameter “%(name)s” contains control characters.") % {"name": name})
    return value.strip()


def _page_number(request: HttpRequest) -> int:
    raw = _param(request, "page", 9) or "1"
    if not raw.isdigit() or int(raw) < 1:
        raise ValidationError(_("The page number must be a positive whole number."))
    return int(raw)


def _page(request: HttpRequest, items, per_page: int = PAGE_SIZE):  # noqa: ANN001 - a queryset or list
    number = _page_number(request)
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(number)
    except EmptyPage as exc:
        raise NotFoundOrForbiddenError(_("There is no page %(page)s.") % {"page": number}) from exc


def _country_filter(request: HttpRequest):
    code = _param(request, "country", 2)
    if not code:
        return None
    try:
        return selectors.country_get(code)
    except NotFoundOrForbiddenError as exc:
        raise ValidationError(_("Unknown country code; use an ISO 3166-1 alpha-2 code such as NL.")) from exc


def _choice_filter(request: HttpRequest, name: str, vocabulary: dict[str, str]) -> str | None:
    value = _param(request, name)
    if value and value not in vocabulary:
        raise ValidationError(_("Unknown value for “%(name)s”.") % {"name": name})
    return value or None


def _querystring(**params: str | None) -> str:
    from urllib.parse import urlencode

    kept = {k: val for k, val in params.items() if val}
    return urlencode(kept)


# --- home -------------------------------------------------------------------------------------


def _url_pattern(name: str, placeholder: int | str) -> Callable[[int | str], str]:
    """reverse(name, args=[value]) for many values at the cost of one reverse(): the URL is
    reversed once with a placeholder that cannot occur elsewhere in it, then filled in."""
    head, sep, tail = reverse(name, args=[placeholder]).rpartition(f"/{placeholder}/")
    if not sep:  # the URL has an unexpected shape: fall back to reversing every time
        return lambda value: reverse(name, args=[value])
    return lambda value: f"{head}/{value}/{tail}"


@public_page
def home(request: HttpRequest) -> HttpResponse:
    region = _param(request, "region", 20) or "world"
    if region not in REGIONS:
        raise ValidationError(_("Unknown region; choose one of the map's region links."))
    as_of = _as_of(request)
    # Computed once: the map, the overall timeline and the counts are kept under it (each is a
    # pass of the publication rule over every public station or response otherwise).
    fingerprint = public_cache.fingerprint()
    svg, shaded = _home_map(request.LANGUAGE_CODE, region, as_of, fingerprint)
    labels = _response_labels()
    undated = public_cache.under_fingerprint("atlas:undated", selectors.undated_for_map, fingerprint) if as_of else None
    return render(request, "atlas/home.html", {
        "svg": svg, "legend": [(slug, labels[slug]) for slug in v.RESPONSE_ACTIONS], "shaded": shaded,
        "region": region, "regions": [(slug, REGION_NAMES[slug]) for slug in REGIONS],
        "as_of": as_of, "undated": undated, "figures": selectors.headline_figures(),
        "counts": public_cache.under_fingerprint(
            "atlas:counts", lambda: {**selectors.entity_counts(), "sources": selectors.source_count()}, fingerprint),
        **_timeline(None, fingerprint),
    })


def _as_of(request: HttpRequest) -> date | None:
    """The map's "as of" day (?as_of=YYYY-MM-DD), or None for the record as it stands."""
    raw = _param(request, "as_of", 10)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError as exc:
        raise ValidationError(_("The date “as of” must be a day written YYYY-MM-DD, e.g. 2023-01-31.")) from exc


def _timeline(country, fingerprint: str | None = None) -> dict:  # noqa: ANN001 - a Country or None
    """The responses-per-year chart and its table, for the home page (None) or a country page.
    With the public map's fingerprint (the home page), the counts are kept under it."""
    if fingerprint is not None:
        years, undated = public_cache.under_fingerprint(f"atlas:timeline:{country.pk if country else ''}",
                                                        lambda: selectors.response_years(country), fingerprint)
    else:
        years, undated = selectors.response_years(country)
    return {"timeline_svg": render_timeline(years, label=_("Government responses per year")),
            "timeline_years": years_filled(years), "timeline_undated": undated}


def _response_labels() -> dict[str, str]:
    return {slug: str(label) for slug, label in selectors.GovernmentResponse._meta.get_field("action").flatchoices}


# The map's region views (map.REGIONS), named for the links above the map.
REGION_NAMES = {"world": _lazy("World"), "europe": _lazy("Europe"), "americas": _lazy("The Americas"),
                "asia-pacific": _lazy("Asia–Pacific"), "africa": _lazy("Africa")}


def _home_map(language: str, region: str = "world", as_of: date | None = None,
              fingerprint: str | None = None) -> tuple[str, list]:
    """The home page's SVG map and its table of shaded countries, cached per language under the
    public map's fingerprint (as the map data of the API is, see `exports.map_json`). Building it
    is linear in the public stations."""
    return public_cache.under_fingerprint(f"atlas:home:map:{language}:{region}:{as_of or ''}",
                                          lambda: _home_map_build(language, region, as_of), fingerprint)


def _home_map_build(language: str, region: str = "world", as_of: date | None = None) -> tuple[str, list]:
    strongest = selectors.strongest_responses(as_of)
    countries = selectors.countries_by_iso2()
    labels = _response_labels()
    # One reverse() per kind, not per country or station: the map holds every public station.
    station_url = _url_pattern("atlas:station", 0)
    country_url = _url_pattern("atlas:country", "zz")
    shapes: dict[str, CountryShape] = {}
    for iso2, country in countries.items():
        action = strongest.get(iso2, "")
        title = country.name_for(language)
        if action:
            title = f"{title}: {labels.get(action, action)}"
        shapes[iso2] = CountryShape(iso2=iso2, title=title, shade=action,
                                    href=country_url(iso2.lower()))
    # Stations at the same spot share one marker: count them, keep the first and the last row
    # (the marker's text and link are made once per marker, not once per station).
    spots: dict[tuple[float, float], list] = {}
    for row in selectors.station_points(as_of):
        pk, name, iso2, place, lat, lon = row
        if lat is None or lon is None:
            point = country_point(iso2)
            if point is None:
                continue
            lon, lat = point
        key = (round(lon, 2), round(lat, 2))
        spot = spots.get(key)
        if spot is None:
            spots[key] = [lon, lat, row, row, 1]
        else:
            spot[3] = row
            spot[4] += 1
    several = _("%(count)d stations: %(place)s")
    markers: list[Marker] = []
    for lon, lat, first, last, count in spots.values():
        if count == 1:
            markers.append(Marker(lon=lon, lat=lat, title=first[1], href=station_url(first[0])))
            continue
        _pk, _name, iso2, place, _lat, _lon = last
        title = several % {"count": count, "place": place or countries[iso2].name_for(language)}
        markers.append(Marker(lon=lon, lat=lat, title=title, href=country_url(iso2.lower()) + "#stations", count=count))
    # A region view labels the countries with a public record (those with a response or a station).
    on_record = set(strongest) | {row[2] for _lon, _lat, row, _last, _n in spots.values()}
    names = {iso2: countries[iso2].name_for(language) for iso2 in on_record if iso2 in countries} if region != "world" else None
    svg = render_svg(shapes=shapes, markers=markers, region=region, names=names,
                     label=_("World map: countries shaded by their strongest public response, with station markers")
                     if region == "world" else _("Map of %(region)s: countries shaded by their strongest public response, with station markers")
                     % {"region": REGION_NAMES[region]})
    shaded = sorted(
        ((countries[iso2], action, labels.get(action, action)) for iso2, action in strongest.items() if iso2 in countries),
        key=lambda t: (-v.RESPONSE_STRENGTH[t[1]], t[0].name_en),
    )
    return svg, shaded


# --- countries and entities -------------------------------------------------------------------


@public_page
def country(request: HttpRequest, iso2: str) -> HttpResponse:
    c = selectors.country_get(iso2)
    # The page's parts are kept under the public record's version (the responses per page of the
    # list): each is a pass of the publication rule over the country's claims otherwise.
    fingerprint = public_cache.fingerprint()
    page = _page(request, selectors.country_responses(c), RESPONSES_PER_PAGE)
    responses = public_cache.under_fingerprint(
        f"atlas:country:{c.pk}:responses:{page.number}",
        lambda: selectors.with_claims(page.object_list, "response", per_subject=CLAIMS_PER_ITEM), fingerprint)
    record = public_cache.under_fingerprint(f"atlas:country:{c.pk}", lambda: _country_record(c), fingerprint)
    return render(request, "atlas/country.html", {
        "country": c, "country_name": c.name_for(request.LANGUAGE_CODE), "page": page, "responses": responses,
        "sources": selectors.sources_cited(record["country_claims"], *(r.claims for r in responses)),
        "strongest_label": dict(selectors.GovernmentResponse._meta.get_field("action").flatchoices).get(record["strongest"] or "", ""),
        **record, **_timeline(c, fingerprint),
    })


def _country_record(c) -> dict:  # noqa: ANN001 - a Country
    """What the country page shows beside its list of responses."""
    strongest, strongest_responses = selectors.country_strongest(c)
    stations, station_total = selectors.country_stations(c)
    incidents, incident_total = selectors.country_incidents(c)
    country_claims, country_claim_total = selectors.country_claims(c, COUNTRY_CLAIMS_SHOWN)
    return {"stations": stations, "station_total": station_total, "incidents": incidents, "incident_total": incident_total,
            "strongest": strongest, "strongest_responses": strongest_responses, "country_claims": country_claims,
            "more_country_claims": country_claim_total - len(country_claims)}


@public_page
def country_sources(request: HttpRequest, iso2: str) -> HttpResponse:
    c = selectors.country_get(iso2)
    page = _page(request, selectors.country_source_list(c))
    return render(request, "atlas/country_sources.html", {
        "country": c, "country_name": c.name_for(request.LANGUAGE_CODE), "page": page,
    })


@public_page
def country_claims(request: HttpRequest, iso2: str) -> HttpResponse:
    c = selectors.country_get(iso2)
    page = _page(request, selectors.subject_claims("country", c.pk), CLAIMS_PER_PAGE)
    return render(request, "atlas/country_claims.html", {
        "country": c, "country_name": c.name_for(request.LANGUAGE_CODE), "page": page,
    })


@public_page
def station(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.station_get(pk)
    s = record.station
    claims = _page(request, selectors.subject_claims("station", s.pk), CLAIMS_PER_PAGE)
    return render(request, "atlas/station.html", {
        "station": s, "record": record, "country_name": s.country.name_for(request.LANGUAGE_CODE), "page": claims,
        "replies": _replies_beside(claims, "station", s.pk), **public_entity_network(request, "station", s.pk),
    })


@public_page
def organization(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.organization_get(pk)
    org = record.organization
    claims = _page(request, selectors.subject_claims("organization", org.pk), CLAIMS_PER_PAGE)
    return render(request, "atlas/organization.html", {
        "org": org, "record": record, "page": claims, "replies": _replies_beside(claims, "organization", org.pk),
        **public_entity_network(request, "organization", org.pk)})


@public_page
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """A public actor, only as far as the naming standard allows; otherwise the same 404 as a
    missing record."""
    p = selectors.person_get(pk)
    claims = _page(request, selectors.subject_claims("person", p.pk), CLAIMS_PER_PAGE)
    return render(request, "atlas/person.html", {"person": p, "page": claims,
                                                 "replies": _replies_beside(claims, "person", p.pk),
                                                 **public_entity_network(request, "person", p.pk)})


def _replies_beside(page: Any, subject_type: str, pk: int) -> list[Any]:
    """Put each public reply beside the claim it answers; return those answering the whole record."""
    general, by_claim = selectors.public_replies(subject_type, pk)
    page.object_list = list(page.object_list)
    for claim in page.object_list:
        claim.public_replies = by_claim.get(claim.pk, [])
    return general


@public_page
def address(request: HttpRequest, pk: int) -> HttpResponse:
    a = selectors.address_get(pk)
    claims = _page(request, selectors.subject_claims("address", a.pk), CLAIMS_PER_PAGE)
    return render(request, "atlas/address.html", {"address": a, "page": claims,
                                                  "country_name": a.country.name_for(request.LANGUAGE_CODE),
                                                  **public_entity_network(request, "address", a.pk)})


@public_page
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.campaign_get(pk)
    claims = _page(request, selectors.subject_claims("campaign", record.pk), CLAIMS_PER_PAGE)
    return render(request, "atlas/campaign.html", {"campaign": record, "page": claims})


@public_page
def campaigns(request: HttpRequest) -> HttpResponse:
    return render(request, "atlas/campaigns.html", {"campaigns": selectors.campaign_list()})


@public_page
def response(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.response_get(pk)
    r = record.response
    claims = _page(request, selectors.subject_claims("response", r.pk), CLAIMS_PER_PAGE)
    return render(request, "atlas/response.html", {
        "response": r, "record": record, "country_name": r.country.name_for(request.LANGUAGE_CODE), "page": claims,
    })


@public_page
def source(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.source_get(pk, request.LANGUAGE_CODE)
    return render(request, "atlas/source.html", {
        "source": record.source, "record": record, "copy": copies.copy_of(record.source),
    })


def _for_reader(response: R, audience) -> R:  # noqa: ANN001 - an Audience
    """What a partner's token unlocked is never kept by a shared cache."""
    patch_vary_headers(response, ["Authorization"])
    if not audience.is_public:
        response["Cache-Control"] = "private, no-store"
    return response


@public_page
def source_text(request: HttpRequest, pk: int) -> HttpResponse:
    """The captured text, as escaped plain text: for partners granted the source, and for the
    public where the source may be republished."""
    audience = copies.reader_by_request(request)
    record = copies.access_source_copy(audience=audience, pk=pk)
    return _for_reader(render(request, "atlas/source_text.html", {
        "source": record, "copy": copies.copy_of(record), "staff": False, "partner": not audience.is_public,
    }), audience)


@public_page
def source_copy(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The evidence copy, byte for byte, as a download (same readers as the text)."""
    audience = copies.reader_by_request(request)
    copy = copies.copy_of(copies.access_source_copy(audience=audience, pk=pk))
    if copy is None:
        raise NotFoundOrForbiddenError(_("This source was not captured: this instance holds no copy of it."))
    return _for_reader(copies.copy_response(copy), audience)


@public_page
def claim(request: HttpRequest, pk: int) -> HttpResponse:
    record = selectors.claim_get(pk, request.LANGUAGE_CODE)
    return render(request, "atlas/claim.html", {"claim": record.claim, "record": record})


# --- lists ------------------------------------------------------------------------------------


@public_page
def stations(request: HttpRequest) -> HttpResponse:
    country_filter = _country_filter(request)
    status = _choice_filter(request, "status", v.STATION_STATUSES)
    page = _page(request, selectors.station_list(country=country_filter, status=status))
    return render(request, "atlas/stations.html", {
        "page": page, "country_filter": country_filter, "status": status,
        "countries": selectors.station_countries(),
        "statuses": list(selectors.Station._meta.get_field("status").flatchoices),
        "filters": _querystring(country=country_filter.iso2 if country_filter else None, status=status),
    })


@public_page
def incidents(request: HttpRequest) -> HttpResponse:
    country_filter = _country_filter(request)
    tactic = _choice_filter(request, "tactic", v.INCIDENT_TACTICS)
    # Names, labels and claims are looked up only for the rows of the requested page.
    offset = (_page_number(request) - 1) * PAGE_SIZE
    page = _page(request, selectors.incident_list(country=country_filter, tactic=tactic, offset=offset, limit=PAGE_SIZE))
    return render(request, "atlas/incidents.html", {
        "page": page, "country_filter": country_filter, "tactic": tactic,
        "totals": selectors.incident_totals(country=country_filter, tactic=tactic),
        "countries": selectors.incident_countries(),
        "tactics": list(selectors.Incident._meta.get_field("tactic").flatchoices),
        "filters": _querystring(country=country_filter.iso2 if country_filter else None, tactic=tactic),
    })


@public_page
def sources(request: HttpRequest) -> HttpResponse:
    page = _page(request, selectors.source_list())
    page.object_list = selectors.with_quote_counts(page.object_list)
    return render(request, "atlas/sources.html", {"page": page})


@public_page
def compare(request: HttpRequest) -> HttpResponse:
    # The table (one row per country, up to MARKS_PER_CELL marks per cell: some 1,800 links at a
    # million claims) is kept rendered, per language, under the public record's version.
    def table() -> str:
        labels = list(selectors.GovernmentResponse._meta.get_field("action").flatchoices)
        return render_to_string("atlas/compare_table.html", {"rows": selectors.compare_rows(), "actions": labels},
                                request)

    html = public_cache.under_fingerprint(f"atlas:compare:{request.LANGUAGE_CODE}", table)
    return render(request, "atlas/compare.html", {"table": mark_safe(html)})  # noqa: S308 - our own template's output


@public_page
def search(request: HttpRequest) -> HttpResponse:
    """Full-text search of the public record (the `search` app; only what `sharing.outbound` lets
    the public see)."""
    from tnrwatch.search.views import render_page
    from tnrwatch.sharing.outbound import PUBLIC

    return render_page(request, PUBLIC, "atlas/search.html")


# The language switch must work for visitors who are not logged in.
set_language = login_not_required(django_set_language)
