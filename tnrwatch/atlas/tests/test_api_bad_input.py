"""Every API parameter given invalid, oversized or hostile values gets a 400 with a clear JSON
message, never a 422 or a 500; unknown parameters are rejected by name.

The parameters are read from the filter schemas themselves, so a filter added later is covered
without editing this file. The test client re-raises server errors, so a 500 fails loudly.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tnrwatch.atlas import schemas as s

API = "/api/v1"
MEGABYTE = "x" * 1_000_000

LISTS = {
    "countries": s.CountryFilter,
    "stations": s.StationFilter,
    "organizations": s.OrganizationFilter,
    "responses": s.ResponseFilter,
    "incidents": s.IncidentFilter,
    "claims": s.ClaimFilter,
    "sources": s.SourceFilter,
}
FREE_FORM = {"q", "prop", "language"}  # accept short printable strings of some shape
ALWAYS_REJECTED = {"NUL byte", "NUL inside", "control character", "one megabyte"}

HOSTILE = {
    "wrong type": "abc",
    "negative": "-1",
    "zero-ish float": "0.5",
    "NUL byte": "\x00",
    "NUL inside": "NL\x00",
    "control character": "a\x1bb",
    "one megabyte": MEGABYTE,
    "huge number": "9" * 40,
    "float overflow": "1e309",
    "SQL": "' OR 1=1 --",
    "empty": "",
}


@pytest.fixture
def anon(db):
    return Client(HTTP_HOST="127.0.0.1")


def assert_clear_400(response, name: str) -> dict:
    assert response.status_code == 400, (name, response.status_code, response.content[:300])
    assert response["Content-Type"].startswith("application/json")
    body = response.json()
    assert isinstance(body["detail"], str) and body["detail"]
    assert len(response.content) < 5000  # the hostile value is never echoed back
    return body


CASES = [
    (endpoint, param, label)
    for endpoint, schema in LISTS.items()
    for param in schema.model_fields
    for label in HOSTILE
]


@pytest.mark.parametrize(("endpoint", "param", "label"), CASES)
def test_hostile_values_get_400_or_a_normal_answer(anon, endpoint, param, label):
    value = HOSTILE[label]
    response = anon.get(f"{API}/{endpoint}", {param: value})
    assert response.status_code in (200, 400), response.content[:300]
    if response.status_code == 200:
        # Only harmless values of free-form parameters pass (and an empty value means "no filter").
        assert label not in ALWAYS_REJECTED, (param, label)
        assert param in FREE_FORM or label == "empty", (param, label)
    else:
        body = assert_clear_400(response, f"{endpoint}?{param}={label}")
        assert param in body["detail"]


@pytest.mark.parametrize("endpoint", list(LISTS) + ["map", "countries/NL", "export/stations.csv", "export/record.geojson"])
def test_unknown_parameters_are_rejected_by_name(anon, endpoint):
    body = assert_clear_400(anon.get(f"{API}/{endpoint}", {"contry": "NL", "limit": "5"} if endpoint in LISTS else {"contry": "NL"}), endpoint)
    assert "contry" in body["detail"]
    assert body["errors"][0]["param"] == "contry"


@pytest.mark.parametrize("endpoint", list(LISTS))
def test_unknown_parameter_with_a_hostile_name(anon, endpoint):
    response = anon.get(f"{API}/{endpoint}?{MEGABYTE}=1&%00=2")
    assert_clear_400(response, endpoint)


@pytest.mark.parametrize("limit", ["0", "-5", str(s.MAX_LIMIT + 1), "10000000000000000000000"])
def test_limit_out_of_range(anon, limit):
    body = assert_clear_400(anon.get(f"{API}/stations", {"limit": limit}), limit)
    assert body["errors"][0]["param"] == "limit"


DETAILS = ["stations", "organizations", "responses", "incidents", "claims", "sources"]
BAD_IDS = ["abc", "-1", "0", "1.5", "9" * 40, "%00", "1%00", "x" * 5000]


@pytest.mark.parametrize("endpoint", DETAILS)
@pytest.mark.parametrize("bad_id", BAD_IDS)
def test_bad_ids_in_paths(anon, endpoint, bad_id):
    response = anon.get(f"{API}/{endpoint}/{bad_id}")
    assert response.status_code in (400, 404), response.content[:300]
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("iso2", ["X", "XYZ", "N1", "%00%00", "ÄÖ", "x" * 5000])
def test_bad_country_codes(anon, iso2):
    response = anon.get(f"{API}/countries/{iso2}")
    assert response.status_code in (400, 404)
    assert response["Content-Type"].startswith("application/json")


@pytest.mark.parametrize("kind", ["nope", "%00", "x" * 5000, "stations%00"])
def test_bad_export_kinds(anon, kind):
    response = anon.get(f"{API}/export/{kind}.csv")
    assert response.status_code in (400, 404)


def test_never_422(anon):
    # django-ninja's default for validation errors is 422; the API answers 400 throughout.
    for url in [f"{API}/stations?limit=x", f"{API}/stations/x", f"{API}/claims?subject_type=planet"]:
        assert anon.get(url).status_code == 400


@pytest.mark.parametrize("method", ["post", "put", "delete", "patch"])
def test_writes_are_not_allowed(anon, method):
    response = getattr(anon, method)(f"{API}/stations", data="{}", content_type="application/json")
    assert response.status_code in (403, 405)


def test_enumerated_values_are_explained(anon):
    body = assert_clear_400(anon.get(f"{API}/responses", {"action": "bombing"}), "action")
    assert "closure_ordered" in body["errors"][0]["message"]
