"""Format contract: the public JSON shapes of every endpoint and the CSV/GeoJSON export headers.

Clients (newsrooms' scripts, partner dashboards) depend on these. A failing test here means a
breaking change: add fields freely in a new version, never rename or drop them in /api/v1/.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tnrwatch.atlas.tests.test_api import anon, api_record  # noqa: F401 - fixtures

API = "/api/v1"
PAGE = {"count", "limit", "offset", "next", "previous", "results"}
COUNTRY_REF = {"iso2", "name_en"}
PLACE = {"name_en", "name_zh", "latitude", "longitude"}
STATION_REF = {"id", "name_en", "name_zh", "status", "country"}
CLAIM_REF = {"id", "prop", "value", "status"}
COUNTRY = {"iso2", "iso3", "name_en", "name_zh_hans", "name_zh_hant", "continent", "latitude", "longitude",
           "stations_count", "responses_count", "strongest_response"}
STATION = {"id", "name_en", "name_zh", "status", "country", "place", "operator", "host_organization",
           "first_reported", "description", "updated_at"}
ORGANIZATION = {"id", "kind", "name_en", "name_zh", "country", "region", "description", "updated_at"}
RESPONSE = {"id", "country", "action", "action_label", "body_kind", "body", "date", "date_precision", "place",
            "summary", "stations", "updated_at"}
INCIDENT = {"id", "date", "date_precision", "origin_country", "host_country", "place", "tactic", "target_category",
            "summary", "stations", "coarsened"}
EVIDENCE = {"id", "source_id", "source_title", "source_url", "quote", "stance", "location", "start", "end"}
CLAIM = {"id", "key", "subject_type", "subject_id", "prop", "value", "status", "evidence", "updated_at"}
SOURCE = {"id", "kind", "title", "publisher", "author", "url", "published", "language", "sha256", "captured_at",
          "republish_allowed", "reuse_terms"}

LIST_SHAPES = {
    "countries": COUNTRY, "stations": STATION, "organizations": ORGANIZATION, "responses": RESPONSE,
    "incidents": INCIDENT, "claims": CLAIM, "sources": SOURCE,
}


@pytest.mark.parametrize("endpoint", list(LIST_SHAPES))
def test_list_shapes(anon, api_record, endpoint):  # noqa: F811
    page = anon.get(f"{API}/{endpoint}").json()
    assert set(page) == PAGE
    assert page["results"], endpoint
    for item in page["results"]:
        assert set(item) == LIST_SHAPES[endpoint], endpoint


def test_detail_shapes(anon, api_record):  # noqa: F811
    r = api_record
    country = anon.get(f"{API}/countries/NL").json()
    assert set(country) == COUNTRY | {"stations", "responses", "claims"}
    assert set(country["stations"][0]) == STATION_REF
    assert set(country["responses"][0]) == RESPONSE

    station = anon.get(f"{API}/stations/{r.station.pk}").json()
    assert set(station) == STATION | {"status_history", "responses", "claims"}
    assert set(station["country"]) == COUNTRY_REF and set(station["place"]) == PLACE
    assert set(station["operator"]) == {"id", "kind", "name_en", "name_zh"}
    assert set(station["status_history"][0]) == {"status", "date"}
    assert set(station["claims"][0]) == CLAIM_REF

    org = anon.get(f"{API}/organizations/{r.bureau.pk}").json()
    assert set(org) == ORGANIZATION | {"operated_stations", "hosted_stations", "claims"}

    assert set(anon.get(f"{API}/responses/{r.response.pk}").json()) == RESPONSE
    assert set(anon.get(f"{API}/incidents/{r.incident.pk}").json()) == INCIDENT

    claim = anon.get(f"{API}/claims/{r.claim.pk}").json()
    assert set(claim) == CLAIM and set(claim["evidence"][0]) == EVIDENCE

    source = anon.get(f"{API}/sources/{r.source.pk}").json()
    assert set(source) == SOURCE | {"claims_count", "claims", "captured", "text_url", "copy_url"}
    assert set(source["claims"][0]) == {"claim", "subject_type", "subject_id", "stance", "quote", "location"}
    assert set(source["claims"][0]["claim"]) == CLAIM_REF


def test_error_shape(anon, db):  # noqa: F811
    body = anon.get(f"{API}/stations?limit=0").json()
    assert set(body) == {"detail", "errors"}
    assert set(body["errors"][0]) == {"param", "message"}
    assert set(anon.get(f"{API}/stations/999999").json()) == {"detail", "errors"}


def test_map_shape(anon, api_record):  # noqa: F811
    data = anon.get(f"{API}/map").json()
    assert set(data) == {"type", "features"}
    kinds = {}
    for feature in data["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        kinds[feature["properties"]["kind"]] = set(feature["properties"])
    assert kinds["station"] == {"kind", "id", "located", "name_en", "name_zh", "status", "country", "city"}
    assert kinds["country"] == {"kind", "id", "located", "iso2", "name_en", "name_zh_hans", "name_zh_hant",
                                "strongest_response", "stations_count", "responses_count"}


CSV_HEADERS = {
    "stations": "id,name_en,name_zh,status,country_iso2,country_name,city,latitude,longitude,operator_id,"
                "operator_name,host_organization_id,host_organization_name,first_reported,description,updated_at",
    "responses": "id,country_iso2,country_name,action,body_kind,body,date,date_precision,city,station_ids,summary,"
                 "updated_at",
    "claims": "claim_id,claim_key,subject_type,subject_id,prop,value,status,evidence_id,stance,source_id,"
              "source_title,source_url,quote,location,start,end",
    "sources": "id,kind,title,publisher,author,url,published,language,sha256,captured_at,republish_allowed,reuse_terms",
    "organizations": "id,kind,name_en,name_zh,country_iso2,region,description,updated_at",
    "incidents": "id,date,date_precision,origin_country_iso2,host_country_iso2,city,tactic,target_category,"
                 "station_ids,summary,coarsened",
}


def _body(response) -> str:
    return b"".join(response.streaming_content).decode("utf-8")


@pytest.mark.parametrize("kind", list(CSV_HEADERS))
def test_csv_headers(anon, api_record, kind):  # noqa: F811
    response = anon.get(f"{API}/export/{kind}.csv")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f'filename="tnrwatch-{kind}.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(_body(response))))
    assert ",".join(rows[0]) == CSV_HEADERS[kind]
    assert len(rows) > 1 and all(len(row) == len(rows[0]) for row in rows)


def test_geojson_export_shape(anon, api_record):  # noqa: F811
    response = anon.get(f"{API}/export/record.geojson")
    assert response.status_code == 200 and response.streaming
    assert response["Content-Type"] == "application/geo+json"
    data = json.loads(_body(response))
    assert data["type"] == "FeatureCollection"
    kinds = {f["properties"]["kind"] for f in data["features"]}
    assert kinds == {"station", "response", "incident"}
    for feature in data["features"]:
        assert set(feature) == {"type", "id", "geometry", "properties"}
        assert feature["id"] == f"{feature['properties']['kind']}/{feature['properties']['id']}"


def test_every_endpoint_and_export_is_documented(anon, db):  # noqa: F811
    from pathlib import Path

    from tnrwatch.atlas import exports

    doc = (Path(__file__).resolve().parents[3] / "docs" / "api.md").read_text()
    for path in anon.get(f"{API}/openapi.json").json()["paths"]:
        if "{kind}" in path:
            for kind in exports.CSV_COLUMNS:
                assert f"`{API}/export/{kind}.csv`" in doc, kind
        else:
            assert f"`GET {path.replace('{station_id}', '{id}').replace('{organization_id}', '{id}').replace('{response_id}', '{id}').replace('{incident_id}', '{id}').replace('{claim_id}', '{id}').replace('{source_id}', '{id}')}`" in doc or f"`{path}`" in doc, path
