"""Bureaus, campaigns and contested claims as a threat-intelligence analyst expects them in STIX:
a bureau's intrusion set, campaigns attributed to it and using its stations, refuting quotes as
opinions, incidents with the OASIS Incident Core Extension, reports whose refs all resolve.
Checked with stix2-validator (default and interop) and misp-stix (MISP's own converter)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest

from tnrwatch.registry import models as m
from tnrwatch.registry import services as rs
from tnrwatch.sharing import stix
from tnrwatch.sharing.exporters import export_stix
from tnrwatch.sharing.services import partner_create, stix_import

from .factories import build_record
from .test_stix import _empty_the_record, assert_valid

pytestmark = pytest.mark.django_db


def _export(partner: str | None = None) -> dict:
    out = io.StringIO()
    export_stix(out, partner=partner)
    return json.loads(out.getvalue())


def _with_campaigns() -> dict:
    record = build_record()
    source = record["source"]
    sky_net = rs.campaign_create(actor_label="t", name_en="Sky Net", name_zh="天网", marking="clear",
                                 description="An umbrella operation to bring suspects back from abroad.")
    fox_hunt = rs.campaign_create(actor_label="t", name_en="Fox Hunt", name_zh="猎狐", first_seen=date(2014, 1, 1),
                                  first_seen_precision="year", part_of=sky_net, attributed_to=[record["bureau"]],
                                  marking="clear", objective="Return people accused of economic crimes to China.")
    fox_hunt.stations.set([record["station"], record["amber_station"]])
    hidden = rs.campaign_create(actor_label="t", name_en="An AMBER operation", marking="amber",
                                attributed_to=[record["host"]])
    for campaign, quote, mark in ((sky_net, "Sky Net, the wider operation", "clear"),
                                  (fox_hunt, "Fox Hunt is part of Sky Net", "clear"),
                                  (hidden, "an operation known to partners", "amber")):
        rs.claim_assert(actor_label="t", subject=campaign, prop="name", value=campaign.name_en, source=source,
                        quote=quote, marking=mark)
    # A contested claim: a refuting quote beside the supporting one.
    rs.claim_assert(actor_label="t", subject=record["station"], prop="status", value="closure_ordered", source=source,
                    quote="the station was never ordered closed", stance="refutes", marking="clear")
    partner_create(actor=None, name="Partner A", max_marking="amber", read=["record"])
    return record | {"fox_hunt": fox_hunt, "sky_net": sky_net, "hidden": hidden}


def _by_type(bundle: dict, stix_type: str) -> list[dict]:
    return [o for o in bundle["objects"] if o["type"] == stix_type]


def _rels(bundle: dict) -> set[tuple[str, str, str]]:
    return {(o["source_ref"], o["relationship_type"], o["target_ref"]) for o in _by_type(bundle, "relationship")}


def _assert_adversaries_mapped(bundle: dict) -> set:
    """Bureaus as intrusion sets, campaigns, opinions, incidents and reports as STIX; the relationships."""
    identity = next(o for o in _by_type(bundle, "identity") if o["name"] == "Fuzhou Public Security Bureau")
    intrusion_set = next(o for o in _by_type(bundle, "intrusion-set") if o["name"] == identity["name"])
    assert intrusion_set["id"] == stix.intrusion_set_id(identity["id"])
    assert intrusion_set["resource_level"] == "government" and "福州市公安局" in intrusion_set["aliases"]
    fox = next(o for o in _by_type(bundle, "campaign") if o["name"] == "Fox Hunt")
    sky = next(o for o in _by_type(bundle, "campaign") if o["name"] == "Sky Net")
    station = next(o for o in _by_type(bundle, "infrastructure") if o["name"].startswith("Fuzhou police"))
    rels = _rels(bundle)
    assert (intrusion_set["id"], "related-to", identity["id"]) in rels
    assert (fox["id"], "attributed-to", intrusion_set["id"]) in rels
    assert (fox["id"], "uses", station["id"]) in rels
    assert (intrusion_set["id"], "uses", station["id"]) in rels
    assert (fox["id"], "related-to", sky["id"]) in rels
    assert fox["first_seen"] == "2014-01-01T00:00:00.000Z" and "猎狐" in fox["extensions"][stix.EXTENSION_ID]["name_zh"]
    opinion = next(o for o in _by_type(bundle, "opinion"))
    assert opinion["opinion"] == "disagree" and opinion["explanation"] == "the station was never ordered closed"
    incident = _by_type(bundle, "incident")[0]
    core = incident["extensions"][stix.INCIDENT_CORE_EXTENSION_ID]
    assert core == {"extension_type": "property-extension", "determination": "suspected", "investigation_status": "open"}
    report = _by_type(bundle, "report")[0]
    assert station["id"] in report["object_refs"] and any(r.startswith("note--") for r in report["object_refs"])
    return rels


def _assert_audience_sees(bundle: dict, partner, record, rels: set) -> None:
    names = {o.get("name") for o in bundle["objects"]}
    if partner is None:
        # The AMBER campaign stays with partners; the AMBER station's link to Fox Hunt too.
        assert "An AMBER operation" not in names
        amber = stix.record_id(str(__import__("tnrwatch.sharing.selectors", fromlist=["instance"]).instance().uuid),
                               "station", record["amber_station"].pk)
        assert not any(amber in r for r in rels)
    else:
        hidden = next(o for o in _by_type(bundle, "campaign") if o["name"] == "An AMBER operation")
        assert hidden["object_marking_refs"] == [stix.TLP_IDS["amber"]]
        # Its host organisation got an intrusion set: a campaign is attributed to it.
        assert any(o["name"] == "Rotterdam Fujian Association" for o in _by_type(bundle, "intrusion-set"))


def test_bureaus_campaigns_opinions_and_incidents_map_to_stix_and_validate():
    record = _with_campaigns()
    for partner in (None, "Partner A"):
        bundle = _export(partner)
        assert_valid(bundle)  # default and --interop (only OASIS's TLP definitions flagged)
        ids = {o["id"] for o in bundle["objects"]}
        # Every reference resolves inside the bundle (or is a well-known definition).
        for obj in bundle["objects"]:
            dangling = stix.references(obj) - ids - stix.well_known_ids()
            assert not dangling, (obj["id"], dangling)
        rels = _assert_adversaries_mapped(bundle)
        _assert_audience_sees(bundle, partner, record, rels)


def test_campaigns_round_trip_and_derived_objects_raise_no_warning():
    _with_campaigns()
    first = _export("Partner A")
    _empty_the_record()
    result = stix_import(data=json.dumps(first), actor_label="test", strict=True, trusted=True)
    assert result.created["campaign"] == 3
    assert not [w for w in result.warnings if w["id"].split("--")[0] in ("intrusion-set", "opinion", "campaign")]
    fox = m.Campaign.objects.get(name_en="Fox Hunt")
    assert fox.part_of.name_en == "Sky Net" and [o.name_en for o in fox.attributed_to.all()] == ["Fuzhou Public Security Bureau"]
    assert fox.stations.count() == 2 and fox.first_seen == date(2014, 1, 1)
    second = _export("Partner A")
    by_id = lambda b: {o["id"]: o for o in b["objects"]}  # noqa: E731
    assert by_id(first) == by_id(second)


def test_misp_stix_converts_the_campaigns_and_the_bureau(capsys):
    """misp-stix (MISP's STIX 2.1 importer) on our bundle: campaigns and intrusion sets are what it
    turns into galaxy clusters; the test prints and checks what survives."""
    import stix2
    from misp_stix_converter import ExternalSTIX2toMISPParser

    _with_campaigns()
    bundle = _export("Partner A")
    parser = ExternalSTIX2toMISPParser()
    parser.load_stix_bundle(stix2.parse(json.dumps(bundle), allow_custom=True))
    parser.parse_stix_bundle(single_event=True)
    event = json.loads(parser.misp_event.to_json())
    clusters = [c["value"] for g in event.get("Galaxy", []) for c in g.get("GalaxyCluster", [])]
    clusters += [t["name"] for t in event.get("Tag", []) if "galaxy" in t["name"]]
    print("misp-stix galaxies from our campaigns and intrusion sets:", clusters)
    for name in ("Fox Hunt", "Sky Net", "An AMBER operation", "Fuzhou Public Security Bureau"):
        assert name in clusters, name


def test_native_misp_export_carries_bureaus_and_campaigns_as_galaxy_clusters():
    """PyMISP (the MISP project's library) loads the core-format export: each bureau is a cluster of
    MISP's threat-actor galaxy, each campaign a cluster with its attributed-to and part-of relations,
    in the event of its own marking."""
    from pymisp import MISPEvent

    from tnrwatch.sharing.exporters import export_misp

    _with_campaigns()
    out = io.StringIO()
    export_misp(out, partner="Partner A")
    events = []
    for raw in json.loads(out.getvalue())["response"]:
        event = MISPEvent()
        event.load(raw)
        events.append(event)
    clusters = {c.value: (e, c) for e in events for g in e.galaxies for c in g.clusters}
    fox_event, fox = clusters["Fox Hunt"]
    assert [t.name for t in fox_event.tags if t.name.startswith("tlp:")] == ["tlp:clear"]
    assert 'misp-galaxy:tnrwatch-campaign="Fox Hunt"' in [t.name for t in fox_event.tags]
    bureau_event, bureau = clusters["Fuzhou Public Security Bureau"]
    assert bureau.type == "threat-actor" and "福州市公安局" in bureau.meta["synonyms"] and bureau.meta["country"] == "CN"
    relations = {(r.referenced_galaxy_cluster_type, r.referenced_galaxy_cluster_uuid) for r in fox.cluster_relations}
    assert ("attributed-to", bureau.uuid) in relations and ("part-of", clusters["Sky Net"][1].uuid) in relations
    amber_event, _hidden = clusters["An AMBER operation"]
    assert [t.name for t in amber_event.tags if t.name.startswith("tlp:")] == ["tlp:amber"]


def test_ftm_export_has_campaigns_as_events_organised_by_the_bureau():
    """followthemoney validates the campaign entities; organiser and involved point at exported entities."""
    from tnrwatch.sharing.exporters import export_ftm

    _with_campaigns()
    out = io.StringIO()
    export_ftm(out, partner="Partner A")
    entities = {e["id"]: e for e in map(json.loads, out.getvalue().splitlines())}
    fox = next(e for e in entities.values() if e["schema"] == "Event" and e["properties"]["name"] == ["Fox Hunt"])
    assert fox["properties"]["startDate"] == ["2014"] and fox["datasets"] == ["tnrwatch_tlp_clear"]
    organisers = [entities[i]["properties"]["name"][0] for i in fox["properties"]["organizer"]]
    assert organisers == ["Fuzhou Public Security Bureau"]
    assert all(i in entities for i in fox["properties"]["involved"])
    assert any(e["schema"] == "Documentation" and e["properties"]["entity"] == [fox["id"]] for e in entities.values())
