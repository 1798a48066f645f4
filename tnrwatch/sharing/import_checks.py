"""Checking a STIX 2.1 bundle before import: JSON, object shapes (the `stix2` library), markings,
vocabularies, references. Nothing here writes.

Only malformed STIX refuses a bundle (not JSON, an object without type or id, a malformed id, an
object the `stix2` library rejects): then nothing is written and every error is listed per object.
Everything else is kept where understood and reported per object as a warning: object types the
record does not hold (OpenCTI's and MISP's custom `x-…` types among them) are skipped, custom
properties are noted, a record with an unknown country or vocabulary value is skipped, a marking
that cannot be read makes the object RED (kept, never shared).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import stix2
from django.utils.translation import gettext
from django.utils.translation import gettext_noop as _

from tnrwatch.core.errors import ApplicationError, ValidationError
from tnrwatch.registry import models as m
from tnrwatch.registry import vocabulary as v

from . import stix
from .models import KnownIdentity, StixObjectRef

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


MAX_WARNINGS_KEPT = 200  # in audit rows and a subscription's last result; the count is exact


@dataclass
class ImportResult:
    objects: int = 0
    created: Counter = field(default_factory=Counter)
    linked: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    unchanged: int = 0
    stale: int = 0  # an older version of an object we hold: ignored
    ignored: int = 0
    skipped: int = 0  # objects not kept, each with a warning
    held: int = 0  # arrived TLP:CLEAR, kept for review (not public until an analyst publishes)
    warnings: list[dict] = field(default_factory=list)
    skipped_ids: set[str | None] = field(default_factory=set)

    def warn(self, obj: Any, message: str, *, skip: bool = False) -> None:
        oid = obj.get("id") if isinstance(obj, dict) else None
        self.warnings.append({"id": oid, "warning": message})
        if skip and oid not in self.skipped_ids:
            self.skipped += 1
            self.skipped_ids.add(oid)

    def as_dict(self) -> dict:
        return {"objects": self.objects, "created": dict(self.created), "linked": dict(self.linked),
                "updated": dict(self.updated), "unchanged": self.unchanged, "stale": self.stale,
                "ignored": self.ignored, "skipped": self.skipped, "held_for_review": self.held,
                "warning_count": len(self.warnings), "warnings": self.warnings[:MAX_WARNINGS_KEPT]}


# --- parsing and checking -------------------------------------------------------------------------


def bundle_objects(data: bytes | str | dict | list) -> list:
    """The objects of a bundle (or of a TAXII envelope), from bytes, text or parsed JSON."""
    if isinstance(data, bytes):
        if len(data) > MAX_IMPORT_BYTES:
            raise StixImportError(gettext("The file is larger than %(size)s MB.") % {"size": MAX_IMPORT_BYTES // (1024 * 1024)})
        try:
            data = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise StixImportError(gettext("The file is not UTF-8 text (byte %(byte)s).") % {"byte": exc.start}) from exc
    if isinstance(data, str):
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise StixImportError(gettext("Malformed JSON at line %(line)s, column %(column)s: %(problem)s.")
                                  % {"line": exc.lineno, "column": exc.colno, "problem": exc.msg}) from exc
    if isinstance(data, list):
        return data
    if not isinstance(data, dict):
        raise StixImportError(gettext("Expected a STIX bundle (a JSON object with \"type\": \"bundle\")."))
    if data.get("type") == "bundle" or ("objects" in data and "type" not in data):
        objects = data.get("objects", [])
        if not isinstance(objects, list):
            raise StixImportError(gettext("\"objects\" must be a list."))
        return objects
    raise StixImportError(gettext("Expected a STIX bundle (a JSON object with \"type\": \"bundle\")."))


def _check_object(index: int, obj: Any, strict: bool = False) -> tuple[str | None, str | None]:
    """(error, skip warning) of one object: an error refuses the bundle, a skip warning leaves the
    object out (a type the record does not hold)."""
    if not isinstance(obj, dict):
        return "not a JSON object", None
    stix_type, stix_id = obj.get("type"), obj.get("id")
    if not isinstance(stix_type, str) or not isinstance(stix_id, str):
        return "missing \"type\" or \"id\"", None
    if not ID_RE.match(stix_id) or stix_id.split("--")[0] != stix_type:
        return f"malformed id {stix_id[:120]!r}", None
    if stix_type not in STIX_TYPES:
        # A custom object type (MISP's x-misp-object, OpenCTI's x-opencti-…, anything else):
        # well-formed STIX, but nothing the record holds.
        return None, f"object type {stix_type[:60]!r} is not kept by this instance (skipped)"
    if stix_type in LIGHT_TYPES:
        if stix_type == "relationship" and not (isinstance(obj.get("source_ref"), str) and isinstance(obj.get("target_ref"), str)):
            return "a relationship needs source_ref and target_ref", None
        return None, None
    if stix.extension_of(obj) is not None and not strict:
        # Objects in the shape tnrwatch writes: checked against that shape here (the stix2 library's
        # full parse costs ~1 ms an object, most of an import's time); `strict` parses them too.
        return _check_own_shape(obj), None
    try:
        # Custom properties (x_opencti_*, x_misp_*) are well-formed STIX: allowed, reported apart.
        stix2.parse(obj, allow_custom=True)
    except Exception as exc:  # noqa: BLE001 - stix2 raises many kinds; each is a per-object error
        return str(exc).splitlines()[0][:300], None
    return None, None


def custom_properties(obj: dict) -> list[str]:
    """The custom (x_…) top-level properties of `obj`: not kept in the record."""
    return sorted(k for k in obj if k.startswith("x_"))


TIMESTAMP_RE = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")
REQUIRED = {"infrastructure": ("name",), "identity": ("name",), "campaign": ("name",), "grouping": ("context", "object_refs"),
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
        self.derived_sets: set[str] | None = None  # the intrusion sets of the bundle's identities
        self.countries = {c.iso2: c for c in m.Country.objects.all()}
        self.country_ids = {stix.country_id(iso2): c for iso2, c in self.countries.items()}
        self.known: dict[str, tuple[str, int]] = {}
        # What we hold of each known object: its version, who sent it, whether the import made it.
        self.versions: dict[str, StixObjectRef] = {}
        # The bundle's own marking definitions: id -> TLP level (None: not a TLP marking).
        self.definitions: dict[str, str | None] = {
            oid: stix.definition_marking(o) for oid, o in objects_by_id.items() if o.get("type") == "marking-definition"}
        ids = list(objects_by_id)
        refs_by_id = refs_by_id if refs_by_id is not None else {i: stix.references(o) for i, o in objects_by_id.items()}
        refs_wanted: set[str] = set()
        for refs in refs_by_id.values():
            refs_wanted |= refs
        wanted = list(refs_wanted | set(ids))
        for i in range(0, len(wanted), 900):
            for ref in StixObjectRef.objects.filter(stix_id__in=wanted[i:i + 900]).only(
                    "stix_id", "subject_type", "subject_id", "modified", "partner_id", "imported", "revoked"):
                self.known[ref.stix_id] = (ref.subject_type, ref.subject_id)
                self.versions[ref.stix_id] = ref
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
        raise ValidationError(gettext("unknown country %(code)r in %(what)s") % {"code": str(iso2)[:10], "what": gettext(what)})
    return country


def _choice(value: Any, vocabulary: dict[str, str], what: str, default: str | None = None) -> str:
    if value in (None, "") and default is not None:
        return default
    if value not in vocabulary:
        raise ValidationError(gettext("unknown %(what)s %(value)r") % {"what": gettext(what), "value": str(value)[:40]})
    return value


def _check_record(kind: str, obj: dict, resolver: _Resolver) -> None:
    """Vocabulary and shape checks of one record-carrying object (before anything is written)."""
    ext = stix.extension_of(obj) or {}
    if kind == "station":
        _country(resolver, ext.get("country"), _("station"))
        _choice(ext.get("status"), v.STATION_STATUSES, _("station status"), "reported")
    elif kind == "organization":
        _choice(ext.get("organization_kind"), v.ORGANIZATION_KINDS, _("organisation kind"), "other")
    elif kind == "response":
        _country(resolver, ext.get("country"), _("government response"))
        _choice(ext.get("action"), v.RESPONSE_ACTIONS, _("response action"))
        _choice(ext.get("body_kind"), v.RESPONSE_BODIES, _("response body"), "government")
        if ext.get("date"):
            _date(ext["date"])
    elif kind == "incident":
        _country(resolver, ext.get("host_country"), _("incident"))
        _country(resolver, ext.get("origin_country") or "CN", _("incident"))
        _choice(ext.get("tactic"), v.INCIDENT_TACTICS, _("incident tactic"))
        _choice(ext.get("target_category"), v.TARGET_CATEGORIES, _("target category"), "unknown")
        _incident_date(ext)
    elif kind == "claim":
        _choice(ext.get("status"), v.CLAIM_STATUSES, _("claim status"), "alleged")
        if not ext.get("prop") or not str(ext.get("value", "")).strip():
            raise ValidationError(gettext("a claim needs a property and a value"))
        evidence = ext.get("evidence")
        if not isinstance(evidence, list) or not evidence:
            raise ValidationError(gettext("a claim needs at least one evidence item with a quote"))
        for ev in evidence:
            if not isinstance(ev, dict) or not str(ev.get("quote", "")).strip():
                raise ValidationError(gettext("every evidence item needs a verbatim quote"))
            if ev.get("stance", "supports") not in ("supports", "refutes"):
                raise ValidationError(gettext("unknown stance %(stance)r") % {"stance": str(ev.get("stance"))[:20]})
            if "\x00" in str(ev.get("quote")):
                raise ValidationError(gettext("NUL characters are not allowed"))
        subject = ext.get("subject_ref") or (obj.get("object_refs") or [None])[0]
        if not subject:
            raise ValidationError(gettext("a claim needs a subject_ref"))
    for key in ("name", "description", "content"):
        if "\x00" in str(obj.get(key, "")):
            raise ValidationError(gettext("NUL characters are not allowed"))


def _date(value: Any) -> date:
    try:
        return date.fromisoformat(str(value)[:10])
    except ValueError as exc:
        raise ValidationError(gettext("bad date %(value)r") % {"value": str(value)[:20]}) from exc


def _incident_date(ext: dict) -> tuple[date | None, str]:
    year, month, day = ext.get("year"), ext.get("month"), ext.get("day")
    if year is None:
        return None, "year"
    try:
        return date(int(year), int(month or 1), int(day or 1)), "day" if day else ("month" if month else "year")
    except (TypeError, ValueError) as exc:
        raise ValidationError(gettext("bad incident date")) from exc


def check_bundle(objects: list, resolver_factory=_Resolver, *, strict: bool = False,
                 result: ImportResult | None = None) -> tuple[list[dict], _Resolver | None, dict[str, str]]:
    """The errors that refuse the bundle (malformed STIX), object by object; nothing is written.
    Everything else goes to `result`'s per-object warnings: skipped types and records, custom
    properties, unreadable markings, references to objects neither in the bundle nor the record."""
    result = result if result is not None else ImportResult()
    errors: list[dict] = []
    by_id: dict[str, dict] = {}
    kinds: dict[str, str] = {}
    skipped: set[int] = set()
    for index, obj in enumerate(objects):
        problem, skip = _check_object(index, obj, strict)
        if problem:
            errors.append({"index": index, "id": obj.get("id") if isinstance(obj, dict) else None, "error": problem})
            continue
        if skip:
            result.warn(obj, skip, skip=True)
            skipped.add(index)
            continue
        by_id[obj["id"]] = obj
    if errors:
        return errors, None, kinds
    refs_by_id = {oid: stix.references(obj) for oid, obj in by_id.items()}
    resolver = resolver_factory(by_id, refs_by_id)
    for index, obj in enumerate(objects):
        if index in skipped:
            continue
        try:
            kind = stix.record_kind(obj)
            if kind:
                _check_record(kind, obj, resolver)
        except (stix.StixMappingError, ValidationError) as exc:
            result.warn(obj, f"not kept: {exc}", skip=True)
            continue
        if kind:
            kinds[obj["id"]] = kind
            extra = custom_properties(obj)
            if extra:
                result.warn(obj, f"custom properties not kept: {', '.join(extra)[:300]}")
            dangling = [ref for ref in sorted(refs_by_id[obj["id"]]) if not resolver.resolvable(ref)]
            if dangling:
                result.warn(obj, f"references objects neither in the bundle nor in the record: {', '.join(dangling[:5])}")
    return errors, resolver, kinds
