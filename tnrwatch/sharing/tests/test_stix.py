"""STIX 2.1: every bundle validates, round trip, import errors leave the record as it was."""

from __future__ import annotations

import io
import json
import uuid

import pytest
from django.core.management import call_command
from stix2validator import ValidationOptions, validate_string

from tnrwatch.audit.models import AuditEntry
from tnrwatch.registry import models as m
from tnrwatch.sharing import stix
from tnrwatch.sharing.exporters import export_stix
from tnrwatch.sharing.models import KnownIdentity, ShareLog, SharingInstance, StixObjectRef
from tnrwatch.sharing.services import StixImportError, partner_create, stix_import

from .factories import build_record

pytestmark = pytest.mark.django_db


def export(partner: str | None = None) -> dict:
    out = io.StringIO()
    export_stix(out, partner=partner)
    return json.loads(out.getvalue())


def assert_valid(bundle: dict) -> None:
    """stix2-validator's default profile passes; its interop profile flags only OASIS's own TLP 2.0
    marking definitions (they have no `modified` or `created_by_ref`, and must stay byte-identical
    to OASIS's); its strict profile only the UUIDv4 rule (our ids are deterministic UUIDv5) and a
    source URL without a hash (a source this instance cites but holds no copy of)."""
    text = json.dumps(bundle)
    result = validate_string(text, ValidationOptions(version="2.1"))
    assert result.is_valid, [str(e) for e in result.errors]
    interop = validate_string(text, ValidationOptions(version="2.1", interop=True))
    flagged = {str(e).split(":")[0] for e in interop.errors}
    assert flagged <= set(stix.TLP_IDS.values()), [str(e) for e in interop.errors]
    strict = validate_string(text, ValidationOptions(version="2.1", strict=True))
    allowed = ("{103}", "{302}")
    assert all(any(code in str(e) for code in allowed) for e in strict.errors), [str(e) for e in strict.errors]


@pytest.fixture
def amber_partner():
    partner, token = partner_create(actor=None, name="Partner A", max_marking="amber", read=["record"])
    return partner


def test_public_and_partner_bundles_pass_the_validator(amber_partner):
    build_record()
    for partner in (None, "Partner A"):
        bundle = export(partner)
        assert_valid(bundle)
        types = {o["type"] for o in bundle["objects"]}
        assert {"infrastructure", "identity", "grouping", "incident", "report", "note", "location", "relationship",
                "marking-definition", "extension-definition"} <= types


def test_bundle_shape_station_carries_the_extension():
    build_record()
    bundle = export()
    station = next(o for o in bundle["objects"] if o["type"] == "infrastructure")
    ext = station["extensions"][stix.EXTENSION_ID]
    assert ext["kind"] == "station" and ext["country"] == "NL" and ext["status"] == "reported"
    assert station["object_marking_refs"] == [stix.TLP_IDS["clear"]]
    note = next(o for o in bundle["objects"] if o["type"] == "note" and o["abstract"] == "status")
    evidence = note["extensions"][stix.EXTENSION_ID]["evidence"][0]
    assert evidence["quote"].startswith("the Dutch and Irish governments")
    assert any(o["id"] == stix.EXTENSION_ID for o in bundle["objects"])
    assert {o["id"] for o in bundle["objects"] if o["type"] == "marking-definition"} == {stix.TLP_IDS["clear"]}


def test_partner_export_holds_amber_and_logs_every_object_shared(amber_partner):
    build_record()
    bundle = export("Partner A")
    names = {o.get("name") for o in bundle["objects"]}
    assert "Qingtian service station Berlin" in names
    assert "Qingtian service station Berlin" not in {o.get("name") for o in export()["objects"]}
    logged = set(ShareLog.objects.filter(partner=amber_partner, direction="out").values_list("stix_id", flat=True))
    assert logged == {o["id"] for o in bundle["objects"]}
    amber_partner.refresh_from_db()
    assert amber_partner.last_pull_at is not None


def _empty_the_record() -> None:
    """Turn this database into an empty instance with another identity (countries stay)."""
    m.Evidence.objects.all().delete()
    m.Claim.objects.all().delete()
    m.StationStatusChange.objects.all().delete()
    m.Campaign.objects.all().delete()
    m.Incident.objects.all().delete()
    m.GovernmentResponse.objects.all().delete()
    m.Station.objects.all().delete()
    m.Organization.objects.all().delete()
    m.Source.objects.all().delete()
    m.Alias.objects.all().delete()
    m.Place.objects.all().delete()
    StixObjectRef.objects.all().delete()
    KnownIdentity.objects.all().delete()
    SharingInstance.objects.update(uuid=uuid.uuid4())


