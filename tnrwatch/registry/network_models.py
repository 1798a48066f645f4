"""The networks behind the stations: people, street addresses, typed ties, and right of reply.

Imported by `models.py` (so Django finds them as registry models); import them from there.

A **Person** is a public actor only: an official, a leader of an organisation as named in public
reporting or a public registry, or a defendant or witness named in a public court record. Never a
reporter, a victim, or anyone's relative: those stay de-identified in the intake and in incidents,
and no Person row is ever made for them (`public_basis` says which of the three a person is, and
is required). A person is TLP:AMBER when created, whatever `TNR_DEFAULT_MARKING` says, and becomes
public only through the publication rule's naming standard (`sharing/outbound/people.py`,
`docs/people.md`).

A **Tie** is a typed link between two entities (person, organisation, station, address), after
FollowTheMoney's interval schemata (Membership, Directorship, Employment, Ownership, Family,
UnknownLink...). Like every fact, a tie is backed by claims about it (subject type "tie") with
evidence and a marking; the tie row holds the structured fields (kind, ends, role, dates) the
network view and the exports read.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from . import vocabulary as v
from .subjects import label_of

PERSON_MARKING = "amber"  # a person is never public by default (docs/people.md)


def person_default_marking() -> str:
    return PERSON_MARKING


def entity_default_marking() -> str:
    """The instance's default (`TNR_DEFAULT_MARKING`), as for every other record."""
    from .models import default_marking

    return default_marking()


def _choices(mapping: dict[str, str]) -> list[tuple[str, Any]]:
    return [(k, _(label)) for k, label in mapping.items()]


def _precision_field() -> models.CharField:
    return models.CharField(max_length=5, choices=_choices(v.DATE_PRECISIONS), default="day")


