"""Reads for sharing: the record as STIX objects for one audience, streamed in keyset-paged chunks.

Everything here starts from `outbound.outbound_queryset` / `outbound.incident_rows`: a record the
audience may not see is never loaded into an object, and a reference to one is dropped.
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from django.db.models import Model, Q

from tnrwatch.registry import models as m
from tnrwatch.registry import vocabulary as v

from . import stix
from .models import Collection, KnownIdentity, Partner, SharingInstance, StixObjectRef
from .outbound import (
    PUBLIC,
    Audience,
    incident_rows,
    outbound_queryset,
    readable_evidence,
    visible_ids,
)

KIND_MODELS: dict[str, type[Model]] = {
    "organization": m.Organization, "station": m.Station, "response": m.GovernmentResponse,
    "incident": m.Incident, "source": m.Source, "claim": m.Claim,
}
KIND_ORDER = ["organization", "station", "response", "incident", "source", "claim"]
ALL_KINDS = tuple(KIND_ORDER)
EPOCH_DT = datetime(2000, 1, 1, tzinfo=UTC)


def instance() -> SharingInstance:
    inst = SharingInstance.objects.order_by("pk").first()
    if inst is None:
        inst = SharingInstance.objects.create()
    return inst


def partner_audience(partner: Partner) -> Audience:
    collections = frozenset(partner.grants.filter(can_read=True).values_list("collection__slug", flat=True))
    return Audience(name=f"partner:{partner.name}", max_marking=partner.max_marking, collections=collections)


def audience_for(partner_name: str | None) -> Audience:
    """The audience of an export: a named partner's grants, or (no name) the public."""
    if not partner_name:
        return PUBLIC
    partner = Partner.objects.filter(name=partner_name, active=True).first()
    if partner is None:
        from tnrwatch.core.errors import NotFoundOrForbiddenError

        raise NotFoundOrForbiddenError(f"No active partner called {partner_name!r}.")
    return partner_audience(partner)


@dataclass(frozen=True)
class Unit:
    """One record as STIX: its object first, then its locations and relationships."""

    date_added: datetime
    rank: int
    pk: int
    objects: list[dict]

    @property
    def key(self) -> tuple:
        return (self.date_added, self.rank, self.pk)


