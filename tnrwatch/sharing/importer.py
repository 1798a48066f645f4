"""Importing STIX 2.1 bundles into the record (files, TAXII pushes, federation pulls).

Guarantees: a bundle is checked whole before anything is written (`import_checks.py`); any error
gives a list of per-object errors and the record stays exactly as it was (one transaction).
Objects already known by their STIX id are not written again, entities that already exist under
the same name are linked (not duplicated), and every created or linked record leaves an audit row.
Records are written in bulk (an audit row each), so 100,000 objects take a minute, not hours.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction

from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import models as m
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.names import normalize_name
from tnrwatch.registry.services import (
    audit_entry,
    audit_record,
    audit_record_many,
    place_get_or_create,
)

from . import stix
from .import_checks import (
    MAX_IMPORT_BYTES,
    ImportResult,
    StixImportError,
    _choice,
    _date,
    _incident_date,
    _Resolver,
    bundle_objects,
    check_bundle,
)
from .models import KnownIdentity, Partner, ShareLog, StixObjectRef

__all__ = ["MAX_IMPORT_BYTES", "ImportResult", "StixImportError", "bundle_objects", "check_bundle", "stix_import"]


# --- writing --------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, resolver: _Resolver, *, actor: Any, actor_label: str, partner: Partner | None,
                 via_source: m.Source | None, default_marking: str) -> None:
        self.r = resolver
        self.actor = actor
        self.actor_label = actor_label
        self.partner = partner
        self.via_source = via_source
        self.default_marking = default_marking
        self.result = ImportResult()
        self.audit: list[m.AuditEntry] = []
        self.refs: list[StixObjectRef] = []
        self.aliases: list[m.Alias] = []
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        self.created_ids: set[str] = set()

    # pk of the record a STIX id stands for (after its kind was written)
    def pk(self, ref: str | None, kind: str) -> int | None:
        if not ref:
            return None
        hit = self.r.known.get(ref)
        return hit[1] if hit and hit[0] == kind else None

    def _place(self, place: Any) -> m.Place | None:
        if not isinstance(place, dict) or not place.get("name"):
            return None
        country = self.r.countries.get(str(place.get("country", "")).upper())
        if country is None:
            return None
        pid = stix.place_id(str(place["name"]), country.iso2)
        found = self.r.places().get(pid)
        if found is None:
            found = place_get_or_create(actor=self.actor, actor_label=self.actor_label, name_en=str(place["name"])[:200],
                                        country=country, latitude=place.get("latitude"), longitude=place.get("longitude"))
            self.r.places()[pid] = found
        return found

    def _audit(self, action: str, subject_type: str, pk: int, stix_id: str) -> None:
        self.audit.append(audit_entry(actor=self.user, actor_label=self.actor_label, action=action,
                                      subject_type=subject_type, subject_id=pk,
                                      data={"stix_id": stix_id, "partner": self.partner.name if self.partner else None}))

    def _ref(self, obj: dict, kind: str, pk: int) -> None:
        self.r.known[obj["id"]] = (kind, pk)
        self.refs.append(StixObjectRef(stix_id=obj["id"], subject_type=kind, subject_id=pk,
                                       created_by_ref=obj.get("created_by_ref", ""), created=obj.get("created", ""),
                                       modified=obj.get("modified", ""), partner=self.partner))

    def _marking(self, obj: dict) -> str:
        return stix.object_marking(obj, self.default_marking)

    def write_kind(self, kind: str, objs: list[dict]) -> None:
        new = []
        for obj in objs:
            if obj["id"] in self.r.known:
                self.result.unchanged += 1
                if kind == "claim":
                    new.append(obj)  # new evidence on a known claim is still added
                continue
            new.append(obj)
        if not new:
            return
        getattr(self, f"_write_{kind}")(new)

    def _link_or_build(self, kind: str, objs: list[dict], find, build) -> None:
        """Link each object to an existing record (find) or build a new one; bulk-create the new."""
        to_create: list[tuple[dict, Any]] = []
        for obj in objs:
            existing = find(obj)
            if existing is not None:
                self._ref(obj, kind, existing.pk)
                self._audit(f"{kind}.link", kind, existing.pk, obj["id"])
                self.result.linked[kind] += 1
            else:
                to_create.append((obj, build(obj)))
        model = type(to_create[0][1]) if to_create else None
        if model is not None:
            created = model.objects.bulk_create([rec for _obj, rec in to_create], batch_size=500)
            for (obj, _rec), rec in zip(to_create, created, strict=True):
                self._ref(obj, kind, rec.pk)
                self._audit(f"{kind}.create", kind, rec.pk, obj["id"])
                self.created_ids.add(obj["id"])
                self.result.created[kind] += 1
                self._after_create(kind, obj, rec)

    def _after_create(self, kind: str, obj: dict, rec: Any) -> None:
        ext = stix.extension_of(obj) or {}
        if kind in ("station", "organization"):
            names = [(rec.name_en, "en"), (rec.name_zh, "zh")] + [(a, "") for a in (obj.get("aliases") or ext.get("aliases") or [])]
            seen = set()
            for name, lang in names:
                name = str(name or "").strip()[:300]
                if name and name not in seen:
                    seen.add(name)
                    self.aliases.append(m.Alias(subject_type=kind, subject_id=rec.pk, name=name, language=lang,
                                                normalized=normalize_name(name)))

    def _names_index(self, kind: str) -> dict[tuple[str, int | None], int]:
        model = m.Station if kind == "station" else m.Organization
        index: dict[tuple[str, int | None], int] = {}
        country_of = dict(model.objects.values_list("pk", "country_id"))
        for sid, norm in m.Alias.objects.filter(subject_type=kind).values_list("subject_id", "normalized"):
            if sid in country_of:
                index.setdefault((norm, country_of[sid]), sid)
        return index

    def _write_organization(self, objs: list[dict]) -> None:
        index = self._names_index("organization")

        def country_of(obj):
            ext = stix.extension_of(obj) or {}
            c = self.r.countries.get(str(ext.get("country", "")).upper())
            return c

        def find(obj):
            c = country_of(obj)
            pk = index.get((normalize_name(obj["name"]), c.pk if c else None))
            return m.Organization(pk=pk) if pk else None

        def build(obj):
            ext = stix.extension_of(obj) or {}
            return m.Organization(kind=_choice(ext.get("organization_kind"), v.ORGANIZATION_KINDS, "kind", "other"),
                                  name_en=obj["name"][:300], name_zh=str(ext.get("name_zh", ""))[:300],
                                  country=country_of(obj), region=str(ext.get("region", ""))[:200],
                                  place=self._place(ext.get("place")), description=obj.get("description", ""),
                                  marking=self._marking(obj))

        self._link_or_build("organization", objs, find, build)

    def _write_station(self, objs: list[dict]) -> None:
        index = self._names_index("station")

        def find(obj):
            ext = stix.extension_of(obj) or {}
            country = self.r.countries[str(ext["country"]).upper()]
            for name in [obj["name"], ext.get("name_zh", "")]:
                pk = index.get((normalize_name(name), country.pk)) if name else None
                if pk:
                    return m.Station(pk=pk)
            return None

        def build(obj):
            ext = stix.extension_of(obj) or {}
            return m.Station(name_en=obj["name"][:300], name_zh=str(ext.get("name_zh", ""))[:300],
                             country=self.r.countries[str(ext["country"]).upper()], place=self._place(ext.get("place")),
                             operator_id=self.pk(ext.get("operator_ref"), "organization"),
                             host_organization_id=self.pk(ext.get("host_organization_ref"), "organization"),
                             first_reported=_date(ext["first_reported"]) if ext.get("first_reported") else None,
                             status=_choice(ext.get("status"), v.STATION_STATUSES, "status", "reported"),
                             description=obj.get("description", ""), marking=self._marking(obj))

        self._link_or_build("station", objs, find, build)
        history = [m.StationStatusChange(station_id=self.r.known[o["id"]][1], status=(stix.extension_of(o) or {}).get("status") or "reported",
                                         reason="Imported" + (f" from {self.partner.name}" if self.partner else ""))
                   for o in objs if o["id"] in self.created_ids]
        m.StationStatusChange.objects.bulk_create(history, batch_size=500)

    def _write_response(self, objs: list[dict]) -> None:
        def find(obj):
            ext = stix.extension_of(obj) or {}
            return m.GovernmentResponse.objects.filter(
                country=self.r.countries[ext["country"].upper()], action=ext["action"],
                date=_date(ext["date"]) if ext.get("date") else None, body=str(ext.get("body", ""))[:300]).first()

        def build(obj):
            ext = stix.extension_of(obj) or {}
            return m.GovernmentResponse(
                country=self.r.countries[ext["country"].upper()], action=ext["action"],
                body_kind=ext.get("body_kind") or "government", body=str(ext.get("body", ""))[:300],
                date=_date(ext["date"]) if ext.get("date") else None, date_precision=ext.get("date_precision") or "day",
                place=self._place(ext.get("place")), summary=obj.get("description", ""), marking=self._marking(obj))

        self._link_or_build("response", objs, find, build)
        self._station_links(objs, "response", m.GovernmentResponse.stations.through, "governmentresponse_id")

    def _station_links(self, objs: list[dict], kind: str, through: Any, column: str) -> None:
        links = []
        for obj in objs:
            ext = stix.extension_of(obj) or {}
            owner = self.r.known[obj["id"]][1]
            for ref in ext.get("station_refs") or []:
                st = self.pk(ref, "station")
                if st:
                    links.append(through(**{column: owner, "station_id": st}))
        through.objects.bulk_create(links, ignore_conflicts=True, batch_size=500)

    def _write_incident(self, objs: list[dict]) -> None:
        def build(obj):
            ext = stix.extension_of(obj) or {}
            when, precision = _incident_date(ext)
            return m.Incident(date=when, date_precision=precision,
                              origin_country=self.r.countries[str(ext.get("origin_country") or "CN").upper()],
                              host_country=self.r.countries[str(ext["host_country"]).upper()],
                              place=self._place(ext.get("place")), tactic=ext["tactic"],
                              target_category=ext.get("target_category") or "unknown",
                              summary=obj.get("description", ""), marking=self._marking(obj))

        self._link_or_build("incident", objs, lambda obj: None, build)
        self._station_links(objs, "incident", m.Incident.stations.through, "incident_id")

    def _write_source(self, objs: list[dict]) -> None:
        def find(obj):
            ext = stix.extension_of(obj) or {}
            if ext.get("sha256"):
                return m.Source.objects.filter(sha256=ext["sha256"]).first()
            url = next((r.get("url") for r in obj.get("external_references", []) if r.get("url")), "")
            if url:
                return m.Source.objects.filter(url=url, title=obj["name"][:1000]).first()
            return None

        def build(obj):
            ext = stix.extension_of(obj) or {}
            url = next((r.get("url") for r in obj.get("external_references", []) if r.get("url")), "")
            return m.Source(kind=ext.get("source_kind") if ext.get("source_kind") in v.SOURCE_KINDS else "other",
                            title=obj["name"][:1000], publisher=str(ext.get("publisher", ""))[:300],
                            author=str(ext.get("author", ""))[:300], url=url[:2000],
                            published=_date(ext["date"]) if ext.get("date") else None,
                            language=str(ext.get("language", ""))[:16], sha256=ext.get("sha256") or None,
                            marking=self._marking(obj))

        self._link_or_build("source", objs, find, build)

    def _subject(self, ref: str) -> tuple[str, int] | None:
        if ref in self.r.known:
            return self.r.known[ref]
        if ref in self.r.country_ids:
            return ("country", self.r.country_ids[ref].pk)
        place = self.r.places().get(ref)
        if place is None and ref in self.r.bundle and self.r.bundle[ref].get("type") == "location":
            loc = self.r.bundle[ref]
            if loc.get("city") and loc.get("country"):
                place = self._place({"name": loc["city"], "country": loc["country"], "latitude": loc.get("latitude"),
                                     "longitude": loc.get("longitude")})
        return ("place", place.pk) if place else None

    def _write_claim(self, objs: list[dict]) -> None:
        parsed = []
        for obj in objs:
            ext = stix.extension_of(obj) or {}
            subject = self._subject(ext.get("subject_ref") or obj["object_refs"][0])
            if subject is None or subject[0] not in v.SUBJECT_TYPES:
                raise StixImportError("Import failed.", [{"id": obj["id"], "error": "the claim's subject is not a record"}])
            value = str(ext.get("value") or obj.get("content", "")).strip()
            key = m.claim_key(subject[0], subject[1], str(ext["prop"]), value)
            parsed.append((obj, ext, subject, value, key))
        existing = {}
        keys = [p[4] for p in parsed]
        for i in range(0, len(keys), 900):
            existing.update({c.key: c for c in m.Claim.objects.filter(key__in=keys[i:i + 900])})
        new_claims = []
        new_keys: set[str] = set()
        for obj, ext, subject, value, key in parsed:
            if key in existing or key in new_keys:
                continue
            new_keys.add(key)
            new_claims.append((obj, m.Claim(key=key, subject_type=subject[0], subject_id=subject[1], prop=str(ext["prop"])[:64],
                                            value=value, status=ext.get("status") or "alleged", marking=self._marking(obj),
                                            created_by=self.user)))
        created = m.Claim.objects.bulk_create([c for _o, c in new_claims], batch_size=500)
        for (obj, _c), claim in zip(new_claims, created, strict=True):
            existing[claim.key] = claim
            self._audit("claim.create", "claim", claim.pk, obj["id"])
            self.result.created["claim"] += 1
        # Evidence: the partner's quote, citing the partner (federation) or the original source (file).
        have = set()
        claim_pks = list({existing[p[4]].pk for p in parsed})
        for i in range(0, len(claim_pks), 900):
            have.update(m.Evidence.objects.filter(claim_id__in=claim_pks[i:i + 900]).values_list("claim_id", "source_id", "quote", "stance"))
        evidence = []
        for obj, ext, _subject, _value, key in parsed:
            claim = existing[key]
            if obj["id"] not in self.r.known:
                self._ref(obj, "claim", claim.pk)
            for ev in ext["evidence"]:
                original = self.pk(ev.get("source_ref"), "source")
                source_id = self.via_source.pk if self.via_source else original
                if source_id is None:
                    raise StixImportError("Import failed.", [{"id": obj["id"], "error": f"evidence cites unknown source {ev.get('source_ref')}"}])
                quote, stance = str(ev["quote"]).strip(), ev.get("stance") or "supports"
                location = str(ev.get("location", ""))
                if self.via_source and original:
                    src = m.Source.objects.filter(pk=original).values_list("title", "url").first()
                    location = (f"{src[0]} {src[1]}".strip() if src else location)[:200]
                row = (claim.pk, source_id, quote, stance)
                if row in have:
                    continue
                have.add(row)
                marking = ev.get("marking") if ev.get("marking") in v.MARKINGS else self._marking(obj)
                evidence.append(m.Evidence(claim=claim, source_id=source_id, quote=quote, stance=stance, location=location[:200],
                                           start=ev.get("start") if isinstance(ev.get("start"), int) else None,
                                           end=ev.get("end") if isinstance(ev.get("end"), int) else None,
                                           created_by=self.user, marking=marking))
        m.Evidence.objects.bulk_create(evidence, batch_size=500)
        if evidence:
            self.result.created["evidence"] += len(evidence)

    def finish(self) -> None:
        StixObjectRef.objects.bulk_create(self.refs, batch_size=500, ignore_conflicts=True)
        m.Alias.objects.bulk_create(self.aliases, batch_size=500, ignore_conflicts=True)
        audit_record_many(self.audit)  # chained, in this transaction


@transaction.atomic
def stix_import(*, data: bytes | str | dict | list, actor: Any = None, actor_label: str | None = None,
                partner: Partner | None = None, via_source: m.Source | None = None,
                channel: str = "stix", strict: bool = False) -> ImportResult:
    """Import a STIX 2.1 bundle into the record, all or nothing.

    `partner` and `via_source` are set for federation and TAXII pushes: evidence then cites the
    partner's feed (keeping the partner's quote, marking and the original source's name).
    Every object is checked with the `stix2` library, except (unless `strict`) objects carrying the
    tnrwatch extension, which are checked against the shape tnrwatch writes. Raises StixImportError with per-object errors; nothing is written then.
    """
    objects = bundle_objects(data)
    errors, resolver, kinds = check_bundle(objects, strict=strict)
    if errors:
        raise StixImportError(f"The bundle was not imported: {len(errors)} object(s) have errors.", errors)
    assert resolver is not None
    label = actor_label or (actor.get_username() if getattr(actor, "is_authenticated", False) else f"import {channel}")
    writer = _Writer(resolver, actor=actor, actor_label=label, partner=partner, via_source=via_source,
                     default_marking=getattr(settings, "TNR_DEFAULT_MARKING", "amber"))
    writer.result.objects = len(objects)
    # Identities that author objects: kept so re-exports name the original author.
    for obj in objects:
        if obj["type"] == "identity" and obj["id"] not in kinds and obj["id"] != resolver.own_identity \
                and obj["id"] != stix.PROJECT_IDENTITY_ID and obj["id"] not in resolver.identities:
            KnownIdentity.objects.update_or_create(stix_id=obj["id"], defaults={"name": str(obj.get("name", ""))[:300], "data": obj})
            resolver.identities.add(obj["id"])
    by_kind: dict[str, list[dict]] = {}
    for obj in objects:
        kind = kinds.get(obj["id"])
        if kind:
            by_kind.setdefault(kind, []).append(obj)
        elif obj["type"] not in ("identity", "location", "relationship", "marking-definition", "extension-definition"):
            writer.result.ignored += 1
    try:
        for kind in ("organization", "station", "response", "incident", "source", "claim"):
            if by_kind.get(kind):
                writer.write_kind(kind, by_kind[kind])
        writer.finish()
    except ValidationError as exc:
        raise StixImportError("The bundle was not imported.", [{"error": exc.message}]) from exc
    audit_record(actor=actor, actor_label=label, action="sharing.import", subject_type="bundle",
                 data={"channel": channel, "partner": partner.name if partner else None, **writer.result.as_dict()})
    if partner is not None:
        ShareLog.objects.bulk_create([ShareLog(partner=partner, partner_name=partner.name, direction="in", channel=channel,
                                               stix_id=obj["id"]) for obj in objects if isinstance(obj, dict)], batch_size=1000)
    return writer.result
