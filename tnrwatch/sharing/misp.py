"""MISP core format (the JSON MISP itself imports and PyMISP loads), from the STIX objects of an
export. Pure Python (no Django import, no PyMISP at run time: the tests load the output with
PyMISP, the MISP project's own library).

Why not only STIX: MISP's STIX 2.1 importer (misp-stix) does not load `infrastructure` or
`incident` objects, so most of the record would be lost on the way in. Here every record is a MISP
object in one event per TLP marking, so each event carries exactly one TLP tag:

| record       | MISP object                  | template                     |
| ------------ | ---------------------------- | ---------------------------- |
| organisation | organization                 | MISP's `organization`        |
| station      | tnrwatch-station             | ours (attributes below)      |
| response     | tnrwatch-government-response | ours, tagged `tnrwatch:response-action="..."` |
| incident     | tnrwatch-incident            | ours                         |
| source       | report                       | MISP's `report`              |
| claim        | tnrwatch-claim               | ours: one `quote` attribute per evidence item |
| country/place| geolocation                  | MISP's `geolocation`         |

Bureaus (the intrusion set each carries in STIX) are clusters of MISP's own `threat-actor` galaxy
(tag `misp-galaxy:threat-actor="…"`, synonyms and country in its meta); campaigns are clusters of
a `tnrwatch-campaign` galaxy (MISP has no standard campaign galaxy), with their `attributed-to`
and `part-of` links as cluster relations. Each event holds the clusters of its own marking.

Relationships become object references (`relationship_type` the STIX type, or its description
where it says more: "operated by", "hosted by"). A reference whose two ends fall in different
events (different markings) is kept in the event of its source object, pointing at the other
event's object by uuid, as MISP allows. Object uuids are those of the STIX ids, so a re-export
updates the same MISP objects.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from . import stix

TLP_TAGS = {"clear": "tlp:clear", "green": "tlp:green", "amber": "tlp:amber", "amber_strict": "tlp:amber+strict"}
# MISP's own object templates (uuid, version), from the misp-objects repository.
TEMPLATES = {
    "organization": ("f750e12b-127a-432c-b022-b3f9153c4e2a", "9"),
    "geolocation": ("cd6f2238-ba55-4888-82c4-104e6e1acf21", "8"),
    "report": ("70a68471-df22-4e3f-aa1a-5a3be19f82df", "8"),
}
# MISP's threat-actor galaxy (misp-galaxy, galaxies/threat-actor.json).
THREAT_ACTOR_GALAXY = {"uuid": "698774c7-8022-42c4-917f-8d6e4f06ada3", "name": "Threat Actor", "type": "threat-actor",
                       "namespace": "misp", "description": "Threat actors are characteristics of malicious actors."}
# Our own templates: a stable uuid per name (MISP accepts objects of templates it does not hold).
OWN_TEMPLATE_NAMESPACE = uuid.UUID("3f9a6c1e-2b0d-4c4e-9a55-6f0f7c3d8e21")


def _uuid(stix_id: str) -> str:
    return stix_id.partition("--")[2]


def _attribute(relation: str, value: Any, kind: str = "text", **extra: Any) -> dict | None:
    if value in (None, "", []):
        return None
    return {"object_relation": relation, "type": kind, "value": str(value), "category": "Other",
            "to_ids": False, "disable_correlation": True, **extra}


def _object(name: str, stix_obj: dict, attributes: list[dict | None], *, description: str = "",
            comment: str = "") -> dict:
    template = TEMPLATES.get(name) or (str(uuid.uuid5(OWN_TEMPLATE_NAMESPACE, name)), "1")
    return {"name": name, "meta-category": "misc", "description": description or name,
            "template_uuid": template[0], "template_version": template[1], "uuid": _uuid(stix_obj["id"]),
            "distribution": "5", "comment": comment, "Attribute": [a for a in attributes if a],
            "ObjectReference": []}


def _ext(obj: dict) -> dict:
    return stix.extension_of(obj) or {}


def _place_attributes(place: dict | None) -> list[dict | None]:
    if not place:
        return []
    return [_attribute("city", place.get("name")), _attribute("latitude", place.get("latitude"), "float"),
            _attribute("longitude", place.get("longitude"), "float")]


def misp_object(obj: dict, names: dict[str, str]) -> dict | None:
    """The MISP object for one STIX object of ours, or None (definitions, relationships)."""
    ext = _ext(obj)
    kind = ext.get("kind")
    if obj["type"] == "location":
        return _object("geolocation", obj, [_attribute("countrycode", obj.get("country")), _attribute("city", obj.get("city")),
                                            _attribute("region", obj.get("region")),
                                            _attribute("latitude", obj.get("latitude"), "float"),
                                            _attribute("longitude", obj.get("longitude"), "float"),
                                            _attribute("text", obj.get("name"))])
    if kind == "organization":
        return _object("organization", obj, [_attribute("name", obj.get("name")), _attribute("description", obj.get("description")),
                                              _attribute("type-of-organization", ext.get("organization_kind")),
                                              _attribute("alias", ext.get("name_zh")),
                                              *(_attribute("alias", a) for a in ext.get("aliases") or [])])
    if kind == "station":
        return _object("tnrwatch-station", obj, [
            _attribute("name", obj.get("name")), _attribute("name-zh", ext.get("name_zh")),
            _attribute("country", ext.get("country")), _attribute("status", ext.get("status")),
            _attribute("first-reported", ext.get("first_reported"), "datetime"), _attribute("description", obj.get("description")),
            *_place_attributes(ext.get("place")), *(_attribute("alias", a) for a in obj.get("aliases") or [])],
            description="An alleged overseas police service station (tnrwatch).")
    if kind == "government-response":
        out = _object("tnrwatch-government-response", obj, [
            _attribute("country", ext.get("country")), _attribute("action", ext.get("action")),
            _attribute("body-kind", ext.get("body_kind")), _attribute("body", ext.get("body")),
            _attribute("date", ext.get("date"), "datetime"), _attribute("summary", obj.get("description")),
            *_place_attributes(ext.get("place"))], description="A host government's response (tnrwatch).")
        for attribute in out["Attribute"]:
            if attribute["object_relation"] == "action":
                attribute["Tag"] = [{"name": f'tnrwatch:response-action="{ext.get("action")}"'}]
        return out
    if kind == "incident":
        return _object("tnrwatch-incident", obj, [
            _attribute("tactic", ext.get("tactic")), _attribute("target-category", ext.get("target_category")),
            _attribute("origin-country", ext.get("origin_country")), _attribute("host-country", ext.get("host_country")),
            _attribute("year", ext.get("year"), "counter"), _attribute("month", ext.get("month"), "counter"),
            _attribute("summary", obj.get("description")), *_place_attributes(ext.get("place"))],
            description="A de-identified incident of transnational repression (tnrwatch).")
    if kind == "source" or obj["type"] == "report":
        link = next((r.get("url") for r in obj.get("external_references") or [] if r.get("url")), None)
        return _object("report", obj, [_attribute("title", obj.get("name")), _attribute("link", link, "link"),
                                        _attribute("type", ext.get("source_kind")),
                                        _attribute("summary", " ".join(x for x in (ext.get("publisher"), ext.get("date")) if x) or None)])
    if kind == "claim":
        return _claim_object(obj, ext, names)
    return None


def _claim_object(obj: dict, ext: dict, names: dict[str, str]) -> dict:
    """A claim as a MISP object: its quotes as attributes, its subject and sources as references."""
    attrs = [_attribute("property", ext.get("prop")), _attribute("value", ext.get("value")), _attribute("status", ext.get("status"))]
    for ev in ext.get("evidence") or []:
        attrs.append(_attribute("quote", ev.get("quote"), comment=f"{ev.get('stance', 'supports')}: "
                                f"{names.get(ev.get('source_ref', ''), ev.get('source_ref', ''))} {ev.get('location', '')}".strip()))
    out = _object("tnrwatch-claim", obj, attrs, description="A claim with its verbatim evidence quotes (tnrwatch).")
    if ext.get("subject_ref"):
        out["ObjectReference"].append({"referenced_uuid": _uuid(ext["subject_ref"]), "relationship_type": "describes"})
    for ev in ext.get("evidence") or []:
        if ev.get("source_ref"):
            out["ObjectReference"].append({"referenced_uuid": _uuid(ev["source_ref"]), "relationship_type": "cites"})
    return out
CAMPAIGN_GALAXY = {"uuid": str(uuid.uuid5(OWN_TEMPLATE_NAMESPACE, "galaxy:tnrwatch-campaign")), "name": "tnrwatch campaign",
                   "type": "tnrwatch-campaign", "namespace": "tnrwatch",
                   "description": "Named operations of state bodies against emigrants (tnrwatch)."}


def _cluster(galaxy: dict, obj: dict, meta: dict[str, Any]) -> dict:
    value = obj["name"]
    return {"uuid": _uuid(obj["id"]), "type": galaxy["type"], "value": value, "description": obj.get("description", ""),
            "tag_name": f'misp-galaxy:{galaxy["type"]}="{value}"', "meta": {k: val for k, val in meta.items() if val},
            "GalaxyClusterRelation": []}


def galaxy_clusters(objects: list[dict]) -> dict[str, dict]:
    """{STIX id: cluster} of the bureaus' intrusion sets (MISP threat-actor galaxy) and campaigns,
    with cluster relations from the STIX relationships between them."""
    bureaus = {stix.intrusion_set_id(o["id"]): o for o in objects if o["type"] == "identity"}
    clusters: dict[str, dict] = {}
    for obj in objects:
        if obj["type"] == "intrusion-set":
            country = _ext(bureaus.get(obj["id"], {})).get("country")
            clusters[obj["id"]] = _cluster(THREAT_ACTOR_GALAXY, obj, {"synonyms": obj.get("aliases"), "country": country})
        elif obj["type"] == "campaign":
            ext = _ext(obj)
            clusters[obj["id"]] = _cluster(CAMPAIGN_GALAXY, obj, {"synonyms": obj.get("aliases"), "objective": obj.get("objective"),
                                                                   "first-seen": ext.get("date")})
    for obj in objects:
        if obj["type"] == "relationship" and obj["source_ref"] in clusters and obj["target_ref"] in clusters:
            clusters[obj["source_ref"]]["GalaxyClusterRelation"].append({
                "referenced_galaxy_cluster_uuid": _uuid(obj["target_ref"]),
                "referenced_galaxy_cluster_type": (obj.get("description") or obj["relationship_type"]).replace(" ", "-")})
    return clusters


def _intrusion_set_links(objects: list[dict[str, Any]], clusters: dict[str, dict[str, Any]],
                         index: dict[str, dict[str, Any]]) -> None:
    """A bureau's intrusion set is a galaxy cluster in MISP, which cannot hold object references: its
    link to the bureau's identity becomes the cluster's tag on the organisation object's name, and
    its `uses` of a station a `used-by` reference from the station to the organisation."""
    bureau_of = {stix.intrusion_set_id(o["id"]): o["id"] for o in objects if o["type"] == "identity"}
    for obj in objects:
        if obj["type"] != "relationship" or obj["source_ref"] not in clusters or obj["source_ref"] not in bureau_of:
            continue
        org = index.get(_uuid(bureau_of[obj["source_ref"]]))
        target = index.get(_uuid(obj["target_ref"]))
        if org is None:
            continue
        if obj["relationship_type"] == "related-to" and target is org:
            name = next((a for a in org["Attribute"] if a["object_relation"] == "name"), None)
            if name is not None:
                name.setdefault("Tag", []).append({"name": clusters[obj["source_ref"]]["tag_name"]})
                name["uuid"] = _uuid(obj["id"])
        elif obj["relationship_type"] == "uses" and target is not None:
            target["ObjectReference"].append({"uuid": _uuid(obj["id"]), "referenced_uuid": org["uuid"],
                                              "relationship_type": "used-by"})


def _galaxies(clusters: list[tuple[dict, dict]]) -> list[dict]:
    out: dict[str, dict] = {}
    for galaxy, cluster in clusters:
        out.setdefault(galaxy["uuid"], {**galaxy, "GalaxyCluster": []})["GalaxyCluster"].append(cluster)
    return list(out.values())


def _galaxies_by_marking(objects: list[dict], clusters: dict[str, dict]) -> dict[str, list[tuple[dict, dict]]]:
    """{marking: (galaxy, cluster) of each bureau or campaign shared at that marking} (never RED)."""
    galaxies_by_marking: dict[str, list[tuple[dict, dict]]] = {}
    for obj in objects:
        if obj["id"] in clusters:
            marking = stix.object_marking(obj, "red")[0]
            if marking != "red":
                galaxy = THREAT_ACTOR_GALAXY if obj["type"] == "intrusion-set" else CAMPAIGN_GALAXY
                galaxies_by_marking.setdefault(marking, []).append((galaxy, clusters[obj["id"]]))
    return galaxies_by_marking


def misp_events(objects: Iterable[dict], *, title: str, date: str) -> list[dict]:
    """One MISP event per TLP marking (exactly one TLP tag each), in MISP core format."""
    objects = list(objects)
    names = {o["id"]: o.get("name", "") for o in objects if o.get("name")}
    clusters = galaxy_clusters(objects)
    galaxies_by_marking = _galaxies_by_marking(objects, clusters)
    by_marking: dict[str, list[dict]] = {}
    uuid_marking: dict[str, str] = {}
    for obj in objects:
        marking = stix.object_marking(obj, "red")[0]
        if marking == "red" or obj["type"] in ("marking-definition", "extension-definition") or \
                (obj["type"] == "identity" and not _ext(obj)):
            continue
        converted = misp_object(obj, names) if obj["type"] != "relationship" else None
        if converted is not None:
            by_marking.setdefault(marking, []).append(converted)
            uuid_marking[converted["uuid"]] = marking
    index = {o["uuid"]: o for objs in by_marking.values() for o in objs}
    _intrusion_set_links(objects, clusters, index)
    for obj in objects:
        if obj["type"] != "relationship" or obj["source_ref"].startswith("intrusion-set--"):
            continue
        source = index.get(_uuid(obj["source_ref"]))
        if source is not None and _uuid(obj["target_ref"]) in index:
            source["ObjectReference"].append({"uuid": _uuid(obj["id"]), "referenced_uuid": _uuid(obj["target_ref"]),
                                              "relationship_type": (obj.get("description") or obj["relationship_type"]).replace(" ", "-")})
    events = []
    for marking in [mk for mk in stix.MARKING_ORDER[::-1] if mk in by_marking or mk in galaxies_by_marking]:
        in_event = galaxies_by_marking.get(marking, [])
        events.append({"Event": {
            "uuid": str(uuid.uuid5(OWN_TEMPLATE_NAMESPACE, f"{title}:{marking}")),
            "info": f"{title} ({stix.TLP_NAMES[marking]})", "date": date, "threat_level_id": "4", "analysis": "2",
            "distribution": "0", "published": False,
            "Tag": [{"name": TLP_TAGS[marking]}, *({"name": c["tag_name"]} for _g, c in in_event)],
            "Galaxy": _galaxies(in_event), "Attribute": [], "Object": by_marking.get(marking, [])}})
    return events
