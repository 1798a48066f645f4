"""Writes for sharing: partners and their tokens, subscriptions, the log of what was shared.
Importing STIX bundles lives in `importer.py` (re-exported here), newer versions of held objects in
`import_versions.py`, the CSV upload in `csv_upload.py`, pulling partners' feeds in `federation.py`.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import models as m
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.services import source_create

from ..models import (
    Collection,
    Partner,
    PartnerGrant,
    ShareLog,
    Subscription,
    TaxiiListedObject,
    TaxiiStatus,
)
from ..outbound import Audience
from .importer import (
    MAX_IMPORT_BYTES,
    ImportResult,
    StixImportError,
    bundle_objects,
    check_bundle,
    stix_import,
)

__all__ = ["MAX_IMPORT_BYTES", "ImportResult", "StixImportError", "bundle_objects", "check_bundle", "stix_import",
           "partner_create", "partner_update", "partner_rotate_token", "partner_by_token", "subscription_create",
           "share_log_write", "partner_source", "token_hash", "partner_set_trust", "taxii_listed_remember"]


# --- partners -------------------------------------------------------------------------------------


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@transaction.atomic
def partner_create(*, actor: Any, name: str, max_marking: str = "clear", read: Iterable[str] = ("record",),
                   write: Iterable[str] = ()) -> tuple[Partner, str]:
    """Create a partner; returns it with its token, which is shown once and stored only hashed."""
    name = (name or "").strip()
    if not name or len(name) > 200 or "\x00" in name:
        raise ValidationError(gettext("A partner needs a name of 1 to 200 characters."))
    if max_marking not in v.MARKINGS or max_marking == "red":
        raise ValidationError(gettext("TLP:RED is never shared; choose CLEAR, GREEN, AMBER or AMBER+STRICT."))
    if Partner.objects.filter(name=name).exists():
        raise ValidationError(gettext("A partner with this name exists."))
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
        raise ValidationError(gettext("Unknown collection(s): %(names)s") % {"names": ", ".join(sorted(unknown))})
    partner.grants.all().delete()
    for slug in sorted(read | write):
        PartnerGrant.objects.create(partner=partner, collection=known[slug], can_read=slug in read, can_write=slug in write)


@transaction.atomic
def partner_update(*, actor: Any, partner: Partner, max_marking: str, read: Iterable[str], write: Iterable[str],
                   active: bool = True) -> Partner:
    if max_marking not in v.MARKINGS or max_marking == "red":
        raise ValidationError(gettext("TLP:RED is never shared."))
    old = {"max_marking": partner.max_marking, "active": partner.active}
    partner.max_marking, partner.active = max_marking, active
    partner.save(update_fields=["max_marking", "active"])
    _grants_set(partner, read, write)
    audit_record(actor=actor, action="partner.update", subject_type="partner", subject_id=partner.pk,
                 data={"from": old, "max_marking": max_marking, "active": active, "read": sorted(read), "write": sorted(write)})
    return partner


@transaction.atomic
def partner_set_trust(*, actor: Any, partner: Partner, trusted: bool, reason: str) -> Partner:
    """Trust (or stop trusting) a partner for publication: what it sends TLP:CLEAR is then public
    at once instead of waiting for an analyst to publish it. Needs a reason; audited; shown on the
    partner page. Records already received keep their marking."""
    reason = (reason or "").strip()
    if trusted and not reason:
        raise ValidationError(gettext("Say why this partner's TLP:CLEAR data may be published without review."))
    if len(reason) > 500 or "\x00" in reason:
        raise ValidationError(gettext("The reason is at most 500 characters."))
    old = partner.trusted_for_publication
    partner.trusted_for_publication, partner.trust_reason = trusted, reason
    partner.trust_changed_at = timezone.now()
    partner.trust_changed_by = actor.get_username() if getattr(actor, "is_authenticated", False) else "system"
    partner.save(update_fields=["trusted_for_publication", "trust_reason", "trust_changed_at", "trust_changed_by"])
    audit_record(actor=actor, action="partner.trust", subject_type="partner", subject_id=partner.pk,
                 data={"from": old, "to": trusted, "reason": reason})
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
        raise ValidationError(gettext("The API root must be an http(s) URL."))
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


def taxii_listed_remember(carriers: dict[str, tuple[str, int]]) -> None:
    """Remember which record carries each relationship a TAXII page listed, so a client can fetch it
    by id later (a lookup table, not part of the record: no audit row)."""
    rows = [TaxiiListedObject(stix_id=sid, subject_type=kind, subject_id=pk) for sid, (kind, pk) in carriers.items()]
    TaxiiListedObject.objects.bulk_create(rows, ignore_conflicts=True, batch_size=500)


def partner_source(partner: Partner, url: str = "") -> m.Source:
    """The Source that evidence received from `partner` cites."""
    found = m.Source.objects.filter(kind="partner", title=f"Partner feed: {partner.name}").first()
    if found is not None:
        return found
    return source_create(actor=None, actor_label="federation", kind="partner", title=f"Partner feed: {partner.name}",
                         publisher=partner.name, url=url[:2000], marking="green")


@transaction.atomic
def taxii_status_record(*, partner: Partner, body: Callable[[str], dict]) -> dict:
    """Keep the status resource of a TAXII push: `body(status_id)` is its JSON, which names its own
    id. No audit row: the push's import wrote its own."""
    status = TaxiiStatus.objects.create(partner=partner, data={})
    data = body(str(status.id))
    TaxiiStatus.objects.filter(pk=status.pk).update(data=data)
    return data