@dataclass
class ExportContext:
    """Caches for one export run (countries, ids, incident rows)."""

    audience: Audience
    instance_uuid: str = ""
    creators: set[str] = field(default_factory=set)
    _countries: dict[int, tuple[str, str]] = field(default_factory=dict)
    _incidents: dict[int, Any] | None = None

    def __post_init__(self) -> None:
        self.instance_uuid = str(instance().uuid)
        self._countries = {pk: (iso2, name) for pk, iso2, name in m.Country.objects.values_list("pk", "iso2", "name_en")}

    @property
    def own_identity(self) -> str:
        return stix.instance_identity_id(self.instance_uuid)

    def country(self, pk: int | None) -> tuple[str, str] | None:
        return self._countries.get(pk) if pk is not None else None

    def incident_row(self, pk: int):
        if self._incidents is None:
            self._incidents = {row.pk: row for row in incident_rows(self.audience)}
        return self._incidents.get(pk)

    def refs(self, kind: str, pks: Iterable[int]) -> dict[int, StixObjectRef]:
        pks = [p for p in set(pks) if p is not None]
        out: dict[int, StixObjectRef] = {}
        for i in range(0, len(pks), 900):
            for ref in StixObjectRef.objects.filter(subject_type=kind, subject_id__in=pks[i:i + 900]):
                out.setdefault(ref.subject_id, ref)
        return out

    def ids(self, kind: str, pks: Iterable[int]) -> dict[int, str]:
        pks = {p for p in pks if p is not None}
        refs = self.refs(kind, pks)
        return {p: refs[p].stix_id if p in refs else stix.record_id(self.instance_uuid, kind, p) for p in pks}

    def meta(self, kind: str, obj: Any, ref: StixObjectRef | None) -> dict:
        """id, author, timestamps and marking of a record; imported records keep theirs."""
        if ref is not None:
            creator = ref.created_by_ref or self.own_identity
            meta = {"id": ref.stix_id, "created_by_ref": creator, "created": ref.created or obj.created_at,
                    "modified": ref.modified or obj.updated_at}
        else:
            creator = self.own_identity
            meta = {"id": stix.record_id(self.instance_uuid, kind, obj.pk), "created_by_ref": creator,
                    "created": obj.created_at, "modified": obj.updated_at}
        self.creators.add(creator)
        meta["marking"] = obj.marking
        return meta

    def place(self, place: m.Place | None) -> dict | None:
        if place is None:
            return None
        iso2 = self.country(place.country_id)
        return {"name": place.name_en, "country": iso2[0] if iso2 else "", "latitude": place.latitude,
                "longitude": place.longitude}

    def aliases(self, subject_type: str, objs: list[Any]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        own = {o.pk: {o.name_en, getattr(o, "name_zh", "")} for o in objs}
        for sid, name in m.Alias.objects.filter(subject_type=subject_type, subject_id__in=list(own)).order_by("name").values_list("subject_id", "name"):
            if name not in own[sid]:
                out.setdefault(sid, []).append(name)
        return out


# --- one builder per kind: a chunk of model rows -> units ---------------------------------------


def _units_organization(ctx: ExportContext, rows: list[m.Organization]) -> Iterator[Unit]:
    refs = ctx.refs("organization", [o.pk for o in rows])
    aliases = ctx.aliases("organization", rows)
    for o in rows:
        country = ctx.country(o.country_id)
        rec = ctx.meta("organization", o, refs.get(o.pk)) | {
            "name": o.name_en, "name_zh": o.name_zh, "kind": o.kind, "description": o.description,
            "country": country[0] if country else None, "country_name": country[1] if country else None,
            "region": o.region, "place": ctx.place(o.place), "aliases": aliases.get(o.pk, []),
        }
        yield Unit(o.updated_at, 0, o.pk, stix.organization_objects(rec))


def _units_station(ctx: ExportContext, rows: list[m.Station]) -> Iterator[Unit]:
    refs = ctx.refs("station", [s.pk for s in rows])
    aliases = ctx.aliases("station", rows)
    org_pks = visible_ids(m.Organization, ctx.audience, [s.operator_id for s in rows] + [s.host_organization_id for s in rows])
    org_ids = ctx.ids("organization", org_pks)
    for s in rows:
        country = ctx.country(s.country_id)
        rec = ctx.meta("station", s, refs.get(s.pk)) | {
            "name": s.name_en, "name_zh": s.name_zh, "description": s.description, "status": s.status,
            "country": country[0], "country_name": country[1], "place": ctx.place(s.place),
            "first_reported": s.first_reported.isoformat() if s.first_reported else None,
            "operator_ref": org_ids.get(s.operator_id), "host_organization_ref": org_ids.get(s.host_organization_id),
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
        }
        if row.coarsened or inc.from_report:
            # A de-identified incident keeps no timestamps finer than its published grain.
            rec["created"] = rec["modified"] = datetime(row.year or 2000, 1, 1, tzinfo=UTC)
        yield Unit(inc.updated_at, 3, inc.pk, stix.incident_objects(rec))


def _country_name(ctx: ExportContext, pk: int) -> str:
    c = ctx.country(pk)
    return c[1] if c else ""


EXPORTED_SUBJECTS = ["country", "place", "organization", "station", "response", "incident", "source"]


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
    claim_ids = ctx.ids("claim", {c for cs in citing.values() for c in cs})
    for s in rows:
        rec = ctx.meta("source", s, refs.get(s.pk))
        object_refs = sorted(claim_ids[c] for c in citing.get(s.pk, ())) or [rec["created_by_ref"]]
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
        if not evs or subject is None:
            continue  # no claim leaves without a quote the audience may read
        rec = ctx.meta("claim", c, refs.get(c.pk))
        latest = max([c.updated_at, *(ev.updated_at for ev in evs)])
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


BUILDERS = {"organization": _units_organization, "station": _units_station, "response": _units_response,
            "incident": _units_incident, "source": _units_source, "claim": _units_claim}
RELATED = {"organization": ["place"], "station": ["place"], "response": ["place"], "incident": ["place"],
           "source": [], "claim": []}


def kind_units(ctx: ExportContext, kind: str, *, after: tuple | None = None, added_after: datetime | None = None,
               chunk: int = 1000, stop: int | None = None) -> Iterator[Unit]:
    """Units of one kind in (updated_at, pk) order, strictly after the cursor `after`."""
    model = KIND_MODELS[kind]
    qs = outbound_queryset(model, ctx.audience)
    if kind == "claim":
        qs = qs.exclude(subject_type="figure")
    if RELATED[kind]:
        qs = qs.select_related(*RELATED[kind])
    if added_after is not None:
        qs = qs.filter(updated_at__gt=added_after)
    rank = KIND_ORDER.index(kind)
    cursor = None
    if after is not None:
        t, r, pk = after
        if r > rank:
            cursor = (t, None)  # same time: this kind sorts before the cursor's kind
        elif r < rank:
            cursor = (t, -1)
        else:
            cursor = (t, pk)
    yielded = 0
    while True:
        page = qs
        if cursor is not None:
            t, pk = cursor
            page = qs.filter(Q(updated_at__gt=t) | Q(updated_at=t, pk__gt=pk)) if pk is not None else qs.filter(updated_at__gt=t)
        rows = list(page.order_by("updated_at", "pk")[:chunk])
        if not rows:
            return
        for unit in BUILDERS[kind](ctx, rows):
            yield unit
            yielded += 1
            if stop is not None and yielded >= stop:
                return
        cursor = (rows[-1].updated_at, rows[-1].pk)
        if len(rows) < chunk:
            return


def merged_units(ctx: ExportContext, kinds: Iterable[str], *, after: tuple | None = None,
                 added_after: datetime | None = None, chunk: int = 1000, stop: int | None = None) -> Iterator[Unit]:
    """Units of several kinds in one (date_added, kind, pk) order: the TAXII collection order."""
    streams = [kind_units(ctx, k, after=after, added_after=added_after, chunk=chunk, stop=stop) for k in kinds]
    yield from heapq.merge(*streams, key=lambda u: u.key)


def identity_objects(ctx: ExportContext, ids: Iterable[str]) -> list[dict]:
    out = []
    ids = set(ids)
    if ctx.own_identity in ids:
        inst = instance()
        out.append({"type": "identity", "spec_version": "2.1", "id": ctx.own_identity, "created": stix.timestamp(inst.created_at),
                    "modified": stix.timestamp(inst.created_at), "name": inst.name, "identity_class": "organization"})
    for known in KnownIdentity.objects.filter(stix_id__in=ids - {ctx.own_identity}).order_by("stix_id"):
        out.append(known.data)
    return out


def export_objects(audience: Audience, kinds: Iterable[str] = ALL_KINDS, *, ctx: ExportContext | None = None) -> Iterator[dict]:
    """Every STIX object `audience` may receive, streamed: definitions first, then records kind by
    kind, then the identities of their authors."""
    ctx = ctx or ExportContext(audience)
    yield from stix.header_objects(audience.allowed_markings())
    seen: set[str] = set()
    kinds = [k for k in KIND_ORDER if k in set(kinds)]
    for kind in kinds:
        for unit in kind_units(ctx, kind):
            for obj in unit.objects:
                # Only locations are shared between records; everything else is emitted once.
                if obj["type"] == "location":
                    if obj["id"] in seen:
                        continue
                    seen.add(obj["id"])
                yield obj
    yield from identity_objects(ctx, ctx.creators)


def kinds_for(audience: Audience) -> list[str]:
    """The record kinds an export for `audience` holds: all for the public (CLEAR only anyway), for
    a partner those of the collections it may read."""
    if audience.is_public:
        return list(KIND_ORDER)
    kinds: set[str] = set()
    for collection in Collection.objects.filter(slug__in=audience.collections):
        kinds |= set(collection.kinds or [])
    return [k for k in KIND_ORDER if k in kinds]


def collection_kinds(collection: Collection) -> list[str]:
    return [k for k in KIND_ORDER if k in set(collection.kinds or [])]


# --- TAXII ----------------------------------------------------------------------------------------


def taxii_timestamp(value: datetime) -> str:
    """TAXII date_added: microsecond precision, so `added_after` never skips an object."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_taxii_timestamp(value: str) -> datetime:
    """Raises ValueError on anything that is not an RFC 3339 UTC timestamp."""
    if not value or len(value) > 40:
        raise ValueError("bad timestamp")
    text = value.strip().replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def encode_cursor(unit: Unit, skip: int) -> str:
    import base64
    import json

    raw = json.dumps([taxii_timestamp(unit.date_added), unit.rank, unit.pk, skip], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[tuple, int]:
    """(t, rank, pk) of the unit to resume at, and how many of its objects were already sent."""
    import base64
    import json

    if not token or len(token) > 200:
        raise ValueError("bad next")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    t, rank, pk, skip = json.loads(raw)
    if not (isinstance(rank, int) and isinstance(pk, int) and isinstance(skip, int) and skip >= 0):
        raise ValueError("bad next")
    return (parse_taxii_timestamp(t), rank, pk - 1), skip  # resume at the unit itself


@dataclass
class TaxiiPage:
    objects: list[tuple[datetime, dict]]
    more: bool
    next: str | None


def taxii_page(ctx: ExportContext, kinds: list[str], *, limit: int, next_token: str | None = None,
               added_after: datetime | None = None, match_ids: set[str] | None = None,
               match_types: set[str] | None = None) -> TaxiiPage:
    """One page of a collection: at most `limit` objects in (date_added, kind, pk) order."""
    after, skip = (None, 0)
    if next_token:
        after, skip = decode_cursor(next_token)
    out: list[tuple[datetime, dict]] = []
    if not next_token and added_after is None and not match_ids and (not match_types or match_types & {"identity", "marking-definition", "extension-definition"}):
        # The definitions head the collection (date_added: the epoch), before any record.
        header = stix.header_objects(ctx.audience.allowed_markings())
        header += identity_objects(ctx, {ctx.own_identity, *KnownIdentity.objects.values_list("stix_id", flat=True)})
        for obj in header:
            if _matches(obj, match_ids, match_types):
                out.append((EPOCH_DT, obj))
    first = True
    # Units are produced in chunks sized to the page (+1 to know whether there is more).
    chunk = max(50, min(limit + 1, 250))
    for unit in merged_units(ctx, kinds, after=after, added_after=added_after, chunk=chunk):
        objs = unit.objects[skip:] if first and next_token else unit.objects
        offset = skip if first and next_token else 0
        first = False
        for i, obj in enumerate(objs):
            if not _matches(obj, match_ids, match_types):
                continue
            if len(out) >= limit:
                return TaxiiPage(out, True, encode_cursor(unit, offset + i))
            out.append((unit.date_added, obj))
    return TaxiiPage(out, False, None)


def _matches(obj: dict, ids: set[str] | None, types: set[str] | None) -> bool:
    return (not ids or obj["id"] in ids) and (not types or obj["type"] in types)


def find_object_units(ctx: ExportContext, kinds: list[str], stix_id: str) -> list[tuple[datetime, dict]]:
    """The object `stix_id` (all versions we hold: one) if the audience may read it."""
    stix_type = stix_id.split("--")[0]
    candidates = [k for k in kinds if stix.KIND_TYPES[k] == stix_type]
    for kind in candidates:
        ref = StixObjectRef.objects.filter(stix_id=stix_id, subject_type=kind).first()
        pk = ref.subject_id if ref else None
        if pk is None:
            model = KIND_MODELS[kind]
            for candidate in outbound_queryset(model, ctx.audience).values_list("pk", flat=True).iterator(chunk_size=5000):
                if stix.record_id(ctx.instance_uuid, kind, candidate) == stix_id:
                    pk = candidate
                    break
        if pk is None:
            continue
        rows = list(outbound_queryset(KIND_MODELS[kind], ctx.audience).filter(pk=pk))
        for unit in BUILDERS[kind](ctx, rows):
            return [(unit.date_added, o) for o in unit.objects if o["id"] == stix_id]
    if stix_id in stix.well_known_ids() or stix_id == ctx.own_identity:
        for obj in stix.header_objects(ctx.audience.allowed_markings()) + identity_objects(ctx, {ctx.own_identity}):
            if obj["id"] == stix_id:
                return [(EPOCH_DT, obj)]
    return []
