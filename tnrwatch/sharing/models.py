"""Sharing: partners and their rights, TAXII collections, the map between STIX ids and records,
private notes (which never leave), CSV uploads awaiting review, and the log of every object shared.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from tnrwatch.registry import vocabulary as v


def _new_uuid() -> uuid.UUID:
    return uuid.uuid4()


class SharingInstance(models.Model):
    """This instance's identity in STIX (one row): the namespace of the ids of its own records."""

    uuid = models.UUIDField(default=_new_uuid, unique=True)
    name = models.CharField(max_length=200, default="tnrwatch")
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.uuid})"


class Collection(models.Model):
    """A TAXII collection: a named slice of the record (by kind) that partners may read or write."""

    id = models.UUIDField(primary_key=True, default=_new_uuid)
    slug = models.SlugField(max_length=64, unique=True)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    # Record kinds in this collection: station, organization, response, incident, source, claim.
    kinds = models.JSONField(default=list)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.title


class Partner(models.Model):
    """A like-minded organisation that pulls from and pushes to this instance over TAXII."""

    name = models.CharField(max_length=200, unique=True)
    token_hash = models.CharField(max_length=64, unique=True)  # SHA-256 of the token; the token is shown once
    token_prefix = models.CharField(max_length=8)  # for recognising a token in a list, not for lookup
    max_marking = models.CharField(max_length=16, choices=[(k, lbl) for k, lbl in v.MARKINGS.items() if k != "red"], default="clear")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_pull_at = models.DateTimeField(null=True, blank=True)
    last_push_at = models.DateTimeField(null=True, blank=True)
    # What this partner sends is held for an analyst's review (never public, whatever its incoming
    # marking) unless an admin trusts the partner for publication: set with a reason, audited, shown.
    trusted_for_publication = models.BooleanField(default=False)
    trust_reason = models.CharField(max_length=500, blank=True)
    trust_changed_at = models.DateTimeField(null=True, blank=True)
    trust_changed_by = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class PartnerGrant(models.Model):
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="grants")
    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="grants")
    can_read = models.BooleanField(default=True)
    can_write = models.BooleanField(default=False)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "collection"], name="grant_unique")]

    def __str__(self) -> str:
        return f"{self.partner_id}:{self.collection_id}"


class Subscription(models.Model):
    """A partner's TAXII collection this instance pulls from on a schedule."""

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="subscriptions")
    api_root_url = models.URLField(max_length=500)
    collection_id = models.CharField(max_length=64)
    # Our credential at the partner's server (not a secret of ours to protect by hashing: we must send it).
    remote_token = models.CharField(max_length=200)
    enabled = models.BooleanField(default=True)
    last_added = models.CharField(max_length=40, blank=True)  # X-TAXII-Date-Added-Last of the last page
    last_pull_at = models.DateTimeField(null=True, blank=True)
    last_result = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["partner", "api_root_url", "collection_id"], name="subscription_unique")]

    def __str__(self) -> str:
        return f"{self.api_root_url} {self.collection_id}"


class StixObjectRef(models.Model):
    """A record that arrived over STIX keeps its STIX id, author and timestamps, so it leaves again
    as the same object (round trip) and a second pull finds it instead of duplicating it."""

    stix_id = models.CharField(max_length=100, unique=True)
    subject_type = models.CharField(max_length=16)
    subject_id = models.BigIntegerField()
    created_by_ref = models.CharField(max_length=100, blank=True)
    created = models.CharField(max_length=40, blank=True)
    modified = models.CharField(max_length=40, blank=True)
    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    # True when the import created the record (a newer version of the object may then update it);
    # False when the object was linked to a record this instance already had (never overwritten).
    imported = models.BooleanField(default=False)
    incoming_marking = models.CharField(max_length=16, blank=True)  # the marking the object arrived with
    revoked = models.BooleanField(default=False)
    # When the record last took the object's version: a record changed here after that leaves as
    # a newer version (its own `modified`), so federation converges after changes on either side.
    synced_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"{self.stix_id} -> {self.subject_type}:{self.subject_id}"


class KnownIdentity(models.Model):
    """A STIX identity that authored objects we hold (a partner instance, a research group)."""

    stix_id = models.CharField(max_length=100, unique=True)
    name = models.CharField(max_length=300)
    data = models.JSONField(default=dict)

    def __str__(self) -> str:
        return self.name


class PrivateNote(models.Model):
    """An analyst's note on a record. Never leaves the instance, for any audience."""

    subject_type = models.CharField(max_length=16)
    subject_id = models.BigIntegerField()
    text = models.TextField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"note on {self.subject_type}:{self.subject_id}"


class ShareLog(models.Model):
    """One row per object shared with (or received from) a partner: the audit of sharing."""

    partner = models.ForeignKey(Partner, null=True, blank=True, on_delete=models.SET_NULL, related_name="log")
    partner_name = models.CharField(max_length=200)
    direction = models.CharField(max_length=3, choices=[("out", "out"), ("in", "in")])
    channel = models.CharField(max_length=16)  # taxii, stix, ftm, csv, federation
    stix_id = models.CharField(max_length=100)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.direction} {self.partner_name} {self.stix_id}"


class CsvUpload(models.Model):
    """An uploaded table waiting for its column mapping and preview to be accepted."""

    class Status(models.TextChoices):
        UPLOADED = "uploaded"
        COMMITTED = "committed"

    filename = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64)
    content = models.BinaryField()
    kind = models.CharField(max_length=16, default="station")  # station | response
    mapping = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.UPLOADED)
    source = models.ForeignKey("registry.Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.filename



class TaxiiStatus(models.Model):
    """The status resource of a TAXII push (kept, so GET status/{id} answers after the request)."""

    id = models.UUIDField(primary_key=True, default=_new_uuid)
    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, related_name="+")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    def __str__(self) -> str:
        return str(self.id)


class TaxiiListedObject(models.Model):
    """Which record carries a relationship a TAXII page listed, so it can be fetched by id later
    (relationship ids are name-based: they cannot be traced back to their record)."""

    stix_id = models.CharField(max_length=100, unique=True)
    subject_type = models.CharField(max_length=16)
    subject_id = models.BigIntegerField()

    def __str__(self) -> str:
        return f"{self.stix_id} in {self.subject_type}:{self.subject_id}"
