"""The outbound filter: markings, partner rights, reports, private notes, aggregation."""

from __future__ import annotations

from datetime import date

import pytest

from tnrwatch.registry import services as rs
from tnrwatch.registry.models import Claim, Evidence, Incident, Source, Station
from tnrwatch.sharing.models import Partner, PrivateNote
from tnrwatch.sharing.outbound import (
    PUBLIC,
    Audience,
    incident_counts,
    incident_rows,
    outbound_queryset,
)

from .factories import build_record, cite, country, plant_canaries

pytestmark = pytest.mark.django_db
AMBER_PARTNER = Audience(name="partner:x", max_marking="amber", collections=frozenset({"record"}))


def test_public_sees_only_clear_and_red_never_leaves():
    build_record()
    red = rs.station_create(actor_label="t", name_en="Red one", country=country("NL"), marking="red")
    public = set(outbound_queryset(Station, PUBLIC).values_list("name_en", flat=True))
    assert "Fuzhou police service station Rotterdam" in public
    assert "Qingtian service station Berlin" not in public  # AMBER
    partner = set(outbound_queryset(Station, AMBER_PARTNER).values_list("name_en", flat=True))
    assert "Qingtian service station Berlin" in partner
    # RED is excluded even for an audience that claims RED.
    anyone = Audience(name="partner:greedy", max_marking="red")
    assert red.name_en not in set(outbound_queryset(Station, anyone).values_list("name_en", flat=True))
    assert "red" not in anyone.allowed_markings()


def test_public_audience_is_clear_only_whatever_its_grant():
    fake_public = Audience(name="public", max_marking="amber")
    assert fake_public.allowed_markings() == ["clear"]


def test_claims_about_hidden_subjects_and_evidence_from_hidden_sources_do_not_leave():
    plant_canaries()
    claims = outbound_queryset(Claim, AMBER_PARTNER)
    assert not claims.filter(value__contains="CANARY-RED").exclude(subject_type="country").exists()
    evidence = outbound_queryset(Evidence, AMBER_PARTNER)
    assert not evidence.filter(quote__contains="CANARY").exists()


def test_claims_about_incidents_from_reports_never_leave():
    canaries = plant_canaries()
    sub = canaries["subthreshold_incident"]
    assert not outbound_queryset(Claim, AMBER_PARTNER).filter(subject_type="incident", subject_id=sub.pk).exists()


def test_private_notes_partners_and_intake_never_leave():
    plant_canaries()
    assert PrivateNote.objects.exists()
    assert not outbound_queryset(PrivateNote, AMBER_PARTNER).exists()
    assert not outbound_queryset(Partner, PUBLIC).exists()
    from django.apps import apps

    for model in apps.get_app_config("intake").get_models():
        assert not outbound_queryset(model, AMBER_PARTNER).exists()


def test_incidents_from_reports_leave_only_de_identified():
    canaries = plant_canaries()
    sub = canaries["subthreshold_incident"]
    assert not outbound_queryset(Incident, PUBLIC).filter(pk=sub.pk).exists()
    rows = {r.pk: r for r in incident_rows(AMBER_PARTNER)}
    row = rows[sub.pk]
    assert row.summary == "" and row.place_id is None and row.month is None and row.day is None
    assert row.year == 2023 and row.host_country == "FR" and row.coarsened


def _incidents(n: int, place, month: int, **kw):
    made = [rs.incident_create(actor_label="t", date=date(2023, month, 1 + i), origin_country=country("CN"),
                               host_country=place.country, place=place, tactic="threats", summary=f"s{i}",
                               marking="clear", **kw) for i in range(n)]
    for incident in made:
        if not incident.from_report:  # a report's incident is counted without a quote (outbound.incidents)
            cite(incident)
    return made


def test_public_counts_below_threshold_are_shown_only_by_country_and_year(settings):
    settings.TNR_MIN_PUBLIC_COUNT = 3
    paris = rs.place_get_or_create(actor_label="t", name_en="Paris", country=country("FR"))
    lyon = rs.place_get_or_create(actor_label="t", name_en="Lyon", country=country("FR"))
    _incidents(3, paris, 5)
    _incidents(2, lyon, 5, from_report=True)
    counts = incident_counts(PUBLIC)
    fine = [c for c in counts if c.place_id is not None]
    assert [(c.place_name, c.month, c.count) for c in fine] == [("Paris", 5, 3)]
    coarse = [c for c in counts if c.place_id is None]
    assert [(c.country, c.year, c.month, c.count) for c in coarse] == [("FR", 2023, None, 2)]
    assert all(c.count >= 3 for c in fine)
    # A higher threshold coarsens Paris too.
    settings.TNR_MIN_PUBLIC_COUNT = 4
    assert [(c.country, c.year, c.count) for c in incident_counts(PUBLIC)] == [("FR", 2023, 5)]


def test_public_incident_rows_are_coarsened_when_their_cell_is_small(settings):
    settings.TNR_MIN_PUBLIC_COUNT = 3
    paris = rs.place_get_or_create(actor_label="t", name_en="Paris", country=country("FR"))
    nice = rs.place_get_or_create(actor_label="t", name_en="Nice", country=country("FR"))
    big = _incidents(3, paris, 5)
    small = _incidents(1, nice, 6)
    rows = {r.pk: r for r in incident_rows(PUBLIC)}
    assert rows[big[0].pk].place_name == "Paris" and rows[big[0].pk].month == 5
    assert rows[small[0].pk].place_id is None and rows[small[0].pk].month is None and rows[small[0].pk].summary == ""


def test_sources_follow_markings():
    build_record()
    rs.source_create(actor_label="t", title="secret", marking="amber_strict")
    assert not outbound_queryset(Source, AMBER_PARTNER).filter(title="secret").exists()
    strict = Audience(name="partner:s", max_marking="amber_strict")
    assert outbound_queryset(Source, strict).filter(title="secret").exists()
