"""The sourced record.

Entities (Country, Place, Organization, Station, GovernmentResponse, Incident, Figure) hold the
current, derived picture. Claims hold what sources say: a subject, a property, a value and a status,
with evidence items for and against (a Source, a verbatim quote and its location). Every public
fact on the atlas links to the claims behind it. Every write goes through `services.py` and leaves
an AuditEntry in the same transaction.
"""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from tnrwatch.gazetteer.countries import localised_names

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

from . import vocabulary as v
from .subjects import CLAIM_SUBJECT_TYPES


def _choices(mapping: dict[str, str]) -> list[tuple[str, StrOrPromise]]:
    return [(k, _(label)) for k, label in mapping.items()]  # labels are translated lazily


def default_marking() -> str:
    return getattr(settings, "TNR_DEFAULT_MARKING", "amber")


class Marked(models.Model):
    marking = models.CharField(
        max_length=16, choices=_choices(v.MARKINGS), default=default_marking, db_index=True
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True


class Country(models.Model):
    """ISO 3166-1 countries, loaded from pycountry by a data migration."""

    iso2 = models.CharField(max_length=2, unique=True)
    iso3 = models.CharField(max_length=3, unique=True)
    name_en = models.CharField(max_length=128)
    name_zh_hans = models.CharField(max_length=128, blank=True)
    name_zh_hant = models.CharField(max_length=128, blank=True)
    continent = models.CharField(max_length=2, blank=True)  # geonames continent code
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)

    class Meta:
        ordering = ["name_en"]
        verbose_name_plural = "countries"

    def __str__(self) -> str:
        return self.name_en

    def name_for(self, language: str) -> str:
        if language == "zh-hans" and self.name_zh_hans:
            return self.name_zh_hans
        if language == "zh-hant" and self.name_zh_hant:
            return self.name_zh_hant
        if language in ("ug", "vi", "bo"):
            return localised_names(language).get(self.iso2) or self.name_en
        return self.name_en


class Place(models.Model):
    """A city, from the offline geonames gazetteer or entered by an analyst."""

    name_en = models.CharField(max_length=200)
    name_zh = models.CharField(max_length=200, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="places")
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    geonameid = models.BigIntegerField(null=True, blank=True, unique=True)

    class Meta:
        ordering = ["name_en"]
        constraints = [models.UniqueConstraint(fields=["name_en", "country"], name="place_unique_name")]

    def __str__(self) -> str:
        return f"{self.name_en}, {self.country.iso2}"


class Organization(Marked):
    kind = models.CharField(max_length=32, choices=_choices(v.ORGANIZATION_KINDS), db_index=True)
    name_en = models.CharField(max_length=300)
    name_zh = models.CharField(max_length=300, blank=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="organizations")
    region = models.CharField(max_length=200, blank=True, help_text="Province or state, e.g. Zhejiang")
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="organizations")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name_en"]

    def __str__(self) -> str:
        return self.name_en


