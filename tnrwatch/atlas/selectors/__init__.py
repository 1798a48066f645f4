"""Every read the public atlas pages make. Only TLP:CLEAR records, through the outbound filter.

A claim is public when the claim, its subject and at least one of its evidence items (with a
public source) are CLEAR; evidence is shown only when both the evidence item and its source are
CLEAR; incidents only as the de-identified rows of `sharing.outbound.incident_rows`. The modules,
by sub-topic: `claims` (which claims and subjects are public, their names and links),
`incidents` (the de-identified incident rows and their list), `records` (one record's page, the
station and source lists), `countries` (the country page), `overview` (home, map, comparison)
and `timeline` (public responses per year). Each imports only the ones before it. Callers import from here:
`from tnrwatch.atlas import selectors`.
"""

from tnrwatch.registry.models import Country, GovernmentResponse, Incident, Station

from ..api_selectors import map_fingerprint  # the home page's map is cached under it
from .claims import (
    SubjectRef,
    claim_totals,
    claims_for,
    public_claims,
    subject_claims,
    subject_refs,
    with_claims,
)
from .countries import (
    COUNTRY_PAGE_LIMIT,
    country_claims,
    country_get,
    country_incidents,
    country_responses,
    country_source_list,
    country_stations,
    country_strongest,
    sources_cited,
)
from .incidents import IncidentView, incident_countries, incident_list, incident_totals
from .overview import (
    MARKS_PER_CELL,
    CompareRow,
    compare_rows,
    countries_by_iso2,
    entity_counts,
    headline_figures,
    source_count,
    station_points,
    strongest_responses,
    undated_for_map,
)
from .people import TieView, address_get, person_get, public_replies, public_ties, tie_period
from .records import (
    campaign_get,
    campaign_list,
    claim_get,
    organization_get,
    response_get,
    source_get,
    source_list,
    station_countries,
    station_get,
    station_list,
    with_quote_counts,
)
from .timeline import response_years

__all__ = [
    "TieView",
    "address_get",
    "person_get",
    "public_replies",
    "public_ties",
    "tie_period",
    "countries_by_iso2",
    "map_fingerprint",
    "COUNTRY_PAGE_LIMIT",
    "MARKS_PER_CELL",
    "CompareRow",
    "Country",
    "GovernmentResponse",
    "Incident",
    "IncidentView",
    "Station",
    "SubjectRef",
    "claim_get",
    "claim_totals",
    "claims_for",
    "compare_rows",
    "country_claims",
    "country_get",
    "country_incidents",
    "country_responses",
    "country_source_list",
    "country_stations",
    "country_strongest",
    "headline_figures",
    "entity_counts",
    "source_count",
    "incident_countries",
    "incident_list",
    "incident_totals",
    "organization_get",
    "campaign_get",
    "campaign_list",
    "public_claims",
    "response_get",
    "response_years",
    "source_get",
    "source_list",
    "sources_cited",
    "station_countries",
    "station_get",
    "station_list",
    "station_points",
    "strongest_responses",
    "undated_for_map",
    "subject_claims",
    "subject_refs",
    "with_claims",
    "with_quote_counts",
]
