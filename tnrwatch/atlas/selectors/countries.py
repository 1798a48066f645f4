"""A country's page: its public responses, stations, incidents and claims (each bounded), the
sources they quote, and the country's paginated sources page.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.translation import gettext

from tnrwatch.core.errors import NotFoundOrForbiddenError
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import (
    Claim,
    Country,
    Evidence,
    GovernmentResponse,
    Incident,
    Source,
    Station,
)

from ..api_selectors import public
from .claims import subject_claims
from .incidents import IncidentView, _incident_views
from .records import PublicStation, public_station


def country_get(iso2: str) -> Country:
    iso2 = (iso2 or "").upper()
    if len(iso2) != 2 or not iso2.isascii() or not iso2.isalpha():
        raise NotFoundOrForbiddenError(gettext("There is no country with this code."))
    country = Country.objects.filter(iso2=iso2).first()
    if country is None:
        raise NotFoundOrForbiddenError(gettext("There is no country with this code."))
    return country


def _public_station_links() -> QuerySet:
    """How many public stations the outer response names (a link shows only if both ends do)."""
    links = GovernmentResponse.stations.through.objects.filter(governmentresponse_id=OuterRef("pk"))
    return (links.filter(Exists(public(Station).filter(pk=OuterRef("station_id")))).order_by()
            .values("governmentresponse_id").annotate(n=Count("pk")).values("n"))  # type: ignore[misc]  # the stubs miss `n`


def country_responses(country: Country) -> QuerySet:
    """The country's public responses, newest first (paginate, then `with_claims`)."""
    return (
        public(GovernmentResponse).filter(country=country).select_related("place")
        .annotate(station_count=Coalesce(Subquery(_public_station_links()), 0))
        .order_by("-date", "-id")
    )


def country_strongest(country: Country) -> tuple[str | None, list[GovernmentResponse]]:
    """The strongest public action of the country, and (up to five of) the responses behind it."""
    actions = list(public(GovernmentResponse).filter(country=country).values_list("action", flat=True).distinct())
    strongest = v.strongest_response(actions)
    if strongest is None:
        return None, []
    return strongest, list(country_responses(country).filter(action=strongest)[:5])


COUNTRY_PAGE_LIMIT = 50
CLAIMS_PER_INCIDENT = 3  # linked from each incident on the country page; the incidents list has them all


def country_stations(country: Country, limit: int = COUNTRY_PAGE_LIMIT) -> tuple[list[PublicStation], int]:
    """Up to `limit` public stations of the country (with claims), and how many there are."""
    qs = public(Station).filter(country=country)
    stations = list(qs.select_related("place", "operator", "host_organization").order_by("name_en", "id")[:limit])
    return [public_station(s) for s in stations], (qs.count() if len(stations) == limit else len(stations))


def country_incidents(country: Country, limit: int = 20) -> tuple[list[IncidentView], int]:
    """The latest `limit` public incidents in the country (de-identified rows), and how many."""
    views = _incident_views(Incident.objects.filter(host_country=country), limit=limit, claims_per_row=CLAIMS_PER_INCIDENT)
    return views[:limit], len(views)


def country_claims(country: Country, limit: int) -> tuple[list[Claim], int]:
    """The first `limit` public claims about the country itself (with quotes), and how many there
    are: the country page stays bounded however many claims a country gathers; the rest are on
    the country's paginated claims page."""
    qs = subject_claims("country", country.pk)
    claims = list(qs[:limit])
    return claims, (qs.count() if len(claims) == limit else len(claims))


def country_source_list(country: Country) -> QuerySet:
    """Every public source quoted about the country or its responses, stations and incidents,
    latest first: the paginated /countries/<iso2>/sources/ page."""
    cond = (
        Q(claim__subject_type="country", claim__subject_id=country.pk)
        | Q(claim__subject_type="response",
            claim__subject_id__in=public(GovernmentResponse).filter(country=country).values("pk"))
        | Q(claim__subject_type="station", claim__subject_id__in=public(Station).filter(country=country).values("pk"))
        | Q(claim__subject_type="incident",
            claim__subject_id__in=public(Incident).filter(host_country=country).values("pk"))
    )
    evidence = public(Evidence).filter(cond)
    return public(Source).filter(pk__in=evidence.values("source_id")).order_by("-published", "id")


def sources_cited(*claim_lists: Iterable[Claim]) -> list[Source]:
    """The distinct sources quoted by the claims shown on a page (their public evidence is already
    loaded), latest first. The country page lists these, so its cost stays bounded however many
    sources a country gathers; all of them are on the country's sources page."""
    seen: dict[int, Source] = {}
    for claims in claim_lists:
        for claim in claims:
            for evidence in getattr(claim, "public_evidence", ()):
                seen.setdefault(evidence.source_id, evidence.source)
    return sorted(seen.values(), key=lambda src: (src.published is None, -(src.published.toordinal() if src.published else 0), src.pk))
