# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""Search across names in any script and the text of sources."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tnrwatch.registry import services

from .atlas_fixtures import atlas_record  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db


def _search(client, q: str, **extra) -> str:
    response = client.get(reverse("atlas:search"), {"q": q, **extra})
    assert response.status_code == 200
    return response.content.decode()


def test_simplified_query_finds_a_station_by_its_traditional_alias(client, atlas_record):
    # Given a station whose only Rotterdam-specific name is a traditional-Chinese alias (鹿特丹福州警僑服務站)
    station_url = reverse("atlas:station", args=[atlas_record["station"].pk])
    # When someone searches in simplified script
    html = _search(client, "鹿特丹福州警侨")
    # Then the station is found, with the alias that matched
    assert station_url in html
    assert "鹿特丹福州警僑服務站" in html


def test_traditional_query_finds_simplified_names(client, atlas_record):
    html = _search(client, "福州市公安局")
    assert reverse("atlas:organization", args=[atlas_record["bureau"].pk]) in html
    html = _search(client, "警僑服務站")
    assert reverse("atlas:station", args=[atlas_record["station"].pk]) in html


def test_latin_query_ignores_case_accents_and_spacing(client, atlas_record):
    services.alias_add(actor=None, actor_label="test", subject=atlas_record["station"], name="Fúzhōu Rotterdam post")
    html = _search(client, "FUZHOU-rotterdam")
    assert reverse("atlas:station", args=[atlas_record["station"].pk]) in html


def test_countries_match_in_any_of_their_names(client, atlas_record):
    for q in ("Netherlands", "荷兰", "荷蘭", "nl"):
        assert reverse("atlas:country", args=["nl"]) in _search(client, q), q


def test_source_text_is_searched(client, atlas_record):
    html = _search(client, "shut down two stations")
    assert reverse("atlas:source", args=[atlas_record["source"].pk]) in html


def test_search_results_paginate(client, atlas_record):
    for i in range(25):
        services.source_create(actor_label="test", title=f"Paginated report {i:02d}", marking="clear")
    first = _search(client, "Paginated report")
    assert "25 sources" in first and "Page 1 of 2" in first
    second = _search(client, "Paginated report", page="2")
    assert second.count("Paginated report") >= 5


def test_empty_and_blank_queries_show_the_form(client, atlas_record):
    for q in ("", "   ", "-- ..."):
        html = _search(client, q)
        assert 'name="q"' in html


def test_sql_and_markup_in_queries_are_inert(client, atlas_record):
    html = _search(client, "<script>alert(1)</script>' OR 1=1 --")
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html


def test_overlong_query_is_a_400_with_a_message(client, atlas_record):
    response = client.get(reverse("atlas:search"), {"q": "x" * 201})
    assert response.status_code == 400
    assert "too long" in response.content.decode()
