"""The record's entities as FollowTheMoney proxies, the side a file is matched against.

Staff cross-reference the whole record (every marking: the file never leaves the instance and the
proposals are staff-only), so this reads the models directly rather than through `sharing.outbound`,
which decides what leaves. The proxies follow the FtM export's shapes (`sharing/exporters.py`:
stations and organisations as Organization, bureaus and government bodies as PublicBody), with the
record's aliases as names, the place as address and the country. Ids are `record-<subject type>-<pk>`.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from followthemoney import model
from followthemoney.proxy import EntityProxy

from tnrwatch.registry import subjects
from tnrwatch.registry.models import Address, Alias, Tie

# subject type -> model, for the entity kinds the record can be matched on
MATCHED_TYPES = ("organization", "station", "person", "address")


def matched_model(subject_type: str) -> Any:
    """The model of an entity kind the record can be matched on, or None (`registry/subjects.py`)."""
    return subjects.subject(subject_type).model if subject_type in MATCHED_TYPES else None
# Entity kinds a reviewed merge can fold a file's entity into (registry.services.entity_merge; an address has no names to take).
MERGE_INTO = ("organization", "station", "person")
_AT_ADDRESS = ("registered_at", "located_at")
_PUBLIC_BODIES = ("operating_bureau", "government_body")
_BATCH = 2000


def record_id(subject_type: str, pk: int) -> str:
    """The FtM id of a record entity (FtM ids are letters, digits, dots and hyphens)."""
    return f"record-{subject_type}-{pk}"


def parse_record_id(value: str) -> tuple[str, int] | None:
    prefix, _sep, rest = value.partition("-")
    subject_type, _sep, pk = rest.partition("-")
    if prefix == "record" and subject_type in MATCHED_TYPES and pk.isdigit():
        return subject_type, int(pk)
    return None


def _aliases(subject_type: str, ids: list[int]) -> dict[int, list[str]]:
    out: dict[int, list[str]] = {}
    for subject_id, name in (Alias.objects.filter(subject_type=subject_type, subject_id__in=ids)
                             .order_by("subject_id", "id").values_list("subject_id", "name")):
        out.setdefault(subject_id, []).append(name)
    return out


def _addresses(subject_type: str, ids: list[int]) -> dict[int, list[str]]:
    """The street addresses an entity is registered or located at (through its ties)."""
    out: dict[int, list[str]] = {}
    ties = list(Tie.objects.filter(from_type=subject_type, from_id__in=ids, kind__in=_AT_ADDRESS, to_type="address")
                .values_list("from_id", "to_id"))
    full = dict(Address.objects.filter(pk__in={to for _f, to in ties}).values_list("pk", "full"))
    for from_id, to_id in ties:
        if to_id in full:
            out.setdefault(from_id, []).append(full[to_id])
    return out


def _birth_date(person: Any) -> str | None:
    if person.birth_date is None:
        return None
    cut = {"year": 4, "month": 7}.get(person.birth_date_precision, 10)
    return person.birth_date.isoformat()[:cut]


def _proxy(subject_type: str, obj: Any, aliases: list[str], addresses: list[str]) -> EntityProxy:
    if subject_type == "address":
        proxy = model.make_entity("Address")
        proxy.id = record_id(subject_type, obj.pk)
        proxy.add("full", obj.full, quiet=True)
        proxy.add("street", obj.street, quiet=True)
        proxy.add("postalCode", obj.postcode, quiet=True)
        proxy.add("city", obj.city, quiet=True)
        proxy.add("country", obj.country.iso2.lower(), quiet=True)
        return proxy
    if subject_type == "person":
        proxy = model.make_entity("Person")
        proxy.add("birthDate", _birth_date(obj), quiet=True)
        proxy.add("position", obj.position, quiet=True)
    else:
        kind = getattr(obj, "kind", "")
        proxy = model.make_entity("PublicBody" if kind in _PUBLIC_BODIES else "Organization")
    proxy.id = record_id(subject_type, obj.pk)
    proxy.add("name", obj.name_en, quiet=True)
    proxy.add("alias", [obj.name_zh, *aliases], quiet=True)
    country = obj.country.iso2.lower() if obj.country_id else None
    proxy.add("nationality" if subject_type == "person" else "country", country, quiet=True)
    proxy.add("address", addresses, quiet=True)
    if not addresses and getattr(obj, "place_id", None):
        proxy.add("address", f"{obj.place.name_en}, {obj.place.country.name_en}", quiet=True)
    return proxy


def record_entities() -> Iterator[EntityProxy]:
    """Every matchable entity of the record, in batches (memory stays flat on a large record)."""
    for subject_type in MATCHED_TYPES:
        entity_model = matched_model(subject_type)
        related = ["country"] if subject_type == "person" else ["country", "place__country"]
        queryset = entity_model.objects.select_related(*related).order_by("pk")
        last = 0
        while True:
            batch = list(queryset.filter(pk__gt=last)[:_BATCH])
            if not batch:
                break
            ids = [obj.pk for obj in batch]
            names = _aliases(subject_type, ids) if subject_type != "address" else {}
            addresses = _addresses(subject_type, ids) if subject_type != "address" else {}
            for obj in batch:
                yield _proxy(subject_type, obj, names.get(obj.pk, []), addresses.get(obj.pk, []))
            last = batch[-1].pk


def record_exists(value: str) -> bool:
    parsed = parse_record_id(value)
    return parsed is not None and matched_model(parsed[0]).objects.filter(pk=parsed[1]).exists()


def record_label(subject_type: str, pk: int) -> str:
    obj = matched_model(subject_type).objects.filter(pk=pk).first()
    return str(obj)[:300] if obj is not None else f"{subject_type} {pk}"
