# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""The responses-per-year timeline: server-rendered SVG with a table of the same figures, only
public responses counted."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tnrwatch.atlas.timeline import render_timeline, years_filled

from .atlas_fixtures import atlas_record  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def test_years_without_a_response_are_zero():
    assert years_filled([(2019, 2), (2022, 1)]) == [(2019, 2), (2020, 0), (2021, 0), (2022, 1)]
    assert years_filled([]) == []
    svg = render_timeline([(2019, 2), (2022, 1)], label='Responses <per> year')
    assert svg.count('class="bar"') == 2 and 'aria-label="Responses &lt;per&gt; year"' in svg
    assert render_timeline([], label="x") == ""


def test_home_and_country_pages_show_the_timeline_of_public_responses(client, atlas_record):
    home = client.get(reverse("atlas:home")).content.decode()
    table = re.search(r'<table class="timeline-table">(.*?)</table>', home, re.S).group(1)
    # the two public responses (NL and DE) were both made in 2022; the AMBER French one is not counted
    assert re.findall(r"<tr><td>(\d{4})</td><td>(\d+)</td></tr>", table) == [("2022", "2")]
    assert '<svg class="timeline-chart"' in home
    country = client.get(reverse("atlas:country", args=["nl"])).content.decode()
    table = re.search(r'<table class="timeline-table">(.*?)</table>', country, re.S).group(1)
    assert re.findall(r"<tr><td>(\d{4})</td><td>(\d+)</td></tr>", table) == [("2022", "1")]


@pytest.mark.parametrize("region", ["europe", "americas", "asia-pacific", "africa"])
def test_region_views_zoom_label_and_link_back(client, atlas_record, region):
    html = client.get(reverse("atlas:home"), {"region": region}).content.decode()
    from tnrwatch.atlas.map import REGIONS

    x, y, w, h = REGIONS[region]
    assert f'viewBox="{x} {y} {w} {h}"' in html
    assert 'aria-current="true">' in html and 'href="/#map"' in html  # the world link
    if region == "europe":
        # the countries with a public record are labelled (NL has a station and a response, DE a response)
        assert re.search(r'<text class="label"[^>]*>Netherlands</text>', html)
        assert re.search(r'<text class="label"[^>]*>Germany</text>', html)


def test_world_view_has_no_labels_and_an_unknown_region_is_refused(client, atlas_record):
    assert 'class="label"' not in client.get(reverse("atlas:home")).content.decode()
    response = client.get(reverse("atlas:home"), {"region": "mars"})
    assert response.status_code == 400
