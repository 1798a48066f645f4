"""The public JSON API through the real HTTP stack and the real database.

Fixture strategy: `api_record` builds, through the registry services, the smallest record that has
both sides of every visibility rule: for each kind a TLP:CLEAR record and an AMBER one, a public
station run by an AMBER operator, a public claim about an AMBER station, evidence from an AMBER
source, and an incident promoted from a report. Tests that need volume (query counts) add
records in bulk on top.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tnrwatch.atlas import api_selectors as sel
from tnrwatch.registry import services
from tnrwatch.registry.models import Claim, Evidence, GovernmentResponse, Station
from tnrwatch.sharing.outbound import PUBLIC, outbound_queryset

API = "/api/v1"


@pytest.fixture
def anon():
    return Client(HTTP_HOST="127.0.0.1")


@pytest.fixture
def api_record(db):
    nl = services.country_get("NL")
    ie = services.country_get("IE")
    cn = services.country_get("CN")
    rotterdam = services.place_get_or_create(name_en="Rotterdam", country=nl)
    source = services.source_create(title="International concern grows", publisher="RFA", url="https://example.org/a",
                                    published=dt.date(2022, 11, 2), language="en", marking="clear")
    secret_source = services.source_create(title="Internal memo", publisher="Partner", marking="amber")
    bureau = services.organization_create(kind="operating_bureau", name_en="Qingtian County Public Security Bureau",
                                          name_zh="青田县公安局", country=cn, region="Zhejiang", marking="clear")
    hidden_org = services.organization_create(kind="host_organization", name_en="Hidden Association", marking="amber")
    station = services.station_create(name_en="Rotterdam station", name_zh="鹿特丹服务站", country=nl, place=rotterdam,
                                      operator=bureau, host_organization=hidden_org,
                                      first_reported=dt.date(2018, 1, 1), marking="clear")
    ie_station = services.station_create(name_en="Dublin station", country=ie, operator=hidden_org,
                                         status="closure_ordered", marking="clear")
    amber_station = services.station_create(name_en="Secret station", country=nl, marking="amber")
    response = services.response_create(country=nl, action="closure_ordered", body="Dutch Foreign Ministry",
                                        date=dt.date(2022, 11, 1), summary="Ordered the stations closed",
                                        stations=[station, amber_station], marking="clear")
    services.response_create(country=ie, action="investigation", date=dt.date(2022, 10, 28),
                             summary="Garda inquiry", marking="clear")
    amber_response = services.response_create(country=nl, action="conviction", summary="Not public", marking="amber")
    incident = services.incident_create(date=dt.date(2022, 9, 1), date_precision="month", origin_country=cn,
                                        host_country=nl, tactic="persuaded_to_return", summary="A public incident",
                                        marking="clear")
    report_incident = services.incident_create(date=dt.date(2022, 9, 2), origin_country=cn, host_country=nl,
                                               tactic="threats", summary="From a report", marking="clear",
                                               from_report=True)
    claim = services.claim_assert(subject=station, prop="status", value="closure_ordered", source=source,
                                  quote="ordered the closure", location="paragraph 3", marking="clear")
    services.claim_assert(subject=station, prop="status", value="closure_ordered", source=secret_source,
                          quote="a secret quote", marking="clear")
    disputed = services.claim_assert(subject=station, prop="operator", value="Qingtian", source=source,
                                     quote="run by Qingtian", marking="clear")
    services.claim_assert(subject=station, prop="operator", value="Qingtian", source=source,
                          quote="denied any link", stance="refutes", marking="clear")
    hidden_subject_claim = services.claim_assert(subject=amber_station, prop="status", value="reported",
                                                 source=source, quote="a station in secret", marking="clear")
    amber_claim = services.claim_assert(subject=station, prop="address", value="Somewhere", source=source,
                                        quote="at an address", marking="amber")
    # Every public record states its fact with a public quote (the publication rule).
    ie_response = GovernmentResponse.objects.get(country=ie, action="investigation")
    fact_claims = [services.claim_assert(subject=subject, prop="recorded", value="yes", source=source,
                                         quote=f"a quote about {type(subject).__name__} {subject.pk}", marking="clear")
                   for subject in (bureau, response, incident, ie_response)]
    # The Dublin station's status is public only with a public claim behind it.
    fact_claims.append(services.claim_assert(subject=ie_station, prop="status", value="closure_ordered", source=source,
                                             quote="Dublin was told to close it", marking="clear"))
    return SimpleNamespace(**locals())


def get(client, url, **params):
    response = client.get(url, params)
    assert response.status_code != 500
    return response


# -- public, anonymous --------------------------------------------------------------------------


LIST_ENDPOINTS = ["countries", "stations", "organizations", "responses", "incidents", "claims", "sources", "map"]


@pytest.mark.parametrize("endpoint", LIST_ENDPOINTS + ["openapi.json"])
def test_anonymous_client_gets_every_endpoint_not_a_login_redirect(anon, api_record, endpoint):
    response = anon.get(f"{API}/{endpoint}")
    assert response.status_code == 200, response.content[:300]
    # GeoJSON in its own media type (RFC 7946), everything else JSON.
    expected = "application/geo+json" if endpoint == "map" else "application/json"
    assert response["Content-Type"].startswith(expected)


def test_detail_endpoints_are_public(anon, api_record):
    r = api_record
    for url in ["countries/NL", f"stations/{r.station.pk}", f"organizations/{r.bureau.pk}",
                f"responses/{r.response.pk}", f"incidents/{r.incident.pk}", f"claims/{r.claim.pk}",
                f"sources/{r.source.pk}"]:
        response = anon.get(f"{API}/{url}")
        assert response.status_code == 200, (url, response.content[:300])


def test_openapi_schema_lists_every_endpoint(anon, db):
    schema = anon.get(f"{API}/openapi.json").json()
    paths = set(schema["paths"])
    for endpoint in LIST_ENDPOINTS:
        assert f"{API}/{endpoint}" in paths
    assert f"{API}/stations/{{station_id}}" in paths
    assert f"{API}/export/{{kind}}.csv" in paths and f"{API}/export/record.geojson" in paths
    assert anon.get(f"{API}/docs").status_code == 404  # the docs page would load a CDN


# -- only public records ------------------------------------------------------------------------


def _ids(page):
    return {item["id"] for item in page["results"]}


def test_lists_hold_only_public_records(anon, api_record):
    r = api_record
    assert _ids(get(anon, f"{API}/stations").json()) == {r.station.pk, r.ie_station.pk}
    assert r.amber_response.pk not in _ids(get(anon, f"{API}/responses").json())
    assert _ids(get(anon, f"{API}/organizations").json()) == {r.bureau.pk}
    assert _ids(get(anon, f"{API}/sources").json()) == {r.source.pk}
    # The incident from a report never appears one by one in public output.
    assert _ids(get(anon, f"{API}/incidents").json()) == {r.incident.pk}
    # No AMBER claim, and no CLEAR claim about an AMBER station (it would reveal the station).
    assert _ids(get(anon, f"{API}/claims").json()) == {r.claim.pk, r.disputed.pk, *(c.pk for c in r.fact_claims)}


def test_non_public_details_are_404(anon, api_record):
    r = api_record
    for url in [f"stations/{r.amber_station.pk}", f"organizations/{r.hidden_org.pk}",
                f"responses/{r.amber_response.pk}", f"incidents/{r.report_incident.pk}",
                f"claims/{r.amber_claim.pk}", f"claims/{r.hidden_subject_claim.pk}", f"sources/{r.secret_source.pk}",
                "stations/999999", "countries/XX"]:
        response = anon.get(f"{API}/{url}")
        assert response.status_code == 404, url
        assert "not public" in response.json()["detail"] or "Not found" in response.json()["detail"]


def test_links_to_non_public_records_are_hidden(anon, api_record):
    r = api_record
    station = get(anon, f"{API}/stations/{r.station.pk}").json()
    assert station["operator"]["id"] == r.bureau.pk
    assert station["host_organization"] is None  # the AMBER host organisation stays hidden
    response = get(anon, f"{API}/responses/{r.response.pk}").json()
    assert [s["id"] for s in response["stations"]] == [r.station.pk]
    claim = get(anon, f"{API}/claims/{r.claim.pk}").json()
    assert [e["source_id"] for e in claim["evidence"]] == [r.source.pk]  # not the AMBER source's quote
    source = get(anon, f"{API}/sources/{r.source.pk}").json()
    assert {c["claim"]["id"] for c in source["claims"]} == {r.claim.pk, r.disputed.pk, *(c.pk for c in r.fact_claims)}
    country = get(anon, f"{API}/countries/NL").json()
    assert [s["id"] for s in country["stations"]] == [r.station.pk]


def test_prefetched_evidence_is_what_the_outbound_filter_allows(api_record):
    claims = list(sel.claim_list())
    prefetched = {ev.pk for claim in claims for ev in claim.evidence.all()}
    allowed = set(outbound_queryset(Evidence, PUBLIC).filter(claim__in=claims).values_list("pk", flat=True))
    assert prefetched == allowed and prefetched


def test_contested_claim_shows_both_sides(anon, api_record):
    claim = get(anon, f"{API}/claims/{api_record.disputed.pk}").json()
    assert claim["status"] == "disputed"
    assert sorted(e["stance"] for e in claim["evidence"]) == ["refutes", "supports"]


# -- filters ------------------------------------------------------------------------------------


def test_station_filters(anon, api_record):
    r = api_record
    assert _ids(get(anon, f"{API}/stations", country="nl").json()) == {r.station.pk}
    assert _ids(get(anon, f"{API}/stations", status="closure_ordered").json()) == {r.ie_station.pk}
    assert _ids(get(anon, f"{API}/stations", operator=r.bureau.pk).json()) == {r.station.pk}
    # Filtering by a non-public organisation finds nothing rather than confirming the link.
    assert _ids(get(anon, f"{API}/stations", operator=r.hidden_org.pk).json()) == set()
    assert _ids(get(anon, f"{API}/stations", q="鹿特丹").json()) == {r.station.pk}


def test_response_incident_claim_source_filters(anon, api_record):
    r = api_record
    assert _ids(get(anon, f"{API}/responses", country="NL", action="closure_ordered").json()) == {r.response.pk}
    assert _ids(get(anon, f"{API}/responses", country="IE", action="closure_ordered").json()) == set()
    assert _ids(get(anon, f"{API}/responses", year=2022, station=r.station.pk).json()) == {r.response.pk}
    assert _ids(get(anon, f"{API}/incidents", country="NL", tactic="persuaded_to_return", year=2022).json()) == {r.incident.pk}
    assert _ids(get(anon, f"{API}/incidents", year=2021).json()) == set()
    claims = get(anon, f"{API}/claims", subject_type="station", subject_id=r.station.pk, status="disputed", prop="operator").json()
    assert _ids(claims) == {r.disputed.pk}
    assert _ids(get(anon, f"{API}/claims", source=r.source.pk, prop="status", subject_id=r.station.pk).json()) == {r.claim.pk}
    assert _ids(get(anon, f"{API}/sources", q="concern").json()) == {r.source.pk}
    assert _ids(get(anon, f"{API}/sources", q="memo").json()) == set()
    countries = get(anon, f"{API}/countries", has_stations="true").json()
    assert [c["iso2"] for c in countries["results"]] == ["IE", "NL"]
    assert countries["results"][1]["strongest_response"] == "closure_ordered"


def test_pagination_count_next_previous(anon, api_record):
    page = get(anon, f"{API}/countries", limit=100, offset=0).json()
    assert page["count"] > 240 and len(page["results"]) == 100 and page["previous"] is None
    assert page["next"].endswith("limit=100&offset=100")
    second = get(anon, page["next"]).json()
    assert second["offset"] == 100 and second["previous"].endswith("offset=0")
    last = get(anon, f"{API}/countries", limit=100, offset=200).json()
    assert last["next"] is None and len(last["results"]) == page["count"] - 200


# -- the map ------------------------------------------------------------------------------------


def test_map_is_geojson_of_public_stations_and_country_responses(anon, api_record):
    r = api_record
    data = get(anon, f"{API}/map").json()
    assert data["type"] == "FeatureCollection"
    stations = {f["properties"]["id"]: f for f in data["features"] if f["properties"]["kind"] == "station"}
    assert set(stations) == {r.station.pk, r.ie_station.pk}
    rotterdam = stations[r.station.pk]
    assert rotterdam["geometry"]["type"] == "Point" and rotterdam["properties"]["located"] == "city"
    assert rotterdam["geometry"]["coordinates"] == [r.rotterdam.longitude, r.rotterdam.latitude]
    countries = {f["properties"]["iso2"]: f["properties"] for f in data["features"] if f["properties"]["kind"] == "country"}
    # The AMBER conviction does not count: the Netherlands' strongest public response is the closure order.
    assert countries["NL"]["strongest_response"] == "closure_ordered"
    assert countries["IE"]["strongest_response"] == "investigation"
    assert countries["NL"]["stations_count"] == 1


def test_map_follows_markings_at_once_despite_its_cache(anon, api_record):
    r = api_record
    first = anon.get(f"{API}/map")
    assert f"station/{r.station.pk}" in first.content.decode()
    # A station withdrawn from the public record disappears from the next map, cache or not.
    services.marking_set(actor=None, obj=r.station, marking="amber")
    assert f"station/{r.station.pk}" not in anon.get(f"{API}/map").content.decode()
    # A new CLEAR station stays off the map until a public quote backs it, then appears at once.
    new = services.station_create(name_en="Fresh station", country=r.ie, marking="clear")
    assert f"station/{new.pk}" not in anon.get(f"{API}/map").content.decode()
    services.claim_assert(subject=new, prop="location", value="IE", source=r.source, quote="a new one", marking="clear")
    assert f"station/{new.pk}" in anon.get(f"{API}/map").content.decode()


def test_map_etag_revalidation(anon, api_record):
    etag = anon.get(f"{API}/map")["ETag"]
    assert anon.get(f"{API}/map", HTTP_IF_NONE_MATCH=etag).status_code == 304
    conviction = services.response_create(country=api_record.ie, action="conviction", summary="x", marking="clear")
    assert anon.get(f"{API}/map", HTTP_IF_NONE_MATCH=etag).status_code == 304  # no public quote yet
    services.claim_assert(subject=conviction, prop="action", value="conviction", source=api_record.source,
                          quote="convicted", marking="clear")
    assert anon.get(f"{API}/map", HTTP_IF_NONE_MATCH=etag).status_code == 200


# -- no N+1 ---------------------------------------------------------------------------------------


@pytest.fixture
def many(api_record):
    """Thirty more public stations, responses, claims (with two quotes each), sources and incidents."""
    r = api_record
    for i in range(30):
        src = services.source_create(title=f"Source {i}", marking="clear")
        st = services.station_create(name_en=f"Station {i}", country=r.nl, place=r.rotterdam, operator=r.bureau,
                                     host_organization=r.hidden_org, marking="clear")
        resp = services.response_create(country=r.ie, action="monitoring", summary=f"r{i}", stations=[st, r.station],
                                        marking="clear")
        ngo = services.organization_create(kind="ngo", name_en=f"NGO {i}", country=r.nl, marking="clear")
        inc = services.incident_create(date=dt.date(2023, 1, 1), origin_country=r.cn, host_country=r.ie, tactic="threats",
                                       summary=f"i{i}", stations=[st], marking="clear")
        for subject in (resp, ngo, inc):
            services.claim_assert(subject=subject, prop="recorded", value="yes", source=src, quote=f"r{i}", marking="clear")
        services.claim_assert(subject=st, prop="name", value=f"S{i}", source=src, quote=f"q{i}", marking="clear")
        services.claim_assert(subject=st, prop="name", value=f"S{i}", source=r.source, quote=f"p{i}", marking="clear")
    return r


@pytest.mark.parametrize("endpoint", ["countries", "stations", "organizations", "responses", "incidents", "claims", "sources"])
def test_queries_per_page_do_not_grow_with_page_size(anon, many, endpoint):
    def queries(limit: int) -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = anon.get(f"{API}/{endpoint}", {"limit": limit})
        assert response.status_code == 200
        assert len(response.json()["results"]) == min(limit, response.json()["count"])
        return len(ctx.captured_queries)

    assert queries(25) == queries(2)


def test_map_queries_do_not_grow_with_stations(anon, api_record):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert anon.get(f"{API}/map").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for i in range(20):
        more = services.station_create(name_en=f"More {i}", country=api_record.ie, marking="clear")
        services.claim_assert(subject=more, prop="name", value=f"More {i}", source=api_record.source, quote=f"m{i}",
                              marking="clear")
    assert queries() == before


def test_detail_queries_do_not_grow_with_related_records(anon, api_record):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert anon.get(f"{API}/stations/{api_record.station.pk}").status_code == 200
            assert anon.get(f"{API}/countries/NL").status_code == 200
            assert anon.get(f"{API}/sources/{api_record.source.pk}").status_code == 200
        return len(ctx.captured_queries)

    before = queries()
    for i in range(10):
        services.response_create(country=api_record.nl, action="monitoring", summary=f"m{i}",
                                 stations=[api_record.station], marking="clear")
        services.claim_assert(subject=api_record.station, prop="name", value=f"n{i}", source=api_record.source,
                              quote=f"n{i}", marking="clear")
    assert queries() == before


def test_station_and_response_indexes_exist():
    # The lists filter by country and marking; the registry declares these indexes.
    assert any(ix.fields == ["country", "marking"] for ix in Station._meta.indexes)
    assert any(ix.fields[:2] == ["country", "marking"] for ix in GovernmentResponse._meta.indexes)
    assert any(ix.fields == ["subject_type", "subject_id", "prop"] for ix in Claim._meta.indexes)


def test_public_api_speaks_http_to_browsers_and_caches(anon, api_record):
    """CORS (any origin, GET/HEAD, never credentials), ETag + Last-Modified + 304 on every list and
    detail, HEAD, application/geo+json for the map, and country points for map features."""
    from tnrwatch.registry.models import Country

    nl = Country.objects.get(iso2="NL")
    assert nl.latitude is not None and nl.longitude is not None  # shipped Natural Earth label points
    paths = [f"{API}/countries", f"{API}/countries/NL", f"{API}/stations", f"{API}/organizations", f"{API}/responses",
             f"{API}/incidents", f"{API}/claims", f"{API}/sources", f"{API}/map"]
    for path in paths:
        r = anon.get(path, HTTP_ORIGIN="https://elsewhere.example")
        assert r.status_code == 200, path
        assert r["Access-Control-Allow-Origin"] == "*" and "Access-Control-Allow-Credentials" not in r
        etag, last = r["ETag"], r["Last-Modified"]
        assert anon.get(path, HTTP_IF_NONE_MATCH=etag).status_code == 304, path
        assert anon.get(path, HTTP_IF_MODIFIED_SINCE=last).status_code == 304, path
        assert anon.get(path, HTTP_IF_NONE_MATCH='"other"').status_code == 200, path
        head = anon.head(path)
        assert head.status_code == 200 and head.content == b"" and head["ETag"] == etag, path
        assert int(head["Content-Length"]) == len(r.content)
    assert anon.get(f"{API}/map")["Content-Type"] == "application/geo+json"
    preflight = anon.options(f"{API}/stations", HTTP_ORIGIN="https://elsewhere.example",
                               HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET")
    assert preflight.status_code == 204 and preflight["Access-Control-Allow-Methods"] == "GET, HEAD, OPTIONS"
    assert "Access-Control-Allow-Credentials" not in preflight
    features = anon.get(f"{API}/map").json()["features"]
    assert all(f["geometry"] is not None for f in features if f["id"].startswith("country/")), features
