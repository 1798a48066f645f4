"""One public record's page (station, organisation, response, source, claim) and the lists of
stations and sources. A record that is missing or not public raises the same error.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, QuerySet

from tnrwatch.core.errors import NotFoundOrForbiddenError
from tnrwatch.registry.models import (
    Alias,
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
from .incidents import _incident_views


def _hide_private_organizations(station: Station) -> Station:
    """Drop the station's links to its operator and host unless the outbound rule lets them show,
    and show the status the public may see (`public_status`, backed by a public claim)."""
    station.operator, station.host_organization = station_operator(station), station_host(station)
    station.status = station.public_status
    return station


def _get_public(model, pk: int):  # noqa: ANN001
    obj = public(model).filter(pk=pk).first()
    if obj is None:
        raise NotFoundOrForbiddenError("There is no public record with this number.")
    return obj


def station_get(pk: int) -> Station:
    station = _hide_private_organizations(_get_public(Station, pk))
    claim_ids = set(subject_claims("station", station.pk).filter(
        pk__in=station.status_history.exclude(claim=None).values("claim_id")).values_list("pk", flat=True))
    history = []
    for change in public(StationStatusChange).filter(station=station).select_related("claim").order_by("-date", "-created_at"):
        # A status change cites its claim only when that claim is itself public.
        change.public_claim = change.claim if change.claim_id in claim_ids else None
        history.append(change)
    station.history = history
    station.public_responses = list(public(GovernmentResponse).filter(stations=station).select_related("country"))
    station.public_incidents = [iv for iv in _incident_views(Incident.objects.filter(stations=station), limit=50)[:50]
                                if station.pk in iv.row.station_ids]
    return station


def response_get(pk: int) -> GovernmentResponse:
    response = public(GovernmentResponse).select_related("country", "place").filter(pk=pk).first()
    if response is None:
        raise NotFoundOrForbiddenError("There is no public record with this number.")
    response.public_stations = list(public(Station).filter(responses=response))
    return response


def organization_get(pk: int) -> Organization:
    org = _get_public(Organization, pk)
    org.operated = list(public(Station).filter(operator=org).select_related("country"))
    org.hosted = list(public(Station).filter(host_organization=org).select_related("country"))
    org.aliases = list(Alias.objects.filter(subject_type="organization", subject_id=org.pk).order_by("name"))
    return org


def source_get(pk: int, language: str) -> Source:
    source = _get_public(Source, pk)
    claim_ids = _public_evidence().filter(source=source).values("claim_id")
    claims = list(public_claims().filter(pk__in=claim_ids).order_by("subject_type", "subject_id", "prop", "id"))
    for claim in claims:
        claim.from_this_source = [e for e in claim.public_evidence if e.source_id == source.pk]
    source.claims = _with_subjects(claims, language)
    return source


def claim_get(pk: int, language: str) -> Claim:
    claim = public_claims().filter(pk=pk).first()
    if claim is None:
        raise NotFoundOrForbiddenError("There is no public claim with this number.")
    [claim] = _with_subjects([claim], language)
    claim.supporting = [e for e in claim.public_evidence if e.stance == Evidence.Stance.SUPPORTS]
    claim.refuting = [e for e in claim.public_evidence if e.stance == Evidence.Stance.REFUTES]
    # Other values asserted for the same subject and property: contested facts side by side.
    claim.alternatives = _with_subjects(
        list(public_claims().filter(subject_type=claim.subject_type, subject_id=claim.subject_id, prop=claim.prop)
             .exclude(pk=claim.pk)),
        language,
    )
    return claim


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


def with_quote_counts(sources: Iterable[Source]) -> list[Source]:
    """Attach `.quote_count` (public quotes) to the given sources, in one query."""
    sources = list(sources)
    counts = dict(
        _public_evidence().filter(source__in=[s.pk for s in sources]).order_by()
        .values_list("source_id").annotate(n=Count("id")).values_list("source_id", "n")
    )
    for source in sources:
        source.quote_count = counts.get(source.pk, 0)
    return sources
