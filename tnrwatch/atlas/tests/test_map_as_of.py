# ruff: noqa: F811 - pytest fixtures are imported by name and requested as arguments
"""The home map "as of" a past day: responses dated by then, stations first reported by then."""

from __future__ import annotations

from datetime import date

from django.urls import reverse

from tnrwatch.registry.models import Station

from .atlas_fixtures import atlas_record  # noqa: F401 - a fixture


def _shaded(response) -> dict[str, str]:
    return {country.iso2: action for country, action, _label in response.context["shaded"]}


def test_the_map_as_of_a_day_counts_only_what_was_dated_by_then(client, atlas_record):
    today = client.get(reverse("atlas:home"))
    assert _shaded(today) == {"NL": "closure_ordered", "DE": "investigation"}
    # Between Germany's investigation (2022-10-01) and the Dutch closure order (2022-11-01)
    before = client.get(reverse("atlas:home"), {"as_of": "2022-10-15"})
    assert before.status_code == 200 and _shaded(before) == {"DE": "investigation"}
    page = before.content.decode()
    assert "The map shows the record as of 2022-10-15." in page
    # the station has no first-reported date: left out, and the page says so
    assert "1 station with no first-reported date is left out." in page
    assert "Fuzhou police service station Rotterdam" not in page.split('id="map"')[1].split("</figure>")[0]
    assert _shaded(client.get(reverse("atlas:home"), {"as_of": "2020-01-01"})) == {}


def test_stations_appear_from_the_day_they_were_first_reported(client, atlas_record):
    Station.objects.filter(pk=atlas_record["station"].pk).update(first_reported=date(2022, 9, 1))
    svg = lambda day: client.get(reverse("atlas:home"), {"as_of": day}).content.decode().split('id="map"')[1]  # noqa: E731
    assert "Fuzhou police service station Rotterdam" in svg("2022-09-01")
    assert "Fuzhou police service station Rotterdam" not in svg("2022-08-31")


def test_region_links_keep_the_day_and_bad_days_are_refused(client, atlas_record):
    page = client.get(reverse("atlas:home"), {"as_of": "2022-10-15"}).content.decode()
    assert "?region=europe&amp;as_of=2022-10-15#map" in page
    for bad in ("2022-13-01", "yesterday", "2022-10-15T00:00", "9" * 11):
        response = client.get(reverse("atlas:home"), {"as_of": bad})
        assert response.status_code == 400, bad


def test_a_past_day_shows_nothing_that_is_hidden_now(client, atlas_record):
    """The map of a past day is today's public record, cut at that day: a station or response that
    was public then and is hidden now (unpublished, or its only quote now RED), or a hidden one
    dated in the past, is not on it (nor counted as undated), whatever the day asked."""
    from tnrwatch.registry import services
    from tnrwatch.registry.models import Evidence, GovernmentResponse

    SECRET = "SECRET"  # noqa: N806 - the fixture's canary, in every hidden record's name
    Station.objects.filter(pk__in=[atlas_record["station"].pk, atlas_record["hidden_station"].pk]).update(
        first_reported=date(2022, 9, 1))
    GovernmentResponse.objects.filter(body__startswith=SECRET).update(date=date(2022, 9, 1))
    assert "Fuzhou police service station Rotterdam" in client.get(reverse("atlas:home"), {"as_of": "2022-10-15"}).content.decode()
    # The station unpublished; Germany's investigation left with a RED quote only.
    services.marking_set(actor=None, actor_label="t", obj=atlas_record["station"], marking="amber")
    germany = GovernmentResponse.objects.get(country__iso2="DE")
    for ev in Evidence.objects.filter(claim__subject_type="response", claim__subject_id=germany.pk):
        services.marking_set(actor=None, actor_label="t", obj=ev, marking="red")
    for day in ("2022-09-01", "2022-10-15", "2023-01-31", "9999-12-31"):
        response = client.get(reverse("atlas:home"), {"as_of": day})
        page = response.content.decode()
        assert response.status_code == 200
        assert "Fuzhou police service station Rotterdam" not in page.split('id="map"')[1].split("</figure>")[0], day
        assert SECRET not in page, day
        assert "DE" not in _shaded(response), day
        assert "Germany is probing" not in page, day
    assert _shaded(client.get(reverse("atlas:home"), {"as_of": "2022-12-01"})) == {"NL": "closure_ordered"}