class Station(Marked):
    """An alleged overseas police service station."""

    name_en = models.CharField(max_length=300)
    name_zh = models.CharField(max_length=300, blank=True)
    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="stations")
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="stations")
    operator = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="operated_stations"
    )
    host_organization = models.ForeignKey(
        Organization, null=True, blank=True, on_delete=models.PROTECT, related_name="hosted_stations"
    )
    first_reported = models.DateField(null=True, blank=True)
    # Derived from the status history (StationStatusChange); kept here for fast lists and the map.
    status = models.CharField(
        max_length=32, choices=_choices(v.STATION_STATUSES), default="reported", db_index=True
    )
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["country__name_en", "name_en"]
        indexes = [
            models.Index(fields=["country", "marking"]),
            # The map's fingerprint (count, id sum, latest save of the public stations) from the index alone.
            models.Index(fields=["marking", "updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return self.name_en


class StationStatusChange(models.Model):
    station = models.ForeignKey(Station, on_delete=models.CASCADE, related_name="status_history")
    status = models.CharField(max_length=32, choices=_choices(v.STATION_STATUSES))
    date = models.DateField(null=True, blank=True)
    reason = models.TextField()
    claim = models.ForeignKey("Claim", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.station_id}: {self.status}"


class GovernmentResponse(Marked):
    """A dated action by a host country's body, from the controlled vocabulary."""

    country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="responses")
    action = models.CharField(max_length=32, choices=_choices(v.RESPONSE_ACTIONS), db_index=True)
    body_kind = models.CharField(max_length=16, choices=_choices(v.RESPONSE_BODIES), default="government")
    body = models.CharField(max_length=300, blank=True, help_text="e.g. German Interior Ministry")
    date = models.DateField(null=True, blank=True, db_index=True)
    date_precision = models.CharField(
        max_length=5, choices=[("day", "day"), ("month", "month"), ("year", "year")], default="day"
    )
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="responses")
    stations = models.ManyToManyField(Station, blank=True, related_name="responses")
    summary = models.TextField()

    class Meta:
        ordering = ["country__name_en", "-date", "id"]
        indexes = [
            models.Index(fields=["country", "marking", "action"]),
            models.Index(fields=["marking", "updated_at", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.country.iso2}: {self.get_action_display()}"


class Incident(Marked):
    """A de-identified transnational-repression incident (Freedom House style)."""

    date = models.DateField(null=True, blank=True, db_index=True)
    date_precision = models.CharField(
        max_length=5, choices=[("day", "day"), ("month", "month"), ("year", "year")], default="day"
    )
    origin_country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="incidents_originating")
    host_country = models.ForeignKey(Country, on_delete=models.PROTECT, related_name="incidents_hosted")
    place = models.ForeignKey(Place, null=True, blank=True, on_delete=models.PROTECT, related_name="incidents")
    tactic = models.CharField(max_length=32, choices=_choices(v.INCIDENT_TACTICS), db_index=True)
    target_category = models.CharField(max_length=32, choices=_choices(v.TARGET_CATEGORIES), default="unknown")
    summary = models.TextField()
    stations = models.ManyToManyField(Station, blank=True, related_name="incidents")
    # Set when the incident was promoted from a report in the intake inbox. Such incidents only
    # ever leave the instance de-identified and aggregated (see sharing.filters).
    from_report = models.BooleanField(default=False)

    class Meta:
        ordering = ["-date", "id"]

    def __str__(self) -> str:
        return f"{self.host_country_id}: {self.tactic} ({self.date or 'undated'})"


class Campaign(Marked):
    """A named operation run by state bodies (Fox Hunt, Sky Net, "110 Overseas"): who it is
    attributed to, the stations it uses, the wider campaign it is part of. Like every fact-stating
    record it is shown only with a quoted claim about it (the publication rule)."""

    name_en = models.CharField(max_length=300)
    name_zh = models.CharField(max_length=300, blank=True)
    description = models.TextField(blank=True)
    objective = models.TextField(blank=True, help_text="What the campaign is said to aim at")
    first_seen = models.DateField(null=True, blank=True, help_text="When it was launched or first reported")
    first_seen_precision = models.CharField(
        max_length=5, choices=[("day", "day"), ("month", "month"), ("year", "year")], default="year"
    )
    attributed_to = models.ManyToManyField(Organization, blank=True, related_name="campaigns")
    stations = models.ManyToManyField(Station, blank=True, related_name="campaigns")
    part_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="parts")

    class Meta:
        ordering = ["name_en"]
        indexes = [models.Index(fields=["marking", "updated_at", "id"])]

    def __str__(self) -> str:
        return self.name_en


class Figure(Marked):
    """A headline number stated by a source (stations counted, people persuaded to return...)."""

    kind = models.CharField(max_length=32, choices=_choices(v.FIGURE_KINDS), db_index=True)
    value = models.BigIntegerField()
    label = models.CharField(max_length=300, help_text="What exactly is counted")
    period_start = models.DateField(null=True, blank=True)
    period_end = models.DateField(null=True, blank=True)
    country = models.ForeignKey(Country, null=True, blank=True, on_delete=models.PROTECT, related_name="figures")

    class Meta:
        ordering = ["kind", "-period_end", "id"]

    def __str__(self) -> str:
        return f"{self.value} {self.label}"


class Source(Marked):
    """A document: the evidence every claim points to."""

    kind = models.CharField(max_length=16, choices=_choices(v.SOURCE_KINDS), default="news")
    title = models.CharField(max_length=1000)
    publisher = models.CharField(max_length=300, blank=True)
    author = models.CharField(max_length=300, blank=True)
    url = models.URLField(max_length=2000, blank=True)
    published = models.DateField(null=True, blank=True)
    language = models.CharField(max_length=16, blank=True)
    sha256 = models.CharField(max_length=64, null=True, blank=True, unique=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    text = models.TextField(blank=True, help_text="Extracted text of the captured document")
    # The captured copy is usually someone else's copyrighted work: the public sees its text and
    # bytes only when an analyst records that it may be republished, and on what terms (an
    # official notice, a court filing, an openly licensed text). Off by default.
    republish_allowed = models.BooleanField(
        default=False, verbose_name=_("May be republished"),
        help_text=_("The captured text and copy may be shown to the public"),
    )
    reuse_terms = models.CharField(
        max_length=500, blank=True, verbose_name=_("Licence or reason"),
        help_text=_("e.g. CC BY 4.0, or: official notice, public domain by law"),
    )
    # Who published it, as the naming standard compares publishers (`registry/publishers.py`; set on save).
    publisher_key = models.CharField(max_length=300, blank=True, editable=False)
    # A court record or registry names a person by itself (the naming standard); a kind a partner's
    # file states does so only once an analyst has checked the document is what it says.
    kind_confirmed = models.BooleanField(
        default=True, verbose_name=_("Kind checked"),
        help_text=_("An analyst has checked that the document is of this kind (a partner's word is not enough to name a person)"),
    )

    class Meta:
        ordering = ["-published", "id"]
        indexes = [models.Index(fields=["marking", "published"])]

    def __str__(self) -> str:
        return self.title

    def save(self, *args: Any, **kwargs: Any) -> None:
        from .publishers import publisher_key

        self.publisher_key = publisher_key(self.publisher, self.url)
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "publisher_key"}
        super().save(*args, **kwargs)

    def published_label(self) -> str:
        """The publication date (YYYY-MM-DD) or "date unknown": a page never invents a date."""
        return self.published.isoformat() if self.published else str(_("date unknown"))


def claim_key(subject_type: str, subject_id: int, prop: str, value: str) -> str:
    """Deterministic claim id: the same statement about the same subject is one claim."""
    raw = "\x1f".join([subject_type, str(subject_id), prop, value.strip()])
    return hashlib.sha1(raw.encode("utf-8"), usedforsecurity=False).hexdigest()


class Claim(Marked):
    """A statement about a subject, with evidence for and against. Immutable in content:
    subject, property and value never change; status and marking change through services."""

    key = models.CharField(max_length=40, unique=True)
    subject_type = models.CharField(max_length=16, choices=[(s, s) for s in CLAIM_SUBJECT_TYPES])
    subject_id = models.BigIntegerField()
    prop = models.CharField(max_length=64)
    value = models.TextField()
    status = models.CharField(max_length=16, choices=_choices(v.CLAIM_STATUSES), default="alleged", db_index=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["subject_type", "subject_id", "prop", "id"]
        indexes = [
            models.Index(fields=["subject_type", "subject_id", "prop"]),
            models.Index(fields=["marking", "subject_type"]),
            # The public claims about given subjects, answered from the index (no row look-ups).
            models.Index(fields=["subject_type", "subject_id", "marking"]),
        ]

    def __str__(self) -> str:
        return f"{self.subject_type}:{self.subject_id} {self.prop} = {self.value[:60]}"


class Evidence(Marked):
    """A source, a verbatim quote from it, and where the quote is; for or against a claim."""

    class Stance(models.TextChoices):
        SUPPORTS = "supports", _("Supports")
        REFUTES = "refutes", _("Refutes")

    claim = models.ForeignKey(Claim, on_delete=models.CASCADE, related_name="evidence")
    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="evidence")
    quote = models.TextField()
    stance = models.CharField(max_length=8, choices=Stance.choices, default=Stance.SUPPORTS)
    location = models.CharField(max_length=200, blank=True, help_text="Page, paragraph or section")
    start = models.IntegerField(null=True, blank=True, help_text="Character offset in the source text")
    end = models.IntegerField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(fields=["claim", "source", "quote", "stance"], name="evidence_unique"),
        ]
        # "Has this claim a public quote, from which source?" from the index alone.
        indexes = [models.Index(fields=["claim", "marking", "source"])]

    def __str__(self) -> str:
        return f"{self.stance}: {self.quote[:60]}"


class Alias(models.Model):
    """Another name of an entity, in any language or script; `normalized` drives search."""

    subject_type = models.CharField(max_length=16, choices=[(s, s) for s in CLAIM_SUBJECT_TYPES])
    subject_id = models.BigIntegerField()
    name = models.CharField(max_length=300)
    language = models.CharField(max_length=16, blank=True)
    normalized = models.CharField(max_length=300, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["subject_type", "subject_id"])]
        constraints = [
            models.UniqueConstraint(fields=["subject_type", "subject_id", "name"], name="alias_unique"),
        ]

    def __str__(self) -> str:
        return self.name


# Merges (with their undo data) and the networks behind the stations (people, addresses, ties,
# right of reply) live in their own modules.
from .merge_models import Merge  # noqa: E402, F401
from .network_models import Address, Person, Reply, Tie, tie_key  # noqa: E402, F401
