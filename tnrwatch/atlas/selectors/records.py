"""One public record's page (station, organisation, response, source, claim) and the lists of
stations and sources. A record that is missing or not public raises the same error.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVar

from django.db.models import Count, Model, QuerySet
from django.utils.translation import gettext

from tnrwatch.core.errors import NotFoundOrForbiddenError
from tnrwatch.registry.models import (
    Alias,
    Campaign,
    Claim,
    Country,
    Evidence,
    GovernmentResponse,
    Incident,
    Organization,
    Source,
    Station,
    StationStatusChange,
)
from tnrwatch.sharing.outbound import station_host, station_operator

from ..api_selectors import public
from .claims import (
    _public_evidence,
    _with_subjects,
    public_claims,
    subject_claims,
)
from .incidents import IncidentView, _incident_views

M = TypeVar("M", bound=Model)


@dataclass(frozen=True)
class PublicStation:
    """A public station as the public may see it: `status` is backed by a public claim, and
    `operator` and `host_organization` are set only where the outbound rule lets the link show
    (the station's own columns may say otherwise)."""

    station: Station
    status: str
    operator: Organization | None
    host_organization: Organization | None


def public_station(station: Station) -> PublicStation:
    """`station` (from the outbound rule's queryset) with its public status and links."""
    return PublicStation(
        station=station,
        status=station.public_status,  # type: ignore[attr-defined]  # annotated by the outbound rule
        operator=station_operator(station),
        host_organization=station_host(station),
    )


@dataclass(frozen=True)
class StatusChangeView:
    """One step of a station's status history, citing its claim only when that claim is public."""

    change: StationStatusChange
    claim: Claim | None


@dataclass(frozen=True)
class StationRecord:
    """A public station's page. `status`, `operator` and `host_organization` are what the outbound
    rule lets the public see (the status backed by a public claim; links only to public records),
    not the station's own columns."""

    station: Station
    status: str  # as in PublicStation
    operator: Organization | None
    host_organization: Organization | None
    history: list[StatusChangeView]
    responses: list[GovernmentResponse]
    incidents: list[IncidentView]

    @property
    def status_label(self) -> str:
        return dict(Station._meta.get_field("status").flatchoices).get(self.status, self.status)


@dataclass(frozen=True)
class ResponseRecord:
    response: GovernmentResponse
    stations: list[Station]


@dataclass(frozen=True)
class OrganizationRecord:
    organization: Organization
    operated: list[Station]  # the first STATIONS_SHOWN in the model order (country, name)
    hosted: list[Station]
    aliases: list[Alias]
    operated_total: int = 0
    hosted_total: int = 0


# An organisation's page lists at most this many of the stations it operates or hosts, and links
# the rest as a filtered export: a bureau with a thousand stations keeps a page of bounded size.
STATIONS_SHOWN = 50


@dataclass(frozen=True)
class SourceClaim:
    """A public claim the source backs or disputes, with the public quotes from this source."""

    claim: Claim
    evidence: list[Evidence]


@dataclass(frozen=True)
class SourceRecord:
    source: Source
    claims: list[SourceClaim]


@dataclass(frozen=True)
class ClaimRecord:
    """A public claim with its public evidence for and against, and the other values asserted for
    the same subject and property (contested facts side by side)."""

    claim: Claim
    supporting: list[Evidence]
    refuting: list[Evidence]
    alternatives: list[Claim]


@dataclass(frozen=True)
class SourceRow:
    source: Source
    quote_count: int  # public quotes


def _public_evidence_of(claim: Claim) -> list[Evidence]:
    """The claim's public quotes, as `public_claims` prefetched them."""
    evidence: list[Evidence] = claim.public_evidence  # type: ignore[attr-defined]  # Prefetch(to_attr=)
    return evidence


def _get_public(model: type[M], pk: int) -> M:
    obj = public(model).filter(pk=pk).first()
    if obj is None:
        raise NotFoundOrForbiddenError(gettext("There is no public record with this number."))
    return obj


def station_get(pk: int) -> StationRecord:
    station = _get_public(Station, pk)
    claim_ids = set(subject_claims("station", station.pk).filter(
        pk__in=station.status_history.exclude(claim=None).values("claim_id")).values_list("pk", flat=True))
    changes = public(StationStatusChange).filter(station=station).select_related("claim").order_by("-date", "-created_at")
    seen = public_station(station)
    return StationRecord(
        station=station,
        status=seen.status,
        operator=seen.operator,
        host_organization=seen.host_organization,
        history=[StatusChangeView(change, change.claim if change.claim_id in claim_ids else None) for change in changes],
        responses=list(public(GovernmentResponse).filter(stations=station).select_related("country")),
        incidents=[iv for iv in _incident_views(Incident.objects.filter(stations=station), limit=50)[:50]
                   if station.pk in iv.row.station_ids],
    )


def response_get(pk: int) -> ResponseRecord:
    response = public(GovernmentResponse).select_related("country", "place").filter(pk=pk).first()
    if response is None:
        raise NotFoundOrForbiddenError(gettext("There is no public record with this number."))
    return ResponseRecord(response=response, stations=list(public(Station).filter(responses=response)))


def organization_get(pk: int) -> OrganizationRecord:
    org = _get_public(Organization, pk)
    operated = public(Station).filter(operator=org)
    hosted = public(Station).filter(host_organization=org)
    return OrganizationRecord(
        organization=org,
        operated=list(operated.select_related("country")[:STATIONS_SHOWN]),  # the model order: country, name
        hosted=list(hosted.select_related("country")[:STATIONS_SHOWN]),
        aliases=list(Alias.objects.filter(subject_type="organization", subject_id=org.pk).order_by("name")),
        operated_total=operated.count(), hosted_total=hosted.count(),
    )


def campaign_get(pk: int) -> Campaign:
    """A public campaign with the links the public may see: the bodies it is attributed to, the
    stations it uses, the campaign it is part of and its parts (each end public by the rule)."""
    campaign = _get_public(Campaign, pk)
    campaign.public_attributed = list(public(Organization).filter(campaigns=campaign).order_by("name_en"))  # type: ignore[attr-defined]  # owed: a CampaignRecord, as the others
    campaign.public_stations = list(public(Station).filter(campaigns=campaign).select_related("country"))  # type: ignore[attr-defined]  # owed: a CampaignRecord, as the others
    campaign.public_parent = public(Campaign).filter(pk=campaign.part_of_id).first() if campaign.part_of_id else None  # type: ignore[attr-defined]  # owed: a CampaignRecord, as the others
    campaign.public_parts = list(public(Campaign).filter(part_of=campaign))  # type: ignore[attr-defined]  # owed: a CampaignRecord, as the others
    campaign.aliases = list(Alias.objects.filter(subject_type="campaign", subject_id=campaign.pk).order_by("name"))  # type: ignore[attr-defined]  # owed: a CampaignRecord, as the others
    return campaign


def campaign_list() -> list[Campaign]:
    """Public campaigns, by name."""
    return list(public(Campaign).order_by("name_en"))


def source_get(pk: int, language: str) -> SourceRecord:
    source = _get_public(Source, pk)
    claim_ids = _public_evidence().filter(source=source).values("claim_id")
    claims = list(public_claims().filter(pk__in=claim_ids).order_by("subject_type", "subject_id", "prop", "id"))
    return SourceRecord(source=source, claims=[
        SourceClaim(claim, [e for e in _public_evidence_of(claim) if e.source_id == source.pk])
        for claim in _with_subjects(claims, language)
    ])


def claim_get(pk: int, language: str) -> ClaimRecord:
    claim = public_claims().filter(pk=pk).first()
    if claim is None:
        raise NotFoundOrForbiddenError(gettext("There is no public claim with this number."))
    [claim] = _with_subjects([claim], language)
    return ClaimRecord(
        claim=claim,
        supporting=[e for e in _public_evidence_of(claim) if e.stance == Evidence.Stance.SUPPORTS],
        refuting=[e for e in _public_evidence_of(claim) if e.stance == Evidence.Stance.REFUTES],
        alternatives=_with_subjects(
            list(public_claims().filter(subject_type=claim.subject_type, subject_id=claim.subject_id, prop=claim.prop)
                 .exclude(pk=claim.pk)),
            language,
        ),
    )


def station_list(*, country: Country | None = None, status: str | None = None) -> QuerySet:
    """Public stations; each row's `public_status` is the status the public may see."""
    qs = public(Station).select_related("country", "place", "operator")
    if country is not None:
        qs = qs.filter(country=country)
    if status:
        qs = qs.filter(public_status=status)
    return qs.order_by("country__name_en", "name_en", "id")


def station_countries() -> QuerySet:
    return Country.objects.filter(pk__in=public(Station).values("country_id")).order_by("name_en")


def source_list() -> QuerySet:
    return public(Source).order_by("-published", "id")


def with_quote_counts(sources: Iterable[Source]) -> list[SourceRow]:
    """The given sources with their number of public quotes, in one query."""
    sources = list(sources)
    counts = dict(
        _public_evidence().filter(source__in=[s.pk for s in sources]).order_by()
        .values_list("source_id").annotate(n=Count("id")).values_list("source_id", "n")
    )
    return [SourceRow(source, counts.get(source.pk, 0)) for source in sources]
