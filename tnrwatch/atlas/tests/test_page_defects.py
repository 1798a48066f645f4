# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""Small defects a reader notices: page titles, plural forms, undated marks."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from django.urls import reverse

from tnrwatch.registry import services
from tnrwatch.registry.models import Country

from .atlas_fixtures import atlas_record  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def test_incidents_title_is_text_only(client, atlas_record):
    html = client.get(reverse("atlas:incidents")).content.decode()
    title = re.search(r"<title>(.*?)</title>", html, re.S).group(1)
    assert "<" not in title and title.startswith("Incidents")


def test_home_counts_use_plural_forms(client, atlas_record):
    html = client.get(reverse("atlas:home")).content.decode()
    # one public station, in one country: singular
    assert "<strong>1</strong> station on record" in html
    assert "<strong>1</strong> country with a station on record" in html
    assert "<strong>2</strong> government responses" in html
    assert "1 stations" not in html and "1 countries" not in html


def test_comparison_marks_show_their_date_or_say_it_is_unknown(client, atlas_record):
    undated = services.response_create(actor_label="test", country=Country.objects.get(iso2="GB"), action="monitoring",
                                       body="Home Office", summary="Watching.", marking="clear")
    services.claim_assert(actor_label="test", subject=undated, prop="action", value="monitoring",
                          source=atlas_record["source"], quote="The Home Office is watching", marking="clear")
    html = client.get(reverse("atlas:compare")).content.decode()
    marks = re.findall(r'<a href="/responses/\d+/"[^>]*>✓ ([^<]*)</a>', html)
    assert len(marks) == 3
    assert "date unknown" in marks
    assert any(date(2022, 11, 1).isoformat() in m or "2022" in m for m in marks)


def test_list_pages_link_to_exports_of_what_is_on_screen(client, atlas_record):
    import csv
    import html as htmllib
    import io
    import json

    country = atlas_record["station"].country
    pages = {
        reverse("atlas:stations") + "?country=NL": ("/api/v1/stations?country=NL&limit=50&offset=0",
                                                    "/api/v1/export/stations.csv?country=NL",
                                                    "/api/v1/export/stations.geojson?country=NL"),
        reverse("atlas:incidents") + "?tactic=rendition": ("/api/v1/incidents?tactic=rendition&limit=50&offset=0",
                                                           "/api/v1/export/incidents.csv?tactic=rendition",
                                                           "/api/v1/export/incidents.geojson?tactic=rendition"),
        reverse("atlas:sources"): ("/api/v1/sources?limit=50&offset=0", "/api/v1/export/sources.csv\"", None),
        reverse("atlas:country", args=["nl"]): ("/api/v1/responses?country=NL&limit=",
                                                "/api/v1/export/responses.csv?country=NL",
                                                "/api/v1/export/responses.geojson?country=NL"),
        reverse("atlas:country_claims", args=["nl"]): (
            f"/api/v1/claims?subject_type=country&subject_id={country.pk}&limit=",
            f"/api/v1/export/claims.csv?subject_type=country&subject_id={country.pk}", None),
    }
    for url, (json_url, csv_url, geojson_url) in pages.items():
        page = htmllib.unescape(client.get(url).content.decode())
        assert json_url in page and csv_url in page, url
        assert (geojson_url in page) if geojson_url else (".geojson" not in page), url
    # the JSON link returns the rows of the page, the CSV and GeoJSON links every row, filtered
    rows = json.loads(client.get("/api/v1/stations?country=NL&limit=50&offset=0").content)
    assert [s["name_en"] for s in rows["results"]] == ["Fuzhou police service station Rotterdam"]
    body = b"".join(client.get("/api/v1/export/stations.csv?country=NL").streaming_content).decode()
    assert [r["name_en"] for r in csv.DictReader(io.StringIO(body))] == ["Fuzhou police service station Rotterdam"]
    assert list(csv.DictReader(io.StringIO(b"".join(
        client.get("/api/v1/export/stations.csv?country=DE").streaming_content).decode()))) == []
    features = json.loads(b"".join(client.get("/api/v1/export/stations.geojson?country=NL").streaming_content))
    assert [f["properties"]["name_en"] for f in features["features"]] == ["Fuzhou police service station Rotterdam"]


def test_filtered_exports_refuse_bad_filters_like_their_lists(client, atlas_record):
    import json

    for url, param in [("/api/v1/export/stations.csv?status=nonsense", "status"),
                       ("/api/v1/export/stations.csv?colour=red", "colour"),
                       ("/api/v1/export/stations.csv?limit=5", "limit"),
                       ("/api/v1/export/incidents.geojson?year=twenty", "year"),
                       ("/api/v1/export/sources.geojson", None)]:
        response = client.get(url)
        assert response.status_code == 400, url
        body = json.loads(response.content)
        assert param is None or body["errors"][0]["param"] == param, (url, body)


def _page_weight(client, url: str) -> int:
    """Bytes of a page with every stylesheet, script, image and font it links (uncompressed)."""
    from django.contrib.staticfiles import finders

    html = client.get(url).content.decode()
    total = len(html.encode())
    for asset in re.findall(r'(?:href|src)="(/static/[^"]+)"', html):
        path = finders.find(asset.removeprefix("/static/").split("?")[0])
        assert path, asset
        total += Path(path).stat().st_size
    return total


def test_page_weight_budget(client, atlas_record):
    # A cheap phone over Tor: the home page with its map and styles under 300 KB, a country page
    # under 150 KB (uncompressed; gzip makes them smaller still). No fonts are downloaded.
    assert _page_weight(client, reverse("atlas:home")) < 300_000
    assert _page_weight(client, reverse("atlas:country", args=["nl"])) < 150_000
    assert _page_weight(client, reverse("intake:form")) < 150_000


def test_an_organisation_page_lists_a_bounded_number_of_its_stations(client, atlas_record):
    from tnrwatch.atlas.selectors.records import STATIONS_SHOWN
    from tnrwatch.registry import services

    bureau, nl = atlas_record["bureau"], atlas_record["station"].country
    for i in range(STATIONS_SHOWN + 5):
        station = services.station_create(actor=None, actor_label="t", name_en=f"Hub station {i:03d}", country=nl,
                                          operator=bureau, marking="clear")
        services.claim_assert(actor=None, actor_label="t", subject=station, prop="operator", value=bureau.name_en,
                              source=atlas_record["source"], quote="ordered China to shut down", marking="clear")
    page = client.get(reverse("atlas:organization", args=[bureau.pk])).content.decode()
    section = page.split('id="operated"')[1].split("</section>")[0]
    # the atlas record's own station and the 55 new ones: 56 public stations, 50 listed
    assert section.count("<li>") == STATIONS_SHOWN
    assert "All 56 stations:" in section
    assert f"/api/v1/export/stations.csv?operator={bureau.pk}" in section
