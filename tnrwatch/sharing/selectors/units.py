"""One builder per record kind: a chunk of model rows, as the audience may see them, -> `Unit`s.

Each builder reads the references it needs (ids, aliases, linked stations, evidence) for the whole
chunk at once; a linked record the audience may not see is dropped from the references.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import UTC, datetime
from typing import Any

from tnrwatch.registry import models as m
from tnrwatch.registry import subjects
from tnrwatch.registry import vocabulary as v

from .. import stix
from ..outbound import outbound_queryset, readable_evidence, visible_ids, visible_markings
from .context import KIND_MODELS, KIND_ORDER, ExportContext, Unit
from .network_units import units_address, units_person, units_tie


def actor_ids(ctx: ExportContext, pks: Iterable[int | None]) -> set[int]:
    """Which of these organisations leave with an intrusion set: operating bureaus, and bodies a
    campaign the audience may see is attributed to."""
    pks = {p for p in pks if p is not None}
    if not pks:
        return set()
    out = set(m.Organization.objects.filter(pk__in=pks, kind="operating_bureau").values_list("pk", flat=True))
    through = m.Campaign.attributed_to.through
    links = list(through.objects.filter(organization_id__in=pks - out).values_list("organization_id", "campaign_id"))
    seen = visible_ids(m.Campaign, ctx.audience, [c for _o, c in links])
    return out | {o for o, c in links if c in seen}


def _units_organization(ctx: ExportContext, rows: list[m.Organization]) -> Iterator[Unit]:
    refs = ctx.refs("organization", [o.pk for o in rows])
    aliases = ctx.aliases("organization", rows)
    actors = actor_ids(ctx, [o.pk for o in rows])
    for o in rows:
        country = ctx.country(o.country_id)
        rec = ctx.meta("organization", o, refs.get(o.pk)) | {
            "name": o.name_en, "name_zh": o.name_zh, "kind": o.kind, "description": o.description,
            "country": country[0] if country else None, "country_name": country[1] if country else None,
            "region": o.region, "place": ctx.place(o.place), "aliases": aliases.get(o.pk, []),
            "adversary": o.pk in actors,
        }
        yield Unit(o.updated_at, 0, o.pk, stix.organization_objects(rec))


def _units_station(ctx: ExportContext, rows: list[m.Station]) -> Iterator[Unit]:
    refs = ctx.refs("station", [s.pk for s in rows])
    aliases = ctx.aliases("station", rows)
    org_pks = visible_ids(m.Organization, ctx.audience, [s.operator_id for s in rows] + [s.host_organization_id for s in rows])
    org_ids = ctx.ids("organization", org_pks)
    org_markings = dict(m.Organization.objects.filter(pk__in=org_pks).values_list("pk", "marking"))
    actors = actor_ids(ctx, org_pks)
    for s in rows:
        country = ctx.country(s.country_id)
        rec = ctx.meta("station", s, refs.get(s.pk)) | {
            "name": s.name_en, "name_zh": s.name_zh, "description": s.description, "status": s.public_status,
            "country": country[0], "country_name": country[1], "place": ctx.place(s.place),
            "first_reported": s.first_reported.isoformat() if s.first_reported else None,
            "operator_ref": org_ids.get(s.operator_id), "host_organization_ref": org_ids.get(s.host_organization_id),
            "operator_marking": org_markings.get(s.operator_id, "red"),
            "operator_is_adversary": s.operator_id in actors,
            "host_marking": org_markings.get(s.host_organization_id, "red"),
            "aliases": aliases.get(s.pk, []),
        }
        yield Unit(s.updated_at, 1, s.pk, stix.station_objects(rec))


def _station_links(ctx: ExportContext, through: Any, owner: str, pks: list[int]) -> dict[int, list[str]]:
    links: dict[int, list[int]] = {}
    for owner_id, st_id in through.objects.filter(**{f"{owner}_id__in": pks}).values_list(f"{owner}_id", "station_id"):
        links.setdefault(owner_id, []).append(st_id)
    visible = visible_ids(m.Station, ctx.audience, [s for ids in links.values() for s in ids])
    ids = ctx.ids("station", visible)
    return {k: sorted(ids[s] for s in vals if s in visible) for k, vals in links.items()}


def _units_response(ctx: ExportContext, rows: list[m.GovernmentResponse]) -> Iterator[Unit]:
    refs = ctx.refs("response", [r.pk for r in rows])
    stations = _station_links(ctx, m.GovernmentResponse.stations.through, "governmentresponse", [r.pk for r in rows])
    for r in rows:
        country = ctx.country(r.country_id)
        rec = ctx.meta("response", r, refs.get(r.pk)) | {
            "name": f"{country[1]}: {v.RESPONSE_ACTIONS.get(r.action, r.action)}", "summary": r.summary,
            "country": country[0], "country_name": country[1], "action": r.action, "body_kind": r.body_kind,
            "body": r.body, "date": r.date.isoformat() if r.date else None, "date_precision": r.date_precision,
            "place": ctx.place(r.place), "station_refs": stations.get(r.pk, []),
        }
        yield Unit(r.updated_at, 2, r.pk, stix.response_objects(rec))


def _units_incident(ctx: ExportContext, rows: list[m.Incident]) -> Iterator[Unit]:
    refs = ctx.refs("incident", [i.pk for i in rows])
    for inc in rows:
        row = ctx.incident_row(inc.pk)
        if row is None:
            continue
        station_ids = ctx.ids("station", row.station_ids)
        station_markings = ctx.markings("station", row.station_ids)
        place = None
        if row.place_id is not None and inc.place is not None:
            place = ctx.place(inc.place)
        when = "-".join(f"{x:02d}" if i else str(x) for i, x in enumerate(p for p in (row.year, row.month) if p)) or "undated"
        rec = ctx.meta("incident", inc, refs.get(inc.pk)) | {
            "name": f"{v.INCIDENT_TACTICS.get(row.tactic, row.tactic)}, {row.host_country}, {when}",
            "summary": row.summary, "tactic": row.tactic, "target_category": row.target_category,
            "origin_country": row.origin_country, "host_country": row.host_country,
            "country_name": _country_name(ctx, inc.host_country_id),
            "year": row.year, "month": row.month, "day": row.day, "place": place,
            "station_refs": sorted(station_ids[s] for s in row.station_ids),
            "station_markings": {station_ids[s]: station_markings.get(s, "red") for s in row.station_ids},
        }
        if inc.from_report:
            # An incident promoted from a report: the record's own timestamps, to the first day of
            # their year (when an analyst promoted it could point at when someone reported), the
            # same for every audience. Never an invented date; other incidents keep their real ones.
            rec["created"] = _year_start(inc.created_at)
            rec["modified"] = max(rec["created"], _year_start(inc.updated_at))
        yield Unit(inc.updated_at, 3, inc.pk, stix.incident_objects(rec))


def _year_start(value: datetime) -> datetime:
    return datetime(value.astimezone(UTC).year, 1, 1, tzinfo=UTC)


def _country_name(ctx: ExportContext, pk: int) -> str:
    c = ctx.country(pk)
    return c[1] if c else ""


# Claims leave with the records they are about: the exported kinds, and countries and places (locations).
EXPORTED_SUBJECTS = [k.subject_type for k in subjects.kinds(claim_subject=True)
                     if k.exported or k.subject_type in ("country", "place")]


def _visible_evidence(ctx: ExportContext, *, claim_ids: list[int] | None = None, source_ids: list[int] | None = None) -> list:
    """Evidence the audience may read, for a chunk of claims or of sources: `readable_evidence`, with
    the claims' visibility checked on the chunk's ids only (`outbound_queryset(Evidence)` would
    re-evaluate every claim's visibility for each chunk). Evidence rows for claims; (source id,
    claim id) pairs for sources."""
    qs = readable_evidence(ctx.audience)
    if claim_ids is not None:
        # The claims of the chunk came from outbound_queryset(Claim): already visible.
        return list(qs.filter(claim_id__in=claim_ids).order_by("id"))
    # Only (source, claim) pairs: a source may be cited by thousands of claims.
    pairs = list(qs.filter(source_id__in=source_ids or []).order_by("id").values_list("source_id", "claim_id"))
    visible_claims: set[int] = set()
    wanted = sorted({claim for _source, claim in pairs})
    for i in range(0, len(wanted), 900):
        visible_claims |= set(outbound_queryset(m.Claim, ctx.audience).filter(
            pk__in=wanted[i:i + 900], subject_type__in=EXPORTED_SUBJECTS).values_list("pk", flat=True))
    return [(source, claim) for source, claim in pairs if claim in visible_claims]


def _units_source(ctx: ExportContext, rows: list[m.Source]) -> Iterator[Unit]:
    refs = ctx.refs("source", [s.pk for s in rows])
    citing: dict[int, set[int]] = {}
    for source_id, claim_id in _visible_evidence(ctx, source_ids=[s.pk for s in rows]):
        citing.setdefault(source_id, set()).add(claim_id)
    cited = {c for cs in citing.values() for c in cs}
    claim_ids = ctx.ids("claim", cited)
    claims = [c for i in range(0, len(cited), 900)
              for c in m.Claim.objects.filter(pk__in=sorted(cited)[i:i + 900]).only("pk", "subject_type", "subject_id")]
    subjects = _subject_ids(ctx, claims)
    subject_of = {c.pk: subjects.get((c.subject_type, c.subject_id)) for c in claims}
    for s in rows:
        rec = ctx.meta("source", s, refs.get(s.pk))
        # What the report is about: the claims citing it and their subjects (each of them leaves in
        # the same export: a visible claim has a visible subject).
        about = {claim_ids[c] for c in citing.get(s.pk, ())} | {subject_of[c] for c in citing.get(s.pk, ()) if subject_of.get(c)}
        object_refs = sorted(about) or [rec["created_by_ref"]]
        rec |= {"title": s.title, "kind": s.kind, "publisher": s.publisher, "author": s.author, "url": s.url,
                "published": s.published.isoformat() if s.published else None, "language": s.language,
                "sha256": s.sha256, "object_refs": object_refs}
        if s.published:
            rec["published"] = s.published.isoformat()
        yield Unit(s.updated_at, 4, s.pk, stix.source_objects(rec))


def _subject_ids(ctx: ExportContext, claims: list[m.Claim]) -> dict[tuple[str, int], str]:
    by_type: dict[str, set[int]] = {}
    for c in claims:
        by_type.setdefault(c.subject_type, set()).add(c.subject_id)
    out: dict[tuple[str, int], str] = {}
    for subject_type, pks in by_type.items():
        if subject_type == "country":
            for pk in pks:
                iso2 = ctx.country(pk)
                if iso2:
                    out[(subject_type, pk)] = stix.country_id(iso2[0])
        elif subject_type == "place":
            for p in m.Place.objects.filter(pk__in=pks):
                iso2 = ctx.country(p.country_id)
                out[(subject_type, p.pk)] = stix.place_id(p.name_en, iso2[0])
        elif subject_type in KIND_MODELS:
            for pk, sid in ctx.ids(subject_type, pks).items():
                out[(subject_type, pk)] = sid
    return out


def _units_claim(ctx: ExportContext, rows: list[m.Claim]) -> Iterator[Unit]:
    refs = ctx.refs("claim", [c.pk for c in rows])
    subjects = _subject_ids(ctx, rows)
    evidence: dict[int, list[m.Evidence]] = {}
    for ev in _visible_evidence(ctx, claim_ids=[c.pk for c in rows]):
        evidence.setdefault(ev.claim_id, []).append(ev)
    source_ids = ctx.ids("source", {ev.source_id for evs in evidence.values() for ev in evs})
    for c in rows:
        evs = evidence.get(c.pk)
        subject = subjects.get((c.subject_type, c.subject_id))
        if c.subject_type in ("person", "address", "tie") and ctx.kinds is not None and c.subject_type not in ctx.kinds:
            continue
        if not evs or subject is None:
            continue  # no claim leaves without a quote the audience may read
        latest = max([c.updated_at, *(ev.updated_at for ev in evs)])
        rec = ctx.meta("claim", c, refs.get(c.pk), changed_at=latest)
        if c.pk not in refs:
            rec["modified"] = latest
        rec |= {"subject_ref": subject, "prop": c.prop, "value": c.value, "status": c.status, "evidence": [
            {"source_ref": source_ids[ev.source_id], "quote": ev.quote, "stance": ev.stance, "location": ev.location,
             "start": ev.start, "end": ev.end, "marking": ev.marking} for ev in evs]}
        objects = stix.claim_objects(rec)
        if c.subject_type in ("country", "place"):
            objects += _subject_location(ctx, c)
        yield Unit(c.updated_at, 5, c.pk, objects)


def _subject_location(ctx: ExportContext, claim: m.Claim) -> list[dict]:
    if claim.subject_type == "country":
        c = ctx.country(claim.subject_id)
        return [stix.country_location(c[0], c[1])] if c else []
    place = m.Place.objects.filter(pk=claim.subject_id).first()
    return [stix.place_location(ctx.place(place))] if place else []


def _units_campaign(ctx: ExportContext, rows: list[m.Campaign]) -> Iterator[Unit]:
    refs = ctx.refs("campaign", [c.pk for c in rows])
    aliases = ctx.aliases("campaign", rows)
    pks = [c.pk for c in rows]
    orgs: dict[int, list[int]] = {}
    for cid, oid in m.Campaign.attributed_to.through.objects.filter(campaign_id__in=pks).values_list("campaign_id", "organization_id"):
        orgs.setdefault(cid, []).append(oid)
    stations: dict[int, list[int]] = {}
    for cid, sid in m.Campaign.stations.through.objects.filter(campaign_id__in=pks).values_list("campaign_id", "station_id"):
        stations.setdefault(cid, []).append(sid)
    org_marks = visible_markings(m.Organization, ctx.audience, [o for os in orgs.values() for o in os])
    station_marks = visible_markings(m.Station, ctx.audience, [s for ss in stations.values() for s in ss])
    parent_marks = visible_markings(m.Campaign, ctx.audience, [c.part_of_id for c in rows])
    org_ids, station_ids = ctx.ids("organization", org_marks), ctx.ids("station", station_marks)
    parent_ids = ctx.ids("campaign", parent_marks)
    for c in rows:
        visible_orgs = [o for o in orgs.get(c.pk, []) if o in org_marks]
        visible_stations = [s for s in stations.get(c.pk, []) if s in station_marks]
        markings = {org_ids[o]: org_marks[o] for o in visible_orgs} | {station_ids[s]: station_marks[s] for s in visible_stations}
        part_of = parent_ids.get(c.part_of_id) if c.part_of_id in parent_marks else None
        if part_of:
            markings[part_of] = parent_marks[c.part_of_id]
        rec = ctx.meta("campaign", c, refs.get(c.pk)) | {
            "name": c.name_en, "name_zh": c.name_zh, "description": c.description, "objective": c.objective,
            "first_seen": c.first_seen.isoformat() if c.first_seen else None, "first_seen_precision": c.first_seen_precision,
            "aliases": aliases.get(c.pk, []), "attributed_refs": sorted(org_ids[o] for o in visible_orgs),
            "station_refs": sorted(station_ids[s] for s in visible_stations), "part_of_ref": part_of, "markings": markings,
        }
        yield Unit(c.updated_at, KIND_ORDER.index("campaign"), c.pk, stix.campaign_objects(rec))


BUILDERS: dict[str, Callable[[ExportContext, list[Any]], Iterator[Unit]]] = {"organization": _units_organization, "station": _units_station, "response": _units_response,
            "incident": _units_incident, "source": _units_source, "claim": _units_claim,
            "person": units_person, "address": units_address, "tie": units_tie,
            "campaign": _units_campaign}
RELATED = {"organization": ["place"], "station": ["place"], "response": ["place"], "incident": ["place"],
           "source": [], "claim": [], "person": [], "address": [], "tie": [], "campaign": []}
