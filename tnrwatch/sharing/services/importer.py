"""Importing STIX 2.1 bundles into the record (files, TAXII pushes, federation pulls).

Guarantees: a bundle is checked whole before anything is written (`import_checks.py`); malformed
STIX gives a list of per-object errors and the record stays exactly as it was (one transaction).
What the record does not hold is skipped and reported per object (`ImportResult.warnings`).
Entities that already exist under the same name are linked (not duplicated), and every created,
linked or updated record leaves an audit row. Records are written in bulk (an audit row each), so
100,000 objects take a minute, not hours.

Versions (`import_versions.py`): an object known by its STIX id is written again only when it
arrives with a newer `modified` from whoever sent it first, and only onto a record the import made;
an older or equal version changes nothing; `revoked: true` retracts a claim.

Review: whatever arrives TLP:CLEAR is kept TLP:GREEN (shareable, never public) until an analyst
publishes it, unless the partner is trusted for publication (`Partner.trusted_for_publication`) or
an admin imports a file with `trusted`. The incoming marking is kept on the object's reference.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tnrwatch.audit.models import AuditEntry
from tnrwatch.audit.services import audit_entry, audit_record, audit_record_many
from tnrwatch.core.errors import ValidationError
from tnrwatch.gazetteer.names import normalize_name
from tnrwatch.registry import models as m
from tnrwatch.registry import subjects
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.publishers import publisher_key
from tnrwatch.registry.services import place_get_or_create
from tnrwatch.registry.subjects import CLAIM_SUBJECT_TYPES
from tnrwatch.search import services as search_index

from .. import stix
from ..import_checks import (
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
from ..models import KnownIdentity, Partner, ShareLog, StixObjectRef
from .import_versions import apply_versions, version_state

__all__ = ["MAX_IMPORT_BYTES", "ImportResult", "StixImportError", "bundle_objects", "check_bundle", "stix_import"]


# --- writing --------------------------------------------------------------------------------------


class _Writer:
    def __init__(self, resolver: _Resolver, *, actor: Any, actor_label: str, partner: Partner | None,
                 via_source: m.Source | None, default_marking: str, trusted: bool = False,
                 result: ImportResult | None = None) -> None:
        self.r = resolver
        self.trusted = trusted
        self.actor = actor
        self.actor_label = actor_label
        self.partner = partner
        self.via_source = via_source
        self.default_marking = default_marking
        self.result = result if result is not None else ImportResult()
        self.audit: list[AuditEntry] = []
        self.refs: list[StixObjectRef] = []
        self.aliases: list[m.Alias] = []
        self.user = actor if getattr(actor, "is_authenticated", False) else None
        self.created_ids: set[str] = set()
        self.to_index: dict[str, list[int]] = {}  # records for the full-text index, by kind

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

    def _ref(self, obj: dict, kind: str, pk: int, *, imported: bool = False) -> None:
        self.r.known[obj["id"]] = (kind, pk)
        self.refs.append(StixObjectRef(stix_id=obj["id"], subject_type=kind, subject_id=pk,
                                       created_by_ref=obj.get("created_by_ref", ""), created=obj.get("created", ""),
                                       modified=obj.get("modified", ""), partner=self.partner, imported=imported,
                                       incoming_marking=self.incoming_marking(obj), revoked=bool(obj.get("revoked"))))

    def incoming_marking(self, obj: dict) -> str:
        return stix.object_marking(obj, self.default_marking, self.r.definitions)[0]

    def _marking(self, obj: dict) -> str:
        """The marking a new record takes: the object's own (RED if unreadable, with a warning),
        TLP:CLEAR held back as GREEN for review unless the sender is trusted for publication."""
        marking, unknown = stix.object_marking(obj, self.default_marking, self.r.definitions)
        if unknown:
            self.result.warn(obj, f"unknown marking {', '.join(unknown[:3])}: kept as TLP:RED (never shared)")
        return self.held(marking)

    def held(self, marking: str, current: str | None = None) -> str:
        if marking != "clear" or self.trusted or current == "clear":
            return marking
        self.result.held += 1
        return "green"

    def write_kind(self, kind: str, objs: list[dict]) -> None:
        new, newer = [], []
        for obj in objs:
            state = version_state(self, obj)
            if state == "new":
                if obj.get("revoked"):
                    self.result.warn(obj, "revoked by its author and not held here: not imported", skip=True)
                    continue
                new.append(obj)
            elif state == "newer":
                newer.append(obj)
        if new:
            getattr(self, f"_write_{kind}")(new)
        if newer:
            apply_versions(self, kind, newer)

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
                self._ref(obj, kind, rec.pk, imported=True)
                self._audit(f"{kind}.create", kind, rec.pk, obj["id"])
                self.created_ids.add(obj["id"])
                self.to_index.setdefault(kind, []).append(rec.pk)
                self.result.created[kind] += 1
                self._after_create(kind, obj, rec)

    def _after_create(self, kind: str, obj: dict, rec: Any) -> None:
        ext = stix.extension_of(obj) or {}
        if kind in ("station", "organization", "campaign"):
            names = [(rec.name_en, "en"), (rec.name_zh, "zh")] + [(a, "") for a in (obj.get("aliases") or ext.get("aliases") or [])]
            seen = set()
            for name, lang in names:
                name = str(name or "").strip()[:300]
                if name and name not in seen:
                    seen.add(name)
                    self.aliases.append(m.Alias(subject_type=kind, subject_id=rec.pk, name=name, language=lang,
                                                normalized=normalize_name(name)))

    def _names_index(self, kind: str) -> dict[tuple[str, int | None], int]:
        model = subjects.subject(kind).model
        index: dict[tuple[str, int | None], int] = {}
        country_of = (dict(model.objects.values_list("pk", "country_id")) if kind != "campaign"
                      else dict.fromkeys(model.objects.values_list("pk", flat=True)))
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

    def _write_campaign(self, objs: list[dict]) -> None:
        index = self._names_index("campaign")

        def find(obj):
            pk = index.get((normalize_name(obj["name"]), None))
            return m.Campaign(pk=pk) if pk else None

        def build(obj):
            ext = stix.extension_of(obj) or {}
            return m.Campaign(name_en=obj["name"][:300], name_zh=str(ext.get("name_zh", ""))[:300],
                              description=obj.get("description", ""), objective=str(obj.get("objective", "")),
                              first_seen=_date(ext["date"]) if ext.get("date") else None,
                              first_seen_precision=ext.get("date_precision") or "year", marking=self._marking(obj))

        self._link_or_build("campaign", objs, find, build)
        attributed, used = m.Campaign.attributed_to.through, m.Campaign.stations.through
        links_a, links_s = [], []
        for obj in objs:
            if obj["id"] not in self.created_ids:
                continue
            ext = stix.extension_of(obj) or {}
            pk = self.r.known[obj["id"]][1]
            links_a += [attributed(campaign_id=pk, organization_id=o) for ref in ext.get("attributed_refs") or []
                        if (o := self.pk(ref, "organization"))]
            links_s += [used(campaign_id=pk, station_id=st) for ref in ext.get("station_refs") or []
                        if (st := self.pk(ref, "station"))]
            parent = self.pk(ext.get("part_of_ref"), "campaign")
            if parent and parent != pk:
                m.Campaign.objects.filter(pk=pk).update(part_of_id=parent)
        attributed.objects.bulk_create(links_a, ignore_conflicts=True, batch_size=500)
        used.objects.bulk_create(links_s, ignore_conflicts=True, batch_size=500)

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
            publisher = str(ext.get("publisher", ""))[:300]
            # A partner's word that this is a court record or registry does not name a person by itself
            # (the naming standard): an analyst confirms the kind first (Source.kind_confirmed).
            return m.Source(kind=ext.get("source_kind") if ext.get("source_kind") in v.SOURCE_KINDS else "other",
                            kind_confirmed=False, publisher_key=publisher_key(publisher, url[:2000]),
                            title=obj["name"][:1000], publisher=publisher,
                            author=str(ext.get("author", ""))[:300], url=url[:2000],
                            published=_published(obj, ext),
                            language=str(ext.get("language", "") or obj.get("lang", ""))[:16], sha256=ext.get("sha256") or None,
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
        parsed = self._claims_parsed(objs)
        existing, new_keys = self._claims_create(parsed)
        self._evidence_create(parsed, existing, new_keys)

    def _claims_parsed(self, objs: list[dict]) -> list[tuple[dict, dict, tuple[str, int], str, str]]:
        """(object, extension, subject, value, key) of each claim whose subject and source are known."""
        parsed = []
        for obj in objs:
            ext = stix.extension_of(obj) or {}
            subject = self._subject(ext.get("subject_ref") or obj["object_refs"][0])
            if subject is None or subject[0] not in CLAIM_SUBJECT_TYPES:
                self.result.warn(obj, "the claim's subject is not a record of this instance: not kept", skip=True)
                continue
            if self.via_source is None and not any(self.pk(ev.get("source_ref"), "source") for ev in ext["evidence"]):
                self.result.warn(obj, "none of the claim's evidence cites a source in the bundle or the record: not kept", skip=True)
                continue
            value = str(ext.get("value") or obj.get("content", "")).strip()
            key = m.claim_key(subject[0], subject[1], str(ext["prop"]), value)
            parsed.append((obj, ext, subject, value, key))
        return parsed

    def _claims_create(self, parsed: list[tuple[dict, dict, tuple[str, int], str, str]]) -> tuple[dict[str, m.Claim], set[str]]:
        """The claims of `parsed` by key, those not yet in the record created; and the new keys."""
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
            self.to_index.setdefault("claim", []).append(claim.pk)
            self._audit("claim.create", "claim", claim.pk, obj["id"])
            self.result.created["claim"] += 1
        return existing, new_keys

    def _evidence_create(self, parsed: list[tuple[dict, dict, tuple[str, int], str, str]],
                         existing: dict[str, m.Claim], new_keys: set[str]) -> None:
        """Evidence: the partner's quote, citing the partner (federation) or the original source (file)."""
        have: set[tuple[int, int, str, str]] = set()
        claim_pks = list({existing[p[4]].pk for p in parsed})
        for i in range(0, len(claim_pks), 900):
            have.update(m.Evidence.objects.filter(claim_id__in=claim_pks[i:i + 900]).values_list("claim_id", "source_id", "quote", "stance"))
        evidence = []
        for obj, ext, _subject, _value, key in parsed:
            claim = existing[key]
            if obj["id"] not in self.r.known:
                self._ref(obj, "claim", claim.pk, imported=key in new_keys)
            for ev in ext["evidence"]:
                item = self._evidence_item(obj, ev, claim, have)
                if item is not None:
                    evidence.append(item)
        m.Evidence.objects.bulk_create(evidence, batch_size=500)
        if evidence:
            self.result.created["evidence"] += len(evidence)

    def _evidence_item(self, obj: dict, ev: dict, claim: m.Claim, have: set[tuple[int, int, str, str]]) -> m.Evidence | None:
        """The unsaved evidence row for `ev`, or None when its source is unknown or the row exists."""
        original = self.pk(ev.get("source_ref"), "source")
        source_id = self.via_source.pk if self.via_source else original
        if source_id is None:
            self.result.warn(obj, f"an evidence item cites an unknown source {str(ev.get('source_ref'))[:100]}: not kept")
            return None
        quote, stance = str(ev["quote"]).strip(), ev.get("stance") or "supports"
        location = str(ev.get("location", ""))
        if self.via_source and original:
            src = m.Source.objects.filter(pk=original).values_list("title", "url").first()
            location = (f"{src[0]} {src[1]}".strip() if src else location)[:200]
        row = (claim.pk, source_id, quote, stance)
        if row in have:
            return None
        have.add(row)
        marking = self.held(ev["marking"]) if ev.get("marking") in v.MARKINGS else self._marking(obj)
        return m.Evidence(claim=claim, source_id=source_id, quote=quote, stance=stance, location=location[:200],
                          start=ev.get("start") if isinstance(ev.get("start"), int) else None,
                          end=ev.get("end") if isinstance(ev.get("end"), int) else None,
                          created_by=self.user, marking=marking)

    def finish(self) -> None:
        # The records now hold these versions: a change made here later leaves as a newer one.
        now = timezone.now()
        for ref in self.refs:
            ref.synced_at = now
        StixObjectRef.objects.bulk_create(self.refs, batch_size=500, ignore_conflicts=True)
        m.Alias.objects.bulk_create(self.aliases, batch_size=500, ignore_conflicts=True)
        search_index.index_records(ids_by_kind=self.to_index)
        audit_record_many(self.audit)  # chained, in this transaction


