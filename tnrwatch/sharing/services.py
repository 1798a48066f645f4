"""Writes for sharing: importing STIX bundles, partners and their tokens, the log of what was shared.

Import guarantees: a bundle is checked whole before anything is written (JSON, object shapes with
the `stix2` library, known types, references that resolve, vocabularies); any error gives a list
of per-object errors and the record stays exactly as it was (one transaction). Objects already
known by their STIX id are not written again, entities that already exist under the same name are
linked (not duplicated), and every created or linked record leaves an audit row.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import stix2
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from tnrwatch.core.errors import ApplicationError, ValidationError
from tnrwatch.registry import models as m
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.names import normalize_name
from tnrwatch.registry.services import audit_record, place_get_or_create, source_create

from . import stix
from .models import Collection, KnownIdentity, Partner, PartnerGrant, ShareLog, StixObjectRef, Subscription
from .outbound import Audience

MAX_IMPORT_BYTES = 200 * 1024 * 1024
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]*--[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
STIX_TYPES = {
    "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident", "indicator",
    "infrastructure", "intrusion-set", "location", "malware", "malware-analysis", "note", "observed-data",
    "opinion", "report", "threat-actor", "tool", "vulnerability", "relationship", "sighting",
    "marking-definition", "extension-definition", "language-content", "artifact", "autonomous-system",
    "directory", "domain-name", "email-addr", "email-message", "file", "ipv4-addr", "ipv6-addr", "mac-addr",
    "mutex", "network-traffic", "process", "software", "url", "user-account", "windows-registry-key",
    "x509-certificate",
}
# Objects the record does not keep but that may be checked lightly (no stix2 parse: they carry
# nothing we store, and parsing them is most of the import time).
LIGHT_TYPES = {"relationship", "location", "marking-definition", "extension-definition"}


class StixImportError(ApplicationError):
    """The bundle was not imported; `errors` lists what is wrong, object by object."""

    def __init__(self, message: str, errors: list[dict] | None = None) -> None:
        super().__init__(message, extra={"errors": errors or []})
        self.errors = errors or []


@dataclass
class ImportResult:
    objects: int = 0
    created: Counter = field(default_factory=Counter)
    linked: Counter = field(default_factory=Counter)
    unchanged: int = 0
    ignored: int = 0

    def as_dict(self) -> dict:
        return {"objects": self.objects, "created": dict(self.created), "linked": dict(self.linked),
                "unchanged": self.unchanged, "ignored": self.ignored}


# --- parsing and checking -------------------------------------------------------------------------


def bundle_objects(data: bytes | str | dict | list) -> list:
    """The objects of a bundle (or of a TAXII envelope), from bytes, text or parsed JSON."""
    if isinstance(data, bytes):
        if len(data) > MAX_IMPORT_BYTES:
            raise StixImportError(f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StixImportError(f"The file is not UTF-8 text (byte {exc.start}).") from exc
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise StixImportError(f"Malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}.") from exc
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise StixImportError("Expected a STIX bundle (a JSON object with \"type\": \"bundle\").")
    if data.get("type") == "bundle" or ("objects" in data and "type" not in data):
        objects = data.get("objects", [])
        if not isinstance(objects, list):
            raise StixImportError("\"objects\" must be a list.")
        return objects
    raise StixImportError("Expected a STIX bundle (a JSON object with \"type\": \"bundle\").")


def _check_object(index: int, obj: Any, strict: bool = False) -> str | None:
    if not isinstance(obj, dict):
        return "not a JSON object"
    stix_type, stix_id = obj.get("type"), obj.get("id")
    if not isinstance(stix_type, str) or not isinstance(stix_id, str):
        return "missing \"type\" or \"id\""
    if not ID_RE.match(stix_id) or stix_id.split("--")[0] != stix_type:
        return f"malformed id {stix_id[:120]!r}"
    if stix_type not in STIX_TYPES:
        return f"unknown object type {stix_type[:60]!r}"
    if stix_type in LIGHT_TYPES:
        if stix_type == "relationship" and not (isinstance(obj.get("source_ref"), str) and isinstance(obj.get("target_ref"), str)):
            return "a relationship needs source_ref and target_ref"
        return None
    if stix.extension_of(obj) is not None and not strict:
        # Objects in the shape tnrwatch writes: checked against that shape here (the stix2 library's
        # full parse costs ~1 ms an object, most of an import's time); `strict` parses them too.
        return _check_own_shape(obj)
    try:
        stix2.parse(obj, allow_custom=False)
    except Exception as exc:  # noqa: BLE001 - stix2 raises many kinds; each is a per-object error
        return str(exc).splitlines()[0][:300]
    return None


TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
REQUIRED = {"infrastructure": ("name",), "identity": ("name",), "grouping": ("context", "object_refs"),
            "incident": ("name",), "report": ("name", "published", "object_refs"), "note": ("content", "object_refs")}


def _check_own_shape(obj: dict) -> str | None:
    if obj.get("spec_version") != "2.1":
        return "spec_version must be 2.1"
    for key in ("created", "modified", "published", "first_seen"):
        if key in obj and not (isinstance(obj[key], str) and TIMESTAMP_RE.match(obj[key])):
            return f"{key}: not a STIX timestamp"
    for key in ("created", "modified"):
        if key not in obj:
            return f"No values for required properties for {obj['type']}: ({key})."
    for key in REQUIRED.get(obj["type"], ()):
        if obj.get(key) in (None, "", []):
            return f"No values for required properties for {obj['type']}: ({key})."
    for key, val in obj.items():
        if key.endswith("_refs") and not (isinstance(val, list) and all(isinstance(x, str) and ID_RE.match(x) for x in val)):
            return f"{key}: must be a list of STIX ids"
        if key.endswith("_ref") and not (isinstance(val, str) and ID_RE.match(val)):
            return f"{key}: must be a STIX id"
        if key in ("name", "description", "content", "abstract", "context") and not isinstance(val, str):
            return f"{key}: must be a string"
    if obj.get("modified", "") < obj.get("created", ""):
        return "modified is earlier than created"
    return None


class _Resolver:
    """Maps STIX ids to records: in the bundle, known from earlier imports, or name-based."""

    def __init__(self, objects_by_id: dict[str, dict], refs_by_id: dict[str, set[str]] | None = None) -> None:
        self.bundle = objects_by_id
        self.countries = {c.iso2: c for c in m.Country.objects.all()}
        self.country_ids = {stix.country_id(iso2): c for iso2, c in self.countries.items()}
        self.known: dict[str, tuple[str, int]] = {}
        ids = list(objects_by_id)
        refs_by_id = refs_by_id if refs_by_id is not None else {i: stix.references(o) for i, o in objects_by_id.items()}
        refs_wanted: set[str] = set()
        for refs in refs_by_id.values():
            refs_wanted |= refs
        wanted = list(refs_wanted | set(ids))
        for i in range(0, len(wanted), 900):
            for sid, st, pk in StixObjectRef.objects.filter(stix_id__in=wanted[i:i + 900]).values_list("stix_id", "subject_type", "subject_id"):
                self.known[sid] = (st, pk)
        self.identities = set(KnownIdentity.objects.filter(stix_id__in=wanted).values_list("stix_id", flat=True))
        from .selectors import instance

        self.own_identity = stix.instance_identity_id(str(instance().uuid))
        self._places: dict[str, m.Place] | None = None

    def places(self) -> dict[str, m.Place]:
        if self._places is None:
            iso = {c.pk: c.iso2 for c in self.countries.values()}
            self._places = {stix.place_id(p.name_en, iso[p.country_id]): p for p in m.Place.objects.all()}
        return self._places

    def resolvable(self, ref: str) -> bool:
        if ref in self.bundle or ref in self.known or ref in self.identities or ref in self.country_ids:
            return True
        if ref in stix.well_known_ids() or ref == self.own_identity:
            return True
        if ref.startswith("location--"):
            return ref in self.places()
        return False


def _country(resolver: _Resolver, iso2: Any, what: str) -> m.Country:
    country = resolver.countries.get(str(iso2 or "").upper())
    if country is None:
        raise ValidationError(f"unknown country {str(iso2)[:10]!r} in {what}")
    return country


def _choice(value: Any, vocabulary: dict[str, str], what: str, default: str | None = None) -> str:
    if value in (None, "") and default is not None:
        return default
    if value not in vocabulary:
        raise ValidationError(f"unknown {what} {str(value)[:40]!r}")
    return value


def _check_record(kind: str, obj: dict, resolver: _Resolver) -> None:
    """Vocabulary and shape checks of one record-carrying object (before anything is written)."""
    ext = stix.extension_of(obj) or {}
    if kind == "station":
        _country(resolver, ext.get("country"), "station")
        _choice(ext.get("status"), v.STATION_STATUSES, "station status", "reported")
    elif kind == "organization":
        _choice(ext.get("organization_kind"), v.ORGANIZATION_KINDS, "organisation kind", "other")
    elif kind == "response":
        _country(resolver, ext.get("country"), "government response")
        _choice(ext.get("action"), v.RESPONSE_ACTIONS, "response action")
        _choice(ext.get("body_kind"), v.RESPONSE_BODIES, "response body", "government")
        if ext.get("date"):
            _date(ext["date"])
    elif kind == "incident":
        _country(resolver, ext.get("host_country"), "incident")
        _country(resolver, ext.get("origin_country") or "CN", "incident")
        _choice(ext.get("tactic"), v.INCIDENT_TACTICS, "incident tactic")
        _choice(ext.get("target_category"), v.TARGET_CATEGORIES, "target category", "unknown")
        _incident_date(ext)
    elif kind == "claim":
        _choice(ext.get("status"), v.CLAIM_STATUSES, "claim status", "alleged")
        if not ext.get("prop") or not str(ext.get("value", "")).strip():
            raise ValidationError("a claim needs a property and a value")
        evidence = ext.get("evidence")
        if not isinstance(evidence, list) or not evidence:
            raise ValidationError("a claim needs at least one evidence item with a quote")
        for ev in evidence:
            if not isinstance(ev, dict) or not str(ev.get("quote", "")).strip():
                raise ValidationError("every evidence item needs a verbatim quote")
            if ev.get("stance", "supports") not in ("supports", "refutes"):
                raise ValidationError(f"unknown stance {str(ev.get('stance'))[:20]!r}")
            if "\x00" in str(ev.get("quote")):
                raise ValidationError("NUL characters are not allowed")
        subject = ext.get("subject_ref") or (obj.get("object_refs") or [None])[0]
        if not subject:
            raise ValidationError("a claim needs a subject_ref")
    for key in ("name", "description", "content"):
        if "\x00" in str(obj.get(key, "")):
            raise ValidationError("NUL characters are not allowed")


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValidationError(f"bad date {str(value)[:20]!r}") from exc


def _incident_date(ext: dict) -> tuple[date | None, str]:
    year, month, day = ext.get("year"), ext.get("month"), ext.get("day")
    if year is None:
        return None, "year"
    try:
        return date(int(year), int(month or 1), int(day or 1)), "day" if day else ("month" if month else "year")
    except (TypeError, ValueError) as exc:
        raise ValidationError("bad incident date") from exc


def check_bundle(objects: list, resolver_factory=_Resolver, *, strict: bool = False) -> tuple[list[dict], _Resolver | None, dict[str, str]]:
    """Every problem of the bundle, object by object; nothing is written."""
    errors: list[dict] = []
    by_id: dict[str, dict] = {}
    kinds: dict[str, str] = {}
    for index, obj in enumerate(objects):
        problem = _check_object(index, obj, strict)
        if problem:
            errors.append({"index": index, "id": obj.get("id") if isinstance(obj, dict) else None, "error": problem})
            continue
        by_id[obj["id"]] = obj
    if errors:
        return errors, None, kinds
    refs_by_id = {oid: stix.references(obj) for oid, obj in by_id.items()}
    resolver = resolver_factory(by_id, refs_by_id)
    for index, obj in enumerate(objects):
        try:
            kind = stix.record_kind(obj)
            if kind:
                kinds[obj["id"]] = kind
                _check_record(kind, obj, resolver)
        except (stix.StixMappingError, ValidationError) as exc:
            errors.append({"index": index, "id": obj["id"], "error": str(exc)})
            continue
        for ref in sorted(refs_by_id[obj["id"]]):
            if not resolver.resolvable(ref):
                errors.append({"index": index, "id": obj["id"], "error": f"dangling reference to {ref}"})
    return errors, resolver, kinds


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
        self.audit.append(m.AuditEntry(actor=self.user, actor_label=self.actor_label, action=action,
                                       subject_type=subject_type, subject_id=str(pk),
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
        m.AuditEntry.objects.bulk_create(self.audit, batch_size=500)


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


# --- partners -------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def partner_create(*, actor: Any, name: str, max_marking: str = "clear", read: Iterable[str] = ("record",),
                   write: Iterable[str] = ()) -> tuple[Partner, str]:
    """Create a partner; returns it with its token, which is shown once and stored only hashed."""
    name = (name or "").strip()
    if not name or len(name) > 200 or "\x00" in name:
        raise ValidationError("A partner needs a name of 1 to 200 characters.")
    if max_marking not in v.MARKINGS or max_marking == "red":
        raise ValidationError("TLP:RED is never shared; choose CLEAR, GREEN, AMBER or AMBER+STRICT.")
    if Partner.objects.filter(name=name).exists():
        raise ValidationError("A partner with this name exists.")
    token = secrets.token_urlsafe(32)
    partner = Partner.objects.create(name=name, token_hash=token_hash(token), token_prefix=token[:6], max_marking=max_marking)
    _grants_set(partner, read, write)
    audit_record(actor=actor, action="partner.create", subject_type="partner", subject_id=partner.pk,
                 data={"name": name, "max_marking": max_marking, "read": sorted(read), "write": sorted(write)})
    return partner, token


def _grants_set(partner: Partner, read: Iterable[str], write: Iterable[str]) -> None:
    read, write = set(read), set(write)
    known = {c.slug: c for c in Collection.objects.all()}
    unknown = (read | write) - set(known)
    if unknown:
        raise ValidationError(f"Unknown collection(s): {', '.join(sorted(unknown))}")
    partner.grants.all().delete()
    for slug in sorted(read | write):
        PartnerGrant.objects.create(partner=partner, collection=known[slug], can_read=slug in read, can_write=slug in write)


@transaction.atomic
def partner_update(*, actor: Any, partner: Partner, max_marking: str, read: Iterable[str], write: Iterable[str],
                   active: bool = True) -> Partner:
    if max_marking not in v.MARKINGS or max_marking == "red":
        raise ValidationError("TLP:RED is never shared.")
    old = {"max_marking": partner.max_marking, "active": partner.active}
    partner.max_marking, partner.active = max_marking, active
    partner.save(update_fields=["max_marking", "active"])
    _grants_set(partner, read, write)
    audit_record(actor=actor, action="partner.update", subject_type="partner", subject_id=partner.pk,
                 data={"from": old, "max_marking": max_marking, "active": active, "read": sorted(read), "write": sorted(write)})
    return partner


@transaction.atomic
def partner_rotate_token(*, actor: Any, partner: Partner) -> str:
    token = secrets.token_urlsafe(32)
    partner.token_hash, partner.token_prefix = token_hash(token), token[:6]
    partner.save(update_fields=["token_hash", "token_prefix"])
    audit_record(actor=actor, action="partner.token_rotate", subject_type="partner", subject_id=partner.pk, data={})
    return token


def partner_by_token(token: str) -> Partner | None:
    if not token or len(token) > 200:
        return None
    return Partner.objects.filter(token_hash=token_hash(token), active=True).first()


@transaction.atomic
def subscription_create(*, actor: Any, partner: Partner, api_root_url: str, collection_id: str, remote_token: str) -> Subscription:
    if not api_root_url.startswith(("http://", "https://")):
        raise ValidationError("The API root must be an http(s) URL.")
    sub = Subscription.objects.create(partner=partner, api_root_url=api_root_url, collection_id=collection_id,
                                      remote_token=remote_token)
    audit_record(actor=actor, action="partner.subscribe", subject_type="partner", subject_id=partner.pk,
                 data={"api_root": api_root_url, "collection": collection_id})
    return sub


def share_log_write(*, partner: Partner | None, audience: Audience, channel: str, stix_ids: Iterable[str], pull: bool = True) -> None:
    """One ShareLog row per object sent to a partner (the audit of sharing), and its last pull time."""
    if partner is None:
        return
    ShareLog.objects.bulk_create([ShareLog(partner=partner, partner_name=partner.name, direction="out", channel=channel,
                                           stix_id=sid) for sid in stix_ids], batch_size=1000)
    now = timezone.now()
    Partner.objects.filter(pk=partner.pk).update(**({"last_pull_at": now} if pull else {"last_push_at": now}))


def partner_source(partner: Partner, url: str = "") -> m.Source:
    """The Source that evidence received from `partner` cites."""
    found = m.Source.objects.filter(kind="partner", title=f"Partner feed: {partner.name}").first()
    if found is not None:
        return found
    return source_create(actor=None, actor_label="federation", kind="partner", title=f"Partner feed: {partner.name}",
                         publisher=partner.name, url=url[:2000], marking="green")
