"""STIX 2.1 and FollowTheMoney mappings of people, addresses and ties. No Django import.

A person is an `identity` with `identity_class` "individual"; an address a `location` with its
street, postcode, city and country; a tie a `relationship` between the two ends' objects, with
`start_time`/`stop_time` where the source dates it. Relationship types come from STIX's own
vocabulary where one fits (`located-at` for an address, `owns`, `related-to`); the others are
custom types in the spec's form (lower case, hyphens), which stix2-validator accepts and which
say the FtM schema they stand for. Each object carries the record's extension (`kind` person,
address or tie) with what STIX lacks. A link takes the strictest marking of its ends and its own.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from tnrwatch.registry import subjects

from . import stix

NETWORK_KINDS = {t: subjects.subject(t).stix_type for t in ("person", "address", "tie")}  # `registry/subjects.py`

RELATIONSHIP_TYPES = {
    "membership": "member-of", "directorship": "directs", "employment": "employed-by", "ownership": "owns",
    "registered_at": "registered-at", "located_at": "located-at", "funding": "funds",
    "affiliation": "affiliated-with", "family": "family-of", "same_address_as": "shares-address-with",
    "unknown": "related-to",
}
# FtM's interval schemata, and which of their properties hold the tie's two ends.
FTM_SCHEMATA = {
    "membership": ("Membership", "member", "organization"),
    "directorship": ("Directorship", "director", "organization"),
    "employment": ("Employment", "employee", "employer"),
    # FtM's Ownership wants an Asset (a Company, a building); the record's organisations and
    # stations are not, so ownership travels as an UnknownLink with its role.
    "ownership": ("UnknownLink", "subject", "object"),
    "family": ("Family", "person", "relative"),
    "same_address_as": ("UnknownLink", "subject", "object"),
    "affiliation": ("UnknownLink", "subject", "object"),
    "registered_at": ("UnknownLink", "subject", "object"),
    "located_at": ("UnknownLink", "subject", "object"),
    "funding": ("UnknownLink", "subject", "object"),
    "unknown": ("UnknownLink", "subject", "object"),
}


def _ext(kind: str, **props: Any) -> dict[str, Any]:
    body = {"extension_type": "property-extension", "kind": kind}
    body.update({k: val for k, val in props.items() if val not in (None, "", [], ())})
    return {stix.EXTENSION_ID: body}


def person_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    obj = stix._base("identity", rec)
    obj.update(name=rec["name"], identity_class="individual")
    if rec.get("position"):
        obj["roles"] = [rec["position"]]
    if rec.get("description"):
        obj["description"] = rec["description"]
    obj["extensions"] = _ext("person", name_zh=rec.get("name_zh"), aliases=rec.get("aliases"),
                             country=rec.get("country"), public_basis=rec.get("public_basis"),
                             birth_date=rec.get("birth_date"))
    return [obj, *stix._location_refs(rec), *stix._located_at(obj["id"], rec)]


def address_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    obj = stix._base("location", rec)
    obj.update(name=rec["full"], country=rec["country"])
    for prop, key in (("street_address", "street"), ("postal_code", "postcode"), ("city", "city")):
        if rec.get(key):
            obj[prop] = rec[key]
    if rec.get("latitude") is not None and rec.get("longitude") is not None:
        obj["latitude"], obj["longitude"] = float(rec["latitude"]), float(rec["longitude"])
    region = stix.country_region(rec["country"])
    if region:
        obj["region"] = region
    obj["extensions"] = _ext("address", geo_precision=rec.get("geo_precision"))
    return [obj]


def tie_objects(rec: dict[str, Any]) -> list[dict[str, Any]]:
    obj = stix._base("relationship", rec)
    obj["object_marking_refs"] = [stix.TLP_IDS[stix.strictest(rec["marking"], *rec["end_markings"])]]
    obj.update(relationship_type=RELATIONSHIP_TYPES[rec["kind"]], source_ref=rec["source_ref"],
               target_ref=rec["target_ref"])
    if rec.get("role"):
        obj["description"] = rec["role"]
    if rec.get("start_time"):
        obj["start_time"] = stix.timestamp(rec["start_time"])
    if rec.get("stop_time"):
        obj["stop_time"] = stix.timestamp(rec["stop_time"])
        if obj.get("start_time") and obj["stop_time"] <= obj["start_time"]:
            del obj["stop_time"]  # STIX wants stop after start; same-day (or coarser) ties keep only the start
    obj["extensions"] = _ext("tie", tie_kind=rec["kind"], role=rec.get("role"), start=rec.get("start"),
                             start_precision=rec.get("start_precision"), end=rec.get("end"),
                             end_precision=rec.get("end_precision"))
    return [obj]


MAPPERS = {"person": person_objects, "address": address_objects, "tie": tie_objects}


def ftm_network_entities(obj: dict[str, Any], ext: dict[str, Any], marking: str, ftm_id: Any,
                         make: Any) -> Iterator[tuple[Any, str]]:
    """(FtM entity, marking) for one person, address or tie STIX object (`make` is
    followthemoney's `model.make_entity`, `ftm_id` the export's id mapping)."""
    kind = ext.get("kind")
    if kind == "person":
        e = make("Person")
        e.id = ftm_id(obj["id"])
        e.add("name", obj["name"])
        e.add("alias", [ext.get("name_zh"), *ext.get("aliases", [])])
        e.add("nationality", ext.get("country"))
        e.add("position", obj.get("roles", []))
        e.add("description", obj.get("description"))
        e.add("birthDate", ext.get("birth_date"))
        yield e, marking
    elif kind == "address":
        e = make("Address")
        e.id = ftm_id(obj["id"])
        e.add("full", obj["name"])
        e.add("street", obj.get("street_address"))
        e.add("postalCode", obj.get("postal_code"))
        e.add("city", obj.get("city"))
        e.add("country", obj.get("country"))
        e.add("latitude", obj.get("latitude"))
        e.add("longitude", obj.get("longitude"))
        yield e, marking
    elif kind == "tie":
        yield from _ftm_tie(obj, ext, marking, ftm_id, make)


def _ftm_tie(obj: dict[str, Any], ext: dict[str, Any], marking: str, ftm_id: Any, make: Any) -> Iterator[tuple[Any, str]]:
    tie_kind = ext.get("tie_kind", "unknown")
    source, target = ftm_id(obj["source_ref"]), ftm_id(obj["target_ref"])
    # FtM keeps an address as a property of the thing (`addressEntity`), not as an interval: a tie
    # to an address stays an UnknownLink so its dates, role and evidence travel with it.
    schema, from_prop, to_prop = FTM_SCHEMATA.get(tie_kind, FTM_SCHEMATA["unknown"])
    e = make(schema)
    e.id = ftm_id(obj["id"])
    e.add(from_prop, source)
    e.add(to_prop, target)
    role = ext.get("role") or stix_label(tie_kind)
    e.add("relationship" if schema == "Family" else "role", role)
    e.add("startDate", ext.get("start"))
    e.add("endDate", ext.get("end"))
    yield e, marking


def stix_label(tie_kind: str) -> str:
    return tie_kind.replace("_", " ")
