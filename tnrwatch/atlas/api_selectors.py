"""Reads for the public JSON API and the exports: what may leave the instance, and how to fetch it
without N+1 queries.

Every queryset starts from `tnrwatch.sharing.outbound.outbound_queryset(Model, PUBLIC)`, the one
place that decides what the public may receive (TLP, claims only about visible subjects, evidence
only from visible sources, no incidents from reports). Links from a visible record to another one
(a station's operator, a response's stations) are shown only if the target is visible too.
Incidents are read through `outbound.incident_rows(PUBLIC)`, which de-identifies and coarsens them.

The querysets select or prefetch everything the API and exports print, so the number of queries
per page is fixed, whatever the page size.
"""

from __future__ import annotations

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet

from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import (
    Claim,
    Country,
    Evidence,
    GovernmentResponse,
    Organization,
    Place,
    Source,
    Station,
    StationStatusChange,
)
from tnrwatch.sharing.outbound import (
    PUBLIC,
    IncidentRow,
    incident_rows,
    outbound_queryset,
    readable_evidence,
)

from . import record_version


def public(model) -> QuerySet:
    """The records of `model` the public may receive."""
    return outbound_queryset(model, PUBLIC)


def _public_stations() -> QuerySet:
    return public(Station).select_related("country").order_by("country__name_en", "name_en", "id")


def public_evidence() -> QuerySet:
    """Public evidence (visible claim, visible source), with the source loaded."""
    return public(Evidence).select_related("source").order_by("id")


def evidence_of_visible_claims() -> QuerySet:
    """The evidence to prefetch for claims that are already outbound-filtered.

    Same rows as `public_evidence()` restricted to those claims (tests/test_api.py checks it), but
    without outbound's `claim IN (visible claims)` condition: the parent claims satisfy it
    already, and SQLite rebuilds that subquery (every visible claim) for each prefetch chunk,
    which made the claims export quadratic. The evidence's own marking comes from the same
    Audience, and the source check is a correlated EXISTS (`outbound.readable_evidence`).
    """
    return readable_evidence(PUBLIC).select_related("source").order_by("id")


# -- countries --------------------------------------------------------------------------------


def country_list(*, continent: str | None = None, has_stations: bool | None = None, q: str | None = None) -> QuerySet:
    qs = Country.objects.order_by("name_en")
    if continent:
        qs = qs.filter(continent=continent.upper())
    if q:
        qs = qs.filter(Q(name_en__icontains=q) | Q(name_zh_hans__icontains=q) | Q(name_zh_hant__icontains=q) | Q(iso2__iexact=q))
    if has_stations is not None:
        with_stations = Exists(public(Station).filter(country_id=OuterRef("pk")))
        qs = qs.filter(with_stations) if has_stations else qs.exclude(with_stations)
    return qs


def country_stats(country_ids: list[int] | None = None) -> dict[int, dict]:
    """{country id: {"stations": n, "responses": n, "strongest_response": slug or None}}.

    Two grouped queries whatever the number of countries."""
    stations = public(Station)
    responses = public(GovernmentResponse)
    if country_ids is not None:
        stations = stations.filter(country_id__in=country_ids)
        responses = responses.filter(country_id__in=country_ids)
    stats: dict[int, dict] = {}

    def entry(cid: int) -> dict:
        return stats.setdefault(cid, {"stations": 0, "responses": 0, "actions": []})

    for row in stations.order_by().values("country_id").annotate(n=Count("id")):
        entry(row["country_id"])["stations"] = row["n"]
    for row in responses.order_by().values("country_id", "action").annotate(n=Count("id")):
        e = entry(row["country_id"])
        e["responses"] += row["n"]
        e["actions"].append(row["action"])
    for e in stats.values():
        e["strongest_response"] = v.strongest_response(e.pop("actions"))
    return stats


def country_get(*, iso2: str) -> Country | None:
    return Country.objects.filter(iso2=iso2.upper()).first()


# -- stations ---------------------------------------------------------------------------------


def station_list(
    *, country: str | None = None, status: str | None = None, operator: int | None = None,
    host_organization: int | None = None, q: str | None = None,
) -> QuerySet:
    # outbound annotates each station with its public status and whether its links may be shown.
    qs = (
        public(Station)
        .select_related("country", "place", "operator", "host_organization")
        # By id: SQLite walks the primary key and stops at the page; sorting by country name
        # would sort every public station on every page (the atlas pages sort by name).
        .order_by("id")
    )
    if country:
        qs = qs.filter(country__iso2=country.upper())
    if status:
        qs = qs.filter(public_status=status)
    if operator is not None:
        qs = qs.filter(operator_id=operator, operator_visible=True)
    if host_organization is not None:
        qs = qs.filter(host_organization_id=host_organization, host_organization_visible=True)
    if q:
        qs = qs.filter(Q(name_en__icontains=q) | Q(name_zh__icontains=q))
    return qs


def station_get(*, station_id: int) -> Station | None:
    return station_list().filter(pk=station_id).first()


def station_history(*, station: Station) -> list[StationStatusChange]:
    return list(public(StationStatusChange).filter(station=station).order_by("created_at", "id"))


# -- organisations ----------------------------------------------------------------------------


def organization_list(*, kind: str | None = None, country: str | None = None, q: str | None = None) -> QuerySet:
    qs = public(Organization).select_related("country").order_by("name_en", "id")
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(country__iso2=country.upper())
    if q:
        qs = qs.filter(Q(name_en__icontains=q) | Q(name_zh__icontains=q))
    return qs