def test_round_trip_export_import_into_empty_instance_export_gives_the_same_objects(amber_partner):
    build_record()
    first = export("Partner A")
    _empty_the_record()
    path_bundle = json.dumps(first)
    # (trusted: an admin's restore keeps CLEAR public; see the review tests for everyone else)
    result = stix_import(data=path_bundle, actor_label="test", strict=True, trusted=True)  # every object through stix2.parse
    assert result.created["station"] == 2 and result.created["claim"] == 6  # every fact with its quote
    second = export("Partner A")
    by_id = lambda b: {o["id"]: o for o in b["objects"]}  # noqa: E731
    assert by_id(first) == by_id(second)
    assert_valid(second)


def test_import_command_reads_a_file_and_second_import_changes_nothing(tmp_path):
    build_record()
    bundle = export()
    _empty_the_record()
    path = tmp_path / "bundle.json"
    path.write_text(json.dumps(bundle))
    out = io.StringIO()
    call_command("import", "stix", str(path), stdout=out)
    assert json.loads(out.getvalue())["created"]["station"] == 1
    counts = (m.Station.objects.count(), m.Claim.objects.count(), m.Evidence.objects.count(), m.Source.objects.count())
    call_command("import", "stix", str(path), stdout=io.StringIO())
    assert counts == (m.Station.objects.count(), m.Claim.objects.count(), m.Evidence.objects.count(), m.Source.objects.count())


def test_existing_entities_are_linked_not_duplicated():
    record = build_record()
    bundle = export()
    # Another instance's ids for the same station: change every id of a record, keep the names.
    SharingInstance.objects.update(uuid=uuid.uuid4())
    text = json.dumps(bundle)
    for obj in bundle["objects"]:
        if obj["type"] in ("infrastructure", "identity", "note", "report", "grouping", "incident") and obj["id"] != stix.PROJECT_IDENTITY_ID:
            text = text.replace(obj["id"], f"{obj['type']}--{uuid.uuid4()}")
    stations = m.Station.objects.count()
    result = stix_import(data=text, actor_label="test")
    assert m.Station.objects.count() == stations
    assert result.linked["station"] == 1 and result.linked["organization"] == 2
    assert StixObjectRef.objects.filter(subject_type="station", subject_id=record["station"].pk).exists()
    assert AuditEntry.objects.filter(action="station.link", subject_id=str(record["station"].pk)).exists()


def _snapshot() -> tuple:
    return tuple(model.objects.count() for model in (m.Station, m.Organization, m.Source, m.Claim, m.Evidence,
                                                      m.Incident, m.GovernmentResponse, m.Place, AuditEntry, StixObjectRef))


def _bad(data) -> list[dict]:
    before = _snapshot()
    with pytest.raises(StixImportError) as exc:
        stix_import(data=data, actor_label="test")
    assert _snapshot() == before, "a failed import must leave the record as it was"
    return exc.value.errors or [{"error": exc.value.message}]


def test_malformed_json_is_refused():
    errors = _bad(b'{"type": "bundle", "objects": [')
    assert "Malformed JSON" in errors[0]["error"]
    assert "UTF-8" in _bad(b"\xff\xfe\x00garbage")[0]["error"]
    assert "bundle" in _bad(b"[1, 2]" if False else b'"just a string"')[0]["error"]


def _warnings(result) -> dict[str, str]:
    return {w["id"]: w["warning"] for w in result.warnings}


def test_malformed_stix_refuses_the_bundle_with_per_object_errors_and_nothing_is_written():
    build_record()
    bundle = export()
    bad = {"type": "infrastructure", "spec_version": "2.1", "id": f"infrastructure--{uuid.uuid4()}",
           "created": "not a date", "modified": "2020-01-01T00:00:00Z", "name": "x"}
    bundle["objects"] += [bad, {"type": "note", "id": "note--not-a-uuid"}]
    _empty_the_record()
    errors = _bad(json.dumps(bundle))
    assert [e["id"] for e in errors] == [bad["id"], "note--not-a-uuid"]
    assert "created" in errors[0]["error"] and "malformed id" in errors[1]["error"]


