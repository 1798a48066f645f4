"""Imports of what partners' own tools write: OpenCTI-style bundles (x_opencti_* properties, its
marking ids), MISP's STIX 2.1 export of an event (misp-stix, x-misp-object), and the review rule:
partner data is never public until an analyst publishes it, unless the partner is trusted."""

from __future__ import annotations

import uuid

import pytest

from tnrwatch.registry import models as m
from tnrwatch.sharing import stix
from tnrwatch.sharing.models import KnownIdentity, StixObjectRef
from tnrwatch.sharing.outbound import PUBLIC, outbound_queryset
from tnrwatch.sharing.services import partner_create, partner_set_trust, stix_import

pytestmark = pytest.mark.django_db

TS = "2024-03-01T10:00:00.000Z"
OPENCTI_AMBER_STRICT = "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37"
OPENCTI_CLEAR = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"


def _station(name: str, markings: list[str], **extra) -> dict:
    return {"type": "infrastructure", "spec_version": "2.1", "id": f"infrastructure--{uuid.uuid4()}", "created": TS,
            "modified": TS, "name": name, "object_marking_refs": markings,
            "extensions": {stix.EXTENSION_ID: {"extension_type": "property-extension", "kind": "station",
                                               "country": "NL", "status": "reported"}}, **extra}


def _opencti_bundle() -> dict:
    """What an OpenCTI export of such records looks like: its own marking objects (AMBER+STRICT as
    a statement-type definition with x_opencti_definition), x_opencti_* properties on every object,
    and types we do not keep."""
    author = {"type": "identity", "spec_version": "2.1", "id": f"identity--{uuid.uuid4()}", "created": TS, "modified": TS,
              "name": "Partner CTI team", "identity_class": "organization", "x_opencti_id": str(uuid.uuid4())}
    strict = {"type": "marking-definition", "spec_version": "2.1", "id": OPENCTI_AMBER_STRICT, "created": TS,
              "definition_type": "statement", "definition": {"statement": "custom"}, "name": "TLP:AMBER+STRICT",
              "x_opencti_definition_type": "TLP", "x_opencti_definition": "TLP:AMBER+STRICT"}
    stations = [
        _station("Strict station Utrecht", [OPENCTI_AMBER_STRICT], x_opencti_score=80, created_by_ref=author["id"]),
        _station("Clear station Leiden", [OPENCTI_CLEAR], x_opencti_score=50, created_by_ref=author["id"]),
        _station("Unknown-marked station Delft", [f"marking-definition--{uuid.uuid4()}"], created_by_ref=author["id"]),
    ]
    indicator = {"type": "indicator", "spec_version": "2.1", "id": f"indicator--{uuid.uuid4()}", "created": TS,
                 "modified": TS, "pattern": "[domain-name:value = 'example.org']", "pattern_type": "stix",
                 "valid_from": TS, "x_opencti_main_observable_type": "Domain-Name"}
    custom = {"type": "x-opencti-task", "spec_version": "2.1", "id": f"x-opencti-task--{uuid.uuid4()}", "created": TS,
              "modified": TS}
    return {"type": "bundle", "id": f"bundle--{uuid.uuid4()}", "objects": [author, strict, *stations, indicator, custom]}


def test_an_opencti_bundle_keeps_what_is_understood_with_the_right_marking_and_reports_the_rest():
    bundle = _opencti_bundle()
    result = stix_import(data=bundle, actor_label="test")
    marking = dict(m.Station.objects.values_list("name_en", "marking"))
    # OpenCTI's AMBER+STRICT id is AMBER+STRICT (not the default AMBER), its CLEAR is CLEAR but held
    # back for review, and an unknown marking is RED (kept, never shared), each with a warning.
    assert marking == {"Strict station Utrecht": "amber_strict", "Clear station Leiden": "green",
                       "Unknown-marked station Delft": "red"}
    warnings = {w["id"]: w["warning"] for w in result.warnings}
    by_name = {o.get("name"): o["id"] for o in bundle["objects"]}
    assert "unknown marking" in warnings[by_name["Unknown-marked station Delft"]]
    assert "x_opencti_score" in warnings[by_name["Strict station Utrecht"]]
    indicator, task = bundle["objects"][-2:]
    assert "not kept" in warnings[indicator["id"]] and "not kept" in warnings[task["id"]]
    assert result.created["station"] == 3 and result.held == 1
    ref = StixObjectRef.objects.get(stix_id=by_name["Clear station Leiden"])
    assert ref.incoming_marking == "clear"  # what the partner said is kept beside what we hold


def test_partner_data_is_not_public_until_published_unless_the_partner_is_trusted():
    partner, _token = partner_create(actor=None, name="Feed", max_marking="amber", read=["record"], write=["record"])
    stix_import(data=[_station("Pushed station Haarlem", [stix.TLP_IDS["clear"]])], partner=partner, channel="taxii")
    station = m.Station.objects.get(name_en="Pushed station Haarlem")
    assert station.marking == "green"
    assert not outbound_queryset(m.Station, PUBLIC).filter(pk=station.pk).exists()
    # A newer version still CLEAR keeps it held; an admin's trust lets the next ones through.
    partner_set_trust(actor=None, partner=partner, trusted=True, reason="test")
    partner.refresh_from_db()
    stix_import(data=[_station("Trusted station Zwolle", [stix.TLP_IDS["clear"]])], partner=partner, channel="taxii")
    assert m.Station.objects.get(name_en="Trusted station Zwolle").marking == "clear"


def test_misp_stix_export_of_an_event_is_imported_keeping_the_report_and_reporting_the_rest():
    """misp-stix (the MISP project's converter) writes a MISP event as STIX 2.1: a report with its
    `published` date, indicators, observed data and x-misp-object / x-misp-attribute objects."""
    from misp_stix_converter import MISPtoSTIX21Parser
    from pymisp import MISPEvent

    event = MISPEvent()
    event.info = "Overseas police service station reported in Prague"
    event.date = "2023-02-14"
    event.published = True
    event.publish_timestamp = 1676419200  # 2023-02-15, when MISP published the event
    event.uuid = str(uuid.uuid4())
    event.add_tag("tlp:amber+strict")
    event.add_attribute("url", "https://example.org/report-on-stations")
    event.add_attribute("comment", "Seen by a diaspora group", comment="free text")
    event.add_attribute("text", "Note about the station")
    obj = event.add_object(name="person", standalone=False)
    obj.add_attribute("first-name", value="Someone")
    parser = MISPtoSTIX21Parser()
    parser.parse_misp_event(event.to_dict())
    objects = [o if isinstance(o, dict) else __import__("json").loads(o.serialize()) for o in parser.stix_objects]
    result = stix_import(data=objects, actor_label="misp")
    source = m.Source.objects.get(title="Overseas police service station reported in Prague")
    assert source.published is not None and source.published.isoformat() == "2023-02-15"  # STIX `published` kept
    assert source.marking == "amber_strict"
    skipped = [w for w in result.warnings if "not kept" in w["warning"]]
    kept_types = {o["type"] for o in objects if o["id"] not in {w["id"] for w in skipped}}
    assert {"indicator", "observed-data", "x-misp-attribute"} & {o["type"] for o in objects} <= {
        o["type"] for o in objects if o["id"] in {w["id"] for w in skipped}}, kept_types
    # A person named in the event is no author of anything: not kept as a known identity.
    assert not KnownIdentity.objects.filter(name="Someone").exists()
    print(f"MISP event: {len(objects)} objects, source kept, {len(skipped)} reported as not kept")