def organization_get(*, organization_id: int) -> Organization | None:
    return organization_list().filter(pk=organization_id).first()


# -- government responses ---------------------------------------------------------------------


def response_list(
    *, country: str | None = None, action: str | None = None, year: int | None = None, station: int | None = None,
) -> QuerySet:
    qs = (
        public(GovernmentResponse)
        .select_related("country", "place")
        .prefetch_related(Prefetch("stations", queryset=_public_stations()))
        .order_by("-date", "id")
    )
    if country:
        qs = qs.filter(country__iso2=country.upper())
    if action:
        qs = qs.filter(action=action)
    if year is not None:
        qs = qs.filter(date__year=year)
    if station is not None:
        qs = qs.filter(stations__in=public(Station).filter(pk=station).values("pk"))
    return qs


def response_get(*, response_id: int) -> GovernmentResponse | None:
    return response_list().filter(pk=response_id).first()


# -- incidents --------------------------------------------------------------------------------


def incident_list(
    *, country: str | None = None, origin: str | None = None, tactic: str | None = None, year: int | None = None,
    target_category: str | None = None, incident_id: int | None = None,
) -> list[IncidentRow]:
    """Public incidents, de-identified and coarsened by `outbound.incident_rows`.

    Rows are always computed over every public incident and filtered afterwards, so an incident
    is coarsened the same way in every list and in its detail view (a filtered set would make
    smaller cells and different coarsening). Incidents are few (thousands), so this is cheap.
    """
    rows = []
    for row in incident_rows(PUBLIC):
        if (country and row.host_country != country.upper()) or (origin and row.origin_country != origin.upper()):
            continue
        if (tactic and row.tactic != tactic) or (target_category and row.target_category != target_category):
            continue
        if (year is not None and row.year != year) or (incident_id is not None and row.pk != incident_id):
            continue
        rows.append(row)
    return rows


def incident_get(*, incident_id: int) -> IncidentRow | None:
    rows = incident_list(incident_id=incident_id)
    return rows[0] if rows else None


def incident_links(rows: list[IncidentRow]) -> tuple[dict[int, Place], dict[int, Station]]:
    """Places and (visible) stations referred to by `rows`, in two queries."""
    places = Place.objects.in_bulk({r.place_id for r in rows if r.place_id})
    station_ids = {sid for r in rows for sid in r.station_ids}
    stations = public(Station).select_related("country").in_bulk(station_ids) if station_ids else {}
    return places, stations


# -- claims -----------------------------------------------------------------------------------


def claim_list(
    *, subject_type: str | None = None, subject_id: int | None = None, status: str | None = None,
    prop: str | None = None, source: int | None = None, with_evidence: bool = True,
) -> QuerySet:
    qs = public(Claim)
    if subject_type:
        qs = qs.filter(subject_type=subject_type)
    if subject_id is not None:
        qs = qs.filter(subject_id=subject_id)
    if status:
        qs = qs.filter(status=status)
    if prop:
        qs = qs.filter(prop=prop)
    if source is not None:
        qs = qs.filter(pk__in=public_evidence().filter(source_id=source).values("claim_id"))
    qs = qs.order_by("id")
    if with_evidence:
        qs = qs.prefetch_related(Prefetch("evidence", queryset=evidence_of_visible_claims()))
    return qs


def claim_get(*, claim_id: int) -> Claim | None:
    return claim_list().filter(pk=claim_id).first()


def claims_about(*, subject_type: str, subject_id: int) -> QuerySet:
    """The public claims about one subject, without evidence (pages link to /claims/{id})."""
    return claim_list(subject_type=subject_type, subject_id=subject_id, with_evidence=False)


# -- sources ----------------------------------------------------------------------------------


def source_list(*, q: str | None = None, kind: str | None = None, language: str | None = None) -> QuerySet:
    # Newest first by id: `published` has no index, and sorting 100k sources per page would not scale.
    qs = public(Source).order_by("-id")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(publisher__icontains=q) | Q(author__icontains=q) | Q(url__icontains=q))
    if kind:
        qs = qs.filter(kind=kind)
    if language:
        qs = qs.filter(language__iexact=language)
    return qs


def source_get(*, source_id: int) -> Source | None:
    return source_list().filter(pk=source_id).first()


def source_evidence(*, source: Source) -> QuerySet:
    """The public evidence a source gives, with the (public) claims it supports or refutes."""
    return public_evidence().filter(source=source).select_related("claim")


# -- the map ----------------------------------------------------------------------------------


def map_stations() -> QuerySet:
    """The station points of the map, as plain rows (one query, no model instances)."""
    return (
        public(Station)
        .order_by("id")
        .values(
            "id", "name_en", "name_zh", "public_status", "country__iso2",
            "place__name_en", "place__latitude", "place__longitude",
            "country__latitude", "country__longitude",
        )
    )


def map_fingerprint() -> str:
    """Changes whenever the public record may have changed: the registry's version, which database
    triggers move on every write to a table the publication rule reads (`atlas/record_version.py`),
    whatever path the write took. One indexed look-up."""
    return record_version.current()


def map_countries() -> list[dict]:
    """Countries with stations or responses, with their strongest response and counts."""
    stats = country_stats()
    countries = Country.objects.filter(pk__in=list(stats)).order_by("name_en").values(
        "id", "iso2", "name_en", "name_zh_hans", "name_zh_hant", "latitude", "longitude"
    )
    return [{**c, **stats[c["id"]]} for c in countries]
