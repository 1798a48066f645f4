"""The `*_update` services: validate, save, and audit exactly what changed."""

from __future__ import annotations

import pytest

from tnrwatch.audit.models import AuditEntry
from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import services
from tnrwatch.registry.models import Alias, Country


def test_update_audits_old_and_new_values_and_nothing_when_unchanged(record, make_staff):
    analyst = make_staff("analyst")
    station = record["stations"]
    services.station_update(actor=analyst, station=station, description="Run from a restaurant")
    entry = AuditEntry.objects.get(action="station.update")
    assert entry.actor == analyst
    assert entry.data == {"changes": {"description": ["", "Run from a restaurant"]}}
    services.station_update(actor=analyst, station=station, description="Run from a restaurant")
    assert AuditEntry.objects.filter(action="station.update").count() == 1


def test_renaming_keeps_the_old_name_searchable(record, make_staff):
    station = record["stations"]
    services.station_update(actor=make_staff("analyst"), station=station, name_en="Rotterdam service centre")
    names = set(Alias.objects.filter(subject_type="station", subject_id=station.pk).values_list("name", flat=True))
    assert {"Rotterdam station", "Rotterdam service centre"} <= names


@pytest.mark.parametrize("field", ["status", "marking", "key", "sha256", "created_by", "from_report"])
def test_status_marking_and_provenance_are_not_editable(record, field):
    with pytest.raises(ValidationError):
        services.station_update(actor=None, actor_label="t", station=record["stations"], **{field: "x"})


def test_unknown_fields_and_bad_values_are_refused_without_saving(record):
    station = record["stations"]
    with pytest.raises(ValidationError):
        services.station_update(actor=None, actor_label="t", station=station, colour="red")
    with pytest.raises(ValidationError):
        services.station_update(actor=None, actor_label="t", station=station, name_en="x" * 301)
    with pytest.raises(ValidationError):
        services.response_update(actor=None, actor_label="t", response=record["responses"], action="invaded")
    with pytest.raises(ValidationError):
        services.source_update(actor=None, actor_label="t", source=record["sources"], text="rewritten")
    station.refresh_from_db()
    assert station.name_en == "Rotterdam station"


def test_city_follows_the_country(record):
    station = record["stations"]
    services.station_update(actor=None, actor_label="t", station=station, city="Rotterdam")
    station.refresh_from_db()
    assert station.place.name_en == "Rotterdam" and station.place.country.iso2 == "NL"
    services.station_update(actor=None, actor_label="t", station=station, country=Country.objects.get(iso2="IE"),
                            city="Dublin")
    station.refresh_from_db()
    assert station.place.country.iso2 == "IE"
    services.station_update(actor=None, actor_label="t", station=station, city="")
    station.refresh_from_db()
    assert station.place is None


def test_response_stations_change_is_audited(record):
    response = record["responses"]
    services.response_update(actor=None, actor_label="t", response=response, stations=[])
    entry = AuditEntry.objects.get(action="response.update")
    assert entry.data["changes"]["stations"] == [[record["stations"].pk], []]
    assert response.stations.count() == 0
