# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""The world map: geometry from Natural Earth, shading by strongest response, station markers."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tnrwatch.atlas import geometry
from tnrwatch.atlas.map import country_point, world
from tnrwatch.sharing.tests.factories import cite

from .atlas_fixtures import atlas_record  # noqa: F401 - a fixture


def test_shipped_geometry_has_the_countries_of_the_record():
    countries = world()["countries"]
    # France and Norway are -99 in Natural Earth's ISO_A2 field: the fallback must find them.
    for iso2 in ["NL", "DE", "CN", "FR", "NO", "US", "GB", "IE", "CZ", "CL", "NG", "JP", "KH", "MT", "SG"]:
        assert iso2 in countries, iso2
        assert countries[iso2]["d"].startswith("M")
    assert 200 < len(countries) < 260


def test_shipped_geometry_stays_small():
    size = len(geometry.Path(__file__).resolve().parents[1].joinpath("data", "world.json").read_bytes())
    assert size < 400 * 1024


def test_label_points_are_inside_the_expected_region():
    lon, lat = country_point("NL")
    assert 3 < lon < 8 and 50 < lat < 54
    lon, lat = country_point("FR")  # mainland France, not French Guiana
    assert -5 < lon < 9 and 41 < lat < 52
    assert country_point("ZZ") is None


def test_iso_code_fallbacks():
    assert geometry.iso2_of({"ISO_A2": "-99", "ISO_A2_EH": "FR"}) == "FR"
    assert geometry.iso2_of({"ISO_A2": "-99", "ISO_A2_EH": "-99", "WB_A2": "KV"}) == "KV"
    assert geometry.iso2_of({"ISO_A2": "-99", "ISO_A2_EH": "-99", "WB_A2": "-99"}) is None


def test_simplify_keeps_corners_and_drops_collinear_points():
    line = [(0.0, 0.0), (1.0, 0.01), (2.0, 0.0), (2.0, 5.0)]
    assert geometry.simplify(line, 0.5) == [(0.0, 0.0), (2.0, 0.0), (2.0, 5.0)]
    ring = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0), (0.0, 0.0)]
    assert geometry.simplify(ring, 0.5) == ring


def test_projection_is_equirectangular():
    assert geometry.project(-180, 90) == (0, 0)
    assert geometry.project(0, 0) == (1800, 900)
    assert geometry.project(180, -90) == (3600, 1800)


@pytest.mark.slow
def test_build_world_from_the_installed_natural_earth_zip():
    built = geometry.build_world()
    assert set(built["countries"]) == set(world()["countries"])


@pytest.mark.django_db
def test_home_map_shades_links_and_marks(client, atlas_record):
    html = client.get(reverse("atlas:home")).content.decode()
    svg = html[html.index("<svg"): html.index("</svg>")]
    # Each country is a link to its page, with a <title>; NL is shaded by its closure order.
    assert re.search(r'<a href="/countries/nl/"><title>Netherlands: Closure ordered</title>'
                     r'<path class="land r-closure_ordered" id="country-NL"', svg)
    assert re.search(r'<a href="/countries/de/"><title>Germany: Investigation</title>'
                     r'<path class="land r-investigation" id="country-DE"', svg)
    assert 'id="country-CN"' in svg and '<title>China</title>' in svg
    # The AMBER conviction in France does not shade France.
    assert re.search(r'<path class="land" id="country-FR"', svg)
    # The Rotterdam station has a marker at Rotterdam's coordinates, linking to its page.
    station_url = reverse("atlas:station", args=[atlas_record["station"].pk])
    marker = re.search(rf'<a class="marker" href="{station_url}"><title>[^<]+</title><circle cx="(\d+)" cy="(\d+)"', svg)
    assert marker
    x, y = int(marker.group(1)), int(marker.group(2))
    assert abs(x - (4.48 + 180) * 10) < 5 and abs(y - (90 - 51.92) * 10) < 5
    # The legend names every response action.
    assert "Official denial or dismissal" in html and "No public response yet" in html


@pytest.mark.django_db
def test_stations_without_a_city_sit_at_the_country_label_point_and_merge(client, atlas_record):
    from tnrwatch.registry import services
    from tnrwatch.registry.models import Country

    ie = Country.objects.get(iso2="IE")
    for name in ("Dublin station A", "Dublin station B"):
        cite(services.station_create(actor_label="test", name_en=name, country=ie, marking="clear"))
    html = client.get(reverse("atlas:home")).content.decode()
    assert '<a class="marker" href="/countries/ie/#stations"><title>2 stations: Ireland</title>' in html


def test_home_map_follows_markings_and_language_despite_its_cache(client, atlas_record):
    from tnrwatch.registry import services

    station = atlas_record["station"]
    marker = f'href="{reverse("atlas:station", args=[station.pk])}"'
    assert marker in client.get(reverse("atlas:home")).content.decode()
    # Each language has its own cached map: the country titles are in the page's language.
    chinese = client.get(reverse("atlas:home"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "<title>荷兰" in chinese and "<title>Netherlands" not in chinese and marker in chinese
    # A station withdrawn from the public record leaves the next home page, cache or not.
    services.marking_set(actor=None, obj=station, marking="amber")
    assert marker not in client.get(reverse("atlas:home")).content.decode()
    # and a new public station appears at once.
    new = cite(services.station_create(actor_label="test", name_en="Fresh station", country=station.country,
                                       marking="clear")).subject_id
    new = type(station).objects.get(pk=new)
    assert f'href="{reverse("atlas:station", args=[new.pk])}"' in client.get(reverse("atlas:home")).content.decode()