class Person(models.Model):
    """A public actor named in public reporting, a public registry or a public court record.

    Never a reporter, a victim or a relative (see the module docstring). Names in any script:
    `name_en` (Latin script as published), `name_zh`, and any other spelling as an Alias.
    """

    marking = models.CharField(max_length=16, choices=_choices(v.MARKINGS), default=person_default_marking,
                               db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    name_en = models.CharField(max_length=300)
    name_zh = models.CharField(max_length=300, blank=True)
    public_basis = models.CharField(max_length=32, choices=_choices(v.PUBLIC_ACTOR_BASES),
                                    verbose_name=_("Why this is a public actor"))
    position = models.CharField(max_length=500, blank=True, verbose_name=_("Roles"),
                                help_text=_("Public roles as the sources state them"))
    country = models.ForeignKey("registry.Country", null=True, blank=True, on_delete=models.PROTECT,
                                related_name="persons")
    # Only where a public record gives it (a court filing, a registry entry).
    birth_date = models.DateField(null=True, blank=True)
    birth_date_precision = _precision_field()
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name_en", "id"]
        indexes = [models.Index(fields=["marking", "updated_at", "id"])]

    def __str__(self) -> str:
        return self.name_en


class Address(models.Model):
    """A street-level place: an office, a restaurant, a registered seat.

    `latitude`/`longitude` come from the offline gazetteer (the city's coordinates, so
    `geo_precision` is "city") unless an analyst entered the building's own ("street").
    """

    marking = models.CharField(max_length=16, choices=_choices(v.MARKINGS),
                               default=entity_default_marking, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    full = models.CharField(max_length=1000, verbose_name=_("Address as written"))
    street = models.CharField(max_length=500, blank=True)
    postcode = models.CharField(max_length=32, blank=True)
    city = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey("registry.Country", on_delete=models.PROTECT, related_name="addresses")
    place = models.ForeignKey("registry.Place", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="addresses")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geo_precision = models.CharField(max_length=8, blank=True,
                                     choices=[("street", "street"), ("city", "city")])

    class Meta:
        ordering = ["country__name_en", "city", "full", "id"]
        verbose_name_plural = "addresses"
        constraints = [models.UniqueConstraint(fields=["country", "full"], name="address_unique_full")]

    def __str__(self) -> str:
        return self.full


def tie_key(kind: str, from_end: tuple[str, int], to_end: tuple[str, int], role: str, start: str) -> str:
    """Deterministic identity of a tie: the same kind, ends, role and start is one tie (ends in
    either order for the symmetric kinds)."""
    ends = [f"{from_end[0]}:{from_end[1]}", f"{to_end[0]}:{to_end[1]}"]
    if kind in v.SYMMETRIC_TIES:
        ends.sort()
    raw = "\x1f".join([kind, *ends, " ".join(role.casefold().split()), start])
    return hashlib.sha1(raw.encode("utf-8"), usedforsecurity=False).hexdigest()


class Tie(models.Model):
    """A typed, dated link between two entities, backed by claims about it (subject type "tie").

    Ends are (type, id) pairs among `vocabulary.TIE_END_TYPES`; `registry.services.tie_create`
    checks they exist and fit the kind (`vocabulary.TIE_ENDS`), refuses self-ties, duplicates and
    dates in the wrong order. Cycles are allowed: they are real (two associations sharing leaders).
    """

    # The instance's default for ties between organisations, stations and addresses; a tie to a
    # person starts AMBER (`tie_create`), like the person.
    marking = models.CharField(max_length=16, choices=_choices(v.MARKINGS), default=entity_default_marking,
                               db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    key = models.CharField(max_length=40, unique=True)
    kind = models.CharField(max_length=32, choices=_choices(v.TIE_KINDS), db_index=True)
    from_type = models.CharField(max_length=16, choices=[(t, t) for t in v.TIE_END_TYPES])
    from_id = models.BigIntegerField()
    to_type = models.CharField(max_length=16, choices=[(t, t) for t in v.TIE_END_TYPES])
    to_id = models.BigIntegerField()
    role = models.CharField(max_length=300, blank=True, help_text=_("e.g. chairman, honorary president"))
    start_date = models.DateField(null=True, blank=True)
    start_precision = _precision_field()
    end_date = models.DateField(null=True, blank=True)
    end_precision = _precision_field()
    # A family tie is never public by default; it may be only with a reviewer's recorded reason.
    public_reason = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["kind", "id"]
        indexes = [
            models.Index(fields=["from_type", "from_id", "kind"]),
            models.Index(fields=["to_type", "to_id", "kind"]),
            models.Index(fields=["marking", "updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.from_label()} — {self.get_kind_display()} — {self.to_label()}"

    def involves_person(self) -> bool:
        return "person" in (self.from_type, self.to_type)

    def from_label(self) -> str:
        return label_of(self.from_type, self.from_id)

    def to_label(self) -> str:
        return label_of(self.to_type, self.to_id)


class Reply(models.Model):
    """The right of reply: what a person or organisation said (or that they did not answer) when
    asked about the claims on their record, shown beside those claims.

    Visible wherever its subject (and its claim, when it answers one claim) is visible: a reply is
    given to be published with what it answers. Marked like every record, CLEAR by default for that
    reason; an analyst marks it AMBER when the respondent asked not to be quoted.
    """

    marking = models.CharField(max_length=16, choices=_choices(v.MARKINGS), default="clear", db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)
    subject_type = models.CharField(max_length=16, choices=[(t, t) for t in v.REPLY_SUBJECT_TYPES])
    subject_id = models.BigIntegerField()
    claim = models.ForeignKey("registry.Claim", null=True, blank=True, on_delete=models.CASCADE,
                              related_name="replies")
    requested_on = models.DateField(null=True, blank=True, verbose_name=_("Asked on"))
    received_on = models.DateField(null=True, blank=True, verbose_name=_("Answered on"))
    text = models.TextField(blank=True, verbose_name=_("Response"),
                            help_text=_("Their words, or empty when they did not answer"))
    source = models.ForeignKey("registry.Source", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="replies", help_text=_("The letter, statement or page of the reply"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["-received_on", "-id"]
        indexes = [models.Index(fields=["subject_type", "subject_id"])]

    def __str__(self) -> str:
        return f"reply from {self.subject_type}:{self.subject_id}"