def _derived(obj: dict, resolver: _Resolver) -> bool:
    """Objects this instance's mapping derives from a record in the same bundle (a bureau's
    intrusion set, a refuting quote's opinion): the record carries them, nothing to report."""
    if obj["type"] == "intrusion-set":
        if resolver.derived_sets is None:
            resolver.derived_sets = {stix.intrusion_set_id(i) for i in resolver.bundle if i.startswith("identity--")}
        return obj["id"] in resolver.derived_sets
    if obj["type"] == "opinion":
        return stix.is_derived_opinion(obj, resolver.bundle)
    return False


def _published(obj: dict, ext: dict) -> Any:
    """A source's publication date: our extension's `date` (absent when the source is undated), or
    a plain report's own `published` (kept, never dropped)."""
    if ext:
        return _date(ext["date"]) if ext.get("date") else None
    return _date(obj["published"]) if obj.get("published") else None


def _authors_keep(objects: list[dict], kinds: dict[str, str], resolver: Any, result: ImportResult) -> None:
    """Keep the identities that author objects, so re-exports name the original author. Any other
    plain identity (a person named in a MISP event) is not kept."""
    authors = {o.get("created_by_ref") for o in objects}
    for obj in objects:
        if obj["type"] != "identity" or obj["id"] in kinds or obj["id"] in result.skipped_ids:
            continue
        if obj["id"] in (resolver.own_identity, stix.PROJECT_IDENTITY_ID) or obj["id"] in resolver.identities:
            continue
        if obj["id"] not in authors:
            result.warn(obj, "an identity that authors nothing in the bundle is not kept (skipped)", skip=True)
            continue
        KnownIdentity.objects.update_or_create(stix_id=obj["id"], defaults={"name": str(obj.get("name", ""))[:300], "data": obj})
        resolver.identities.add(obj["id"])


