"""Protection: canaries planted in a RED record, a private note, a report and a sub-threshold
incident from a report never appear in ANY output of ANY export path, for the public or for any
partner (every grantable marking): STIX, TAXII (objects, manifest, single objects), FtM, CSV,
GeoJSON, the public API and the public pages."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import call_command
from django.urls import NoReverseMatch, reverse

from tnrwatch.registry import models as m
from tnrwatch.sharing import stix
from tnrwatch.sharing.exporters import export_ftm, export_stix
from tnrwatch.sharing.models import Collection, SharingInstance
from tnrwatch.sharing.services import partner_create

from .factories import CANARIES, CANARY_NOTE, CANARY_REPORT, build_record, plant_canaries

pytestmark = pytest.mark.django_db
MARKINGS = ("clear", "green", "amber", "amber_strict")


def assert_no_canary(text: str, where: str) -> None:
    for canary in CANARIES:
        assert canary not in text, f"{canary} leaked through {where}"


@pytest.fixture
def planted(settings):
    settings.TNR_MIN_PUBLIC_COUNT = 3
    record = build_record()
    canaries = plant_canaries()
    tokens = {}
    for marking in MARKINGS:
        _p, tokens[marking] = partner_create(actor=None, name=f"partner-{marking}", max_marking=marking,
                                             read=["record", "stations"])
    # The canaries are really in the database (so their absence below means something).
    assert m.Station.objects.filter(name_en__contains="CANARY-RED").exists()
    assert m.Place.objects.filter(name_en__contains="CANARY-SUBTHRESHOLD").exists()
    return {**record, **canaries, "tokens": tokens}


def test_stix_and_ftm_exports_for_the_public_and_every_partner(planted):
    for partner in (None, *(f"partner-{mk}" for mk in MARKINGS)):
        for export in (export_stix, export_ftm):
            out = io.StringIO()
            export(out, partner=partner)
            assert out.getvalue().strip(), (export.__name__, partner)
            assert_no_canary(out.getvalue(), f"{export.__name__} for {partner or 'the public'}")


def test_the_sub_threshold_incident_leaves_only_at_country_and_year(planted):
    out = io.StringIO()
    export_stix(out, partner="partner-amber_strict")
    incidents = [o for o in json.loads(out.getvalue())["objects"] if o["type"] == "incident"]
    sub = next(o for o in incidents if o["extensions"][stix.EXTENSION_ID]["host_country"] == "FR")
    ext = sub["extensions"][stix.EXTENSION_ID]
    assert ext.get("month") is None and ext.get("place") is None and "description" not in sub
    # No timestamp finer than a year either: the record's own year, not the incident's, never invented.
    assert sub["created"].endswith("-01-01T00:00:00.000Z") and sub["modified"].endswith("-01-01T00:00:00.000Z")
    assert sub["created"][:4] == str(planted["subthreshold_incident"].created_at.year)


def test_taxii_objects_manifest_and_single_objects(planted, client):
    red = planted["red_station"]
    red_id = stix.record_id(str(SharingInstance.objects.get().uuid), "station", red.pk)
    for marking, token in planted["tokens"].items():
        headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/taxii+json;version=2.1"}
        served = 0
        for coll in Collection.objects.all():
            base = f"/taxii2/api/collections/{coll.id}/"
            for path in ("objects/?limit=1000", "manifest/?limit=1000", f"objects/{red_id}/", f"objects/{red_id}/versions/"):
                response = client.get(base + path, **headers)
                assert response.status_code in (200, 404), (path, response.status_code)
                assert_no_canary(response.content.decode(), f"TAXII {path} for {marking}")
                if path.startswith("objects/?") and response.status_code == 200:
                    served += len(response.json().get("objects", []))
            assert client.get(base + f"objects/{red_id}/", **headers).status_code == 404
        # Positive control: the partner does receive objects, so the absence of canaries means something.
        assert served, f"TAXII served no objects to {marking}"


def test_csv_and_geojson_exports(planted, capsys):
    from tnrwatch.atlas import exports

    for kind in exports.CSV_COLUMNS:
        call_command("export", "csv", "--kind", kind)
        assert_no_canary(capsys.readouterr().out, f"export csv --kind {kind}")
    call_command("export", "geojson")
    assert_no_canary(capsys.readouterr().out, "export geojson")


def _public_urls(planted) -> list[str]:
    sub = planted["subthreshold_incident"]
    red = planted["red_station"]
    urls = ["/api/v1/countries", "/api/v1/countries/FR", "/api/v1/countries/NL", "/api/v1/stations?limit=100",
            f"/api/v1/stations/{red.pk}", "/api/v1/organizations", "/api/v1/responses", "/api/v1/incidents?limit=100",
            f"/api/v1/incidents/{sub.pk}", "/api/v1/claims?limit=100", "/api/v1/sources?limit=100", "/api/v1/map",
            "/api/v1/export/record.geojson", "/api/v1/openapi.json"]
    from tnrwatch.atlas import exports

    urls += [f"/api/v1/export/{kind}.csv" for kind in exports.CSV_COLUMNS]
    pages = [("atlas:home", []), ("atlas:compare", []), ("atlas:stations", []), ("atlas:incidents", []),
             ("atlas:sources", []), ("atlas:country", ["fr"]), ("atlas:country", ["nl"]), ("atlas:station", [red.pk]),
             ("atlas:station", [planted["noted_station"].pk])]
    for name, args in pages:
        try:
            urls.append(reverse(name, args=args))
        except NoReverseMatch:
            continue
    for q in ("CANARY", "canary", "Station", "report"):
        urls.append(f"{reverse('atlas:search')}?q={q}")
    for claim in m.Claim.objects.all():
        urls.append(reverse("atlas:claim", args=[claim.pk]))
    for source in m.Source.objects.all():
        urls.append(reverse("atlas:source", args=[source.pk]))
    return urls


def test_public_api_and_public_pages(planted, client):
    # Positive control: the public outputs do show the CLEAR record, so an absence below means something.
    assert "Fuzhou police service station Rotterdam" in client.get("/api/v1/stations?limit=100").content.decode()
    for url in _public_urls(planted):
        response = client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert_no_canary(body.decode("utf-8", errors="replace"), url)


def test_the_canaries_are_really_planted(planted):
    from tnrwatch.sharing.models import PrivateNote

    assert PrivateNote.objects.filter(text__contains=CANARY_NOTE).exists()
    from django.apps import apps

    report = apps.get_model("intake", "Report").objects.get(receipt_hash=CANARY_REPORT)
    assert report.incident_id == planted["subthreshold_incident"].pk  # the incident was promoted from it
