"""Versions of objects already held: which arriving version applies, and applying it.

A STIX object is identified by its id and versioned by `modified`. When an object we hold arrives
again (a federation pull, a push, a file):

- an equal version changes nothing, an older one is ignored (counted as `stale`);
- a newer one updates the record, through the registry's audited services (status through
  `station_set_status` / `claim_set_status`, so the previous status stays in the station's history
  and every change in the audit log), but only when the import made that record and the same
  sender sends it: a record this instance had of its own (linked by name) is never overwritten by
  a partner, whose claims about it still arrive as claims of their own;
- `revoked: true` on a claim retracts it; on a record it is kept on the object's reference and
  reported (the record stays: our own claims about it may rest on other sources);
- a changed marking is applied (TLP:CLEAR still held as GREEN for review unless the sender is
  trusted or an analyst already published the record).
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.utils import timezone

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import services as rs
from tnrwatch.registry import subjects
from tnrwatch.registry import vocabulary as v

from .. import stix
from ..models import StixObjectRef

if TYPE_CHECKING:
    from .importer import _Writer



def _when(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def version_state(w: _Writer, obj: dict) -> str:
    """"new" (not held), "newer" (to apply), or "same" / "older" / "refused" (nothing to do)."""
    ref = w.r.versions.get(obj["id"])
    if ref is None:
        if obj["id"] in w.r.known:  # written earlier in this very import
            return "same"
        return "new"
    incoming, held = _when(obj.get("modified") or obj.get("created")), _when(ref.modified)
    if incoming is None or held is None or incoming == held:
        w.result.unchanged += 1
        return "same"
    if incoming < held:
        w.result.stale += 1
        return "older"
    sender = w.partner.pk if w.partner else None
    if not ref.imported or ref.partner_id != sender:
        w.result.unchanged += 1
        w.result.warn(obj, "a newer version of a record this instance holds as its own (or received from another "
                           "sender): not applied; its claims arrive as claims of their own")
        return "refused"
    return "newer"


def _changes(record: Any, wanted: dict[str, Any]) -> dict[str, Any]:
    return {k: val for k, val in wanted.items() if val is not None and getattr(record, k) != val}


def _date_or_none(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value)[:10]) if value else None
    except ValueError:
        return None


def _apply_one(w: _Writer, kind: str, obj: dict, record: Any) -> None:
    ext = stix.extension_of(obj) or {}
    who = dict(actor=w.actor, actor_label=w.actor_label)
    reason = f"New version from {w.partner.name if w.partner else 'an import'} ({obj.get('modified')})"
    marking, unknown = stix.object_marking(obj, w.default_marking, w.r.definitions)
    if unknown:
        w.result.warn(obj, f"unknown marking {', '.join(unknown[:3])}: kept as TLP:RED (never shared)")
    target = w.held(marking, current=record.marking)
    if target != record.marking:
        rs.marking_set(obj=record, marking=target, **who)
    _apply_fields(w, kind, obj, ext, record, who, reason)
    if obj.get("revoked") and kind != "claim":
        w.result.warn(obj, "revoked by its author: the record is kept, the revocation noted on its reference")


def _apply_fields(w: _Writer, kind: str, obj: dict, ext: dict, record: Any, who: dict[str, Any], reason: str) -> None:
    """The new version's fields (and status) written through the registry's services."""
    if kind == "station":
        status = ext.get("status")
        if status in v.STATION_STATUSES and status != record.status:
            rs.station_set_status(station=record, status=status, reason=reason, **who)
        fields = _changes(record, {"description": obj.get("description", ""), "name_zh": ext.get("name_zh", ""),
                                   "first_reported": _date_or_none(ext.get("first_reported"))})
        if fields:
            rs.station_update(station=record, **who, **fields)
    elif kind == "organization":
        fields = _changes(record, {"description": obj.get("description", ""), "name_zh": ext.get("name_zh", ""),
                                   "region": str(ext.get("region", ""))[:200]})
        if fields:
            rs.organization_update(organization=record, **who, **fields)
    elif kind == "response":
        fields = _changes(record, {"summary": obj.get("description") or None, "body": str(ext.get("body", ""))[:300],
                                   "date": _date_or_none(ext.get("date"))})
        if fields:
            rs.response_update(response=record, **who, **fields)
    elif kind == "incident":
        fields = _changes(record, {"summary": obj.get("description") or None})
        if fields:
            rs.incident_update(incident=record, **who, **fields)
    elif kind == "campaign":
        fields = _changes(record, {"description": obj.get("description", ""), "objective": str(obj.get("objective", "")),
                                   "name_zh": str(ext.get("name_zh", ""))[:300], "first_seen": _date_or_none(ext.get("date"))})
        if fields:
            rs.campaign_update(campaign=record, **who, **fields)
    elif kind == "source":
        fields = _changes(record, {"title": str(obj.get("name", ""))[:1000] or None,
                                   "publisher": str(ext.get("publisher", ""))[:300], "author": str(ext.get("author", ""))[:300],
                                   "published": _date_or_none(ext.get("date") if ext else obj.get("published"))})
        if fields:
            rs.source_update(source=record, **who, **fields)
    elif kind == "claim":
        w._write_claim([obj])  # evidence the new version adds (the claim itself is found by its key)
        status = "retracted" if obj.get("revoked") else ext.get("status")
        if status in v.CLAIM_STATUSES and status != record.status:
            rs.claim_set_status(claim=record, status=status, reason=("Revoked by its author. " if obj.get("revoked") else "") + reason, **who)


def apply_versions(w: _Writer, kind: str, objs: list[dict]) -> None:
    """Apply newer versions of records the import made (see the module docstring)."""
    model = subjects.subject(kind).model
    pks = {obj["id"]: w.r.known[obj["id"]][1] for obj in objs}
    records = model._default_manager.in_bulk(set(pks.values()))
    for obj in objs:
        record = records.get(pks[obj["id"]])
        if record is None:
            w.result.warn(obj, "the record this object stood for is gone: not applied", skip=True)
            continue
        try:
            with transaction.atomic():
                _apply_one(w, kind, obj, record)
                audit_record(actor=w.actor, actor_label=w.actor_label, action=f"{kind}.version", subject_type=kind,
                                subject_id=record.pk, data={"stix_id": obj["id"], "from": w.r.versions[obj["id"]].modified,
                                                            "to": obj.get("modified"), "revoked": bool(obj.get("revoked")),
                                                            "partner": w.partner.name if w.partner else None})
                StixObjectRef.objects.filter(stix_id=obj["id"]).update(
                    modified=obj.get("modified", ""), incoming_marking=w.incoming_marking(obj),
                    revoked=bool(obj.get("revoked")), synced_at=timezone.now())
        except ValidationError as exc:
            w.result.warn(obj, f"newer version not applied: {exc.message}")
            continue
        w.result.updated[kind] += 1