def _by_kind(objects: list[dict], kinds: dict[str, str], result: ImportResult,
             resolver: _Resolver) -> dict[str, list[dict]]:
    """The bundle's records by kind; plain objects of other types counted as ignored, with a warning."""
    by_kind: dict[str, list[dict]] = {}
    for obj in objects:
        kind = kinds.get(obj["id"])
        if kind:
            by_kind.setdefault(kind, []).append(obj)
        elif obj["id"] not in result.skipped_ids and obj["type"] not in (
                "identity", "location", "relationship", "marking-definition", "extension-definition") and not _derived(obj, resolver):
            result.ignored += 1
            result.warn(obj, f"a plain {obj['type']} is not kept by this instance (skipped)")
    return by_kind


@transaction.atomic
def stix_import(*, data: bytes | str | dict | list, actor: Any = None, actor_label: str | None = None,
                partner: Partner | None = None, via_source: m.Source | None = None,
                channel: str = "stix", strict: bool = False, trusted: bool | None = None) -> ImportResult:
    """Import a STIX 2.1 bundle into the record: what it understands, in one transaction.

    `partner` and `via_source` are set for federation and TAXII pushes: evidence then cites the
    partner's feed (keeping the partner's quote, marking and the original source's name).
    Every object is checked with the `stix2` library, except (unless `strict`) objects carrying the
    tnrwatch extension, which are checked against the shape tnrwatch writes. Malformed STIX raises
    StixImportError with per-object errors and nothing is written; anything else not kept is in
    the result's warnings. `trusted` (default: the partner's trust for publication; False for a
    file) keeps TLP:CLEAR as CLEAR instead of holding it for review.
    """
    objects = bundle_objects(data)
    result = ImportResult()
    errors, resolver, kinds = check_bundle(objects, strict=strict, result=result)
    if errors:
        raise StixImportError(gettext("The bundle was not imported: %(count)s object(s) have errors.") % {"count": len(errors)}, errors)
    assert resolver is not None
    label = actor_label or (actor.get_username() if getattr(actor, "is_authenticated", False) else f"import {channel}")
    writer = _Writer(resolver, actor=actor, actor_label=label, partner=partner, via_source=via_source,
                     default_marking=getattr(settings, "TNR_DEFAULT_MARKING", "amber"), result=result,
                     trusted=bool(partner.trusted_for_publication) if trusted is None and partner is not None else bool(trusted))
    writer.result.objects = len(objects)
    _authors_keep(objects, kinds, resolver, result)
    by_kind = _by_kind(objects, kinds, result, resolver)
    # Claims last: they may be about any record of the bundle (a campaign is exported after claims).
    order = [k for k in subjects.types(exported=True) if k != "claim"] + ["claim"]
    try:
        for kind in order:
            if by_kind.get(kind):
                writer.write_kind(kind, by_kind[kind])
        writer.finish()
    except ValidationError as exc:
        raise StixImportError(gettext("The bundle was not imported."), [{"error": exc.message}]) from exc
    audit_record(actor=actor, actor_label=label, action="sharing.import", subject_type="bundle",
                 data={"channel": channel, "partner": partner.name if partner else None, **writer.result.as_dict()})
    if partner is not None:
        ShareLog.objects.bulk_create([ShareLog(partner=partner, partner_name=partner.name, direction="in", channel=channel,
                                               stix_id=obj["id"]) for obj in objects if isinstance(obj, dict)], batch_size=1000)
    return writer.result