def test_unknown_types_dangling_references_and_vocabulary_are_kept_apart_with_a_warning_each():
    build_record()
    bundle = export()
    objects = bundle["objects"]
    # Given a bundle whose claim about the station cites a source that is not there, a custom
    # object type, and a response with an unknown country,
    note = next(o for o in objects if o["type"] == "note" and o["abstract"] == "status")
    note["extensions"][stix.EXTENSION_ID]["evidence"][0]["source_ref"] = f"report--{uuid.uuid4()}"
    banana = {"type": "x-banana", "spec_version": "2.1", "id": f"x-banana--{uuid.uuid4()}"}
    objects.append(banana)
    response = next(o for o in objects if o["type"] == "grouping")
    response["extensions"][stix.EXTENSION_ID]["country"] = "XX"
    _empty_the_record()
    # When it is imported,
    result = stix_import(data=json.dumps(bundle), actor_label="test")
    # Then everything understood is kept, and each of the three is reported by its id.
    warnings = _warnings(result)
    assert "not kept by this instance" in warnings[banana["id"]]
    assert "unknown country 'XX'" in warnings[response["id"]]
    assert "cites a source" in warnings[note["id"]] or "evidence" in warnings[note["id"]]
    # (and the response's own claim, whose subject was not kept)
    assert result.skipped == 4
    assert m.Station.objects.filter(name_en="Fuzhou police service station Rotterdam").exists()
    assert not m.GovernmentResponse.objects.exists()
    assert not m.Claim.objects.filter(prop="status").exists() and m.Claim.objects.filter(prop="summary").count() == 0
    assert AuditEntry.objects.filter(action="sharing.import", data__skipped=4).exists()


def test_a_claim_about_something_that_is_not_a_record_is_skipped_with_a_warning():
    build_record()
    bundle = export()
    _empty_the_record()
    note = next(o for o in bundle["objects"] if o["type"] == "note")
    ghost = f"location--{uuid.uuid4()}"
    bundle["objects"].append({"type": "location", "spec_version": "2.1", "id": ghost, "created": stix.EPOCH,
                              "modified": stix.EPOCH, "region": "europe"})
    note["extensions"][stix.EXTENSION_ID]["subject_ref"] = ghost
    note["object_refs"] = [ghost]
    result = stix_import(data=json.dumps(bundle), actor_label="test")
    assert "subject" in _warnings(result)[note["id"]]
    assert m.Claim.objects.count() == 4  # the public export's five claims, less the one about a ghost


def test_extension_definition_is_served_at_a_stable_url(client):
    response = client.get("/stix/extension-definition.json")
    assert response.status_code == 200
    data = response.json()
    assert data["id"] == stix.EXTENSION_ID and data["extension_types"] == ["property-extension"]
    assert json.loads(data["schema"])["properties"]["kind"]


def test_a_500_mb_file_is_refused_before_it_is_read(tmp_path):
    from django.core.management.base import CommandError

    huge = tmp_path / "huge.json"
    with huge.open("wb") as f:
        f.truncate(500 * 1024 * 1024)  # sparse: nothing is written, nothing could be read cheaply
    before = _snapshot()
    with pytest.raises(CommandError, match="larger than"):
        call_command("import", "stix", str(huge))
    assert _snapshot() == before


def test_a_partner_export_holds_only_the_kinds_of_its_collections():
    build_record()
    partner_create(actor=None, name="Stations only", max_marking="amber", read=["stations"])
    types = {o["type"] for o in export("Stations only")["objects"]}
    assert "infrastructure" in types and "grouping" in types
    assert not types & {"note", "report", "incident"}


def test_no_invented_dates_undated_sources_and_incidents_keep_their_own():
    from tnrwatch.registry import services as rs

    record = build_record()
    undated = rs.source_create(actor_label="t", kind="news", title="An undated leaflet", marking="clear")
    rs.claim_assert(actor_label="t", subject=record["station"], prop="note", value="leaflet", source=undated,
                    quote="a leaflet about the station", marking="clear")
    bundle = export()
    reports = {o["name"]: o for o in bundle["objects"] if o["type"] == "report"}
    leaflet = reports["An undated leaflet"]
    ext = leaflet["extensions"][stix.EXTENSION_ID]
    # An undated source: `published` is the report object's own creation, the source's date absent.
    assert leaflet["published"] == leaflet["created"] and ext["date_unknown"] is True and "date" not in ext
    dated = reports["International concern grows over Chinese police service stations"]
    assert dated["published"] == "2022-11-03T00:00:00.000Z" and "date_unknown" not in dated["extensions"][stix.EXTENSION_ID]
    incident = next(o for o in bundle["objects"] if o["type"] == "incident")
    assert incident["created"] == stix.timestamp(record["incident"].created_at)
    assert not any(o.get("published", "").startswith("2022-10-01") for o in bundle["objects"])
    # Imported again, the undated source stays undated.
    _empty_the_record()
    stix_import(data=bundle, actor_label="test")
    assert m.Source.objects.get(title="An undated leaflet").published is None
