"""Export units of people, addresses and ties (rows already from `outbound_queryset`).

A person's birth date leaves only to partners, never to the public (the naming standard lets a
public actor be named, not profiled). A tie leaves only with both its ends' objects (the rule
checked that the audience may see them) and takes the strictest marking of its ends and its own.
"""

from __future__ import annotations

from collections.abc import Iterator

from tnrwatch.registry import models as m
from tnrwatch.registry import subjects

from .. import stix_network
from .context import ExportContext, Unit


def _date(day: object, precision: str) -> str | None:
    if day is None:
        return None
    iso = day.isoformat()  # type: ignore[attr-defined]
    return {"year": iso[:4], "month": iso[:7]}.get(precision, iso)


def units_person(ctx: ExportContext, rows: list[m.Person]) -> Iterator[Unit]:
    refs = ctx.refs("person", [p.pk for p in rows])
    aliases = ctx.aliases("person", rows)
    for p in rows:
        country = ctx.country(p.country_id)
        rec = ctx.meta("person", p, refs.get(p.pk)) | {
            "name": p.name_en, "name_zh": p.name_zh, "position": p.position, "description": p.description,
            "public_basis": p.public_basis, "aliases": aliases.get(p.pk, []),
            "country": country[0] if country else None, "country_name": country[1] if country else None,
            "birth_date": None if ctx.audience.is_public else _date(p.birth_date, p.birth_date_precision),
        }
        yield Unit(p.updated_at, 6, p.pk, stix_network.person_objects(rec))


def units_address(ctx: ExportContext, rows: list[m.Address]) -> Iterator[Unit]:
    refs = ctx.refs("address", [a.pk for a in rows])
    for a in rows:
        country = ctx.country(a.country_id)
        rec = ctx.meta("address", a, refs.get(a.pk)) | {
            "full": a.full, "street": a.street, "postcode": a.postcode, "city": a.city,
            "country": country[0] if country else "", "latitude": a.latitude, "longitude": a.longitude,
            "geo_precision": a.geo_precision,
        }
        yield Unit(a.updated_at, 7, a.pk, stix_network.address_objects(rec))


def units_tie(ctx: ExportContext, rows: list[m.Tie]) -> Iterator[Unit]:
    refs = ctx.refs("tie", [t.pk for t in rows])
    by_type: dict[str, set[int]] = {}
    for t in rows:
        by_type.setdefault(t.from_type, set()).add(t.from_id)
        by_type.setdefault(t.to_type, set()).add(t.to_id)
    ids = {end_type: ctx.ids(end_type, pks) for end_type, pks in by_type.items()}
    markings = {end_type: dict(subjects.subject(end_type).model._default_manager.filter(pk__in=pks).values_list("pk", "marking"))
                for end_type, pks in by_type.items()}
    for t in rows:
        rec = ctx.meta("tie", t, refs.get(t.pk)) | {
            "kind": t.kind, "role": t.role, "source_ref": ids[t.from_type][t.from_id],
            "target_ref": ids[t.to_type][t.to_id],
            "end_markings": [markings[t.from_type].get(t.from_id, "red"), markings[t.to_type].get(t.to_id, "red")],
            "start": _date(t.start_date, t.start_precision), "start_precision": t.start_precision if t.start_date else None,
            "end": _date(t.end_date, t.end_precision), "end_precision": t.end_precision if t.end_date else None,
            "start_time": t.start_date, "stop_time": t.end_date,
        }
        yield Unit(t.updated_at, 8, t.pk, stix_network.tie_objects(rec))
