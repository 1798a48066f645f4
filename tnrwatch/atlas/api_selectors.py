"""Reads for the public JSON API and the exports: what may leave the instance, and how to fetch it
without N+1 queries.

Every queryset starts from `tnrwatch.sharing.outbound.outbound_queryset(Model, PUBLIC)`, the one
place that decides what the public may receive. On top of it this module adds the rules that
follow from links between records: a claim is public only if its subject is public too (a public
claim about a restricted station would reveal the station), evidence only if its source is public,
and a station's operator, host organisation or linked stations are shown only if they are public
themselves. Incidents promoted from an intake report are never listed here (they leave the
instance only de-identified and aggregated, which is the sharing app's job).

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
    Figure,
    GovernmentResponse,
    Incident,
    Organization,
    Place,
    Source,
    Station,
    StationStatusChange,
)
from tnrwatch.sharing.outbound import PUBLIC, outbound_queryset

SUBJECT_MODELS = {
    "country": Country,
    "place": Place,
    "organization": Organization,
    "station": Station,
    "response": GovernmentResponse,
    "incident": Incident,
    "source": Source,
    "figure": Figure,
}


def public(model) -> QuerySet:
    """The records of `model` the public may receive (plus this module's link rules)."""
    qs = outbound_queryset(model, PUBLIC)
    if model is Incident:
        qs = qs.filter(from_report=False)
    return qs


def _public_stations() -> QuerySet:
    return public(Station).select_related("country").order_by("country__name_en", "name_en", "id")


def public_evidence() -> QuerySet:
    """Public evidence whose source is public, with the source loaded."""
    return (
        public(Evidence)
        .filter(source__in=public(Source).values("pk"))
        .select_related("source")
        .order_by("id")
    )


def _with_public_subject(qs: QuerySet) -> QuerySet:
    condition = Q()
    for subject_type, model in SUBJECT_MODELS.items():
        if model in (Country, Place):  # unmarked reference data: always public
            condition |= Q(subject_type=subject_type)
        else:
            condition |= Q(subject_type=subject_type, subject_id__in=public(model).values("pk"))
    return qs.filter(condition)


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
    public_orgs = public(Organization)
    qs = (
        public(Station)
        .select_related("country", "place", "operator", "host_organization")
        .annotate(
            operator_public=Exists(public_orgs.filter(pk=OuterRef("operator_id"))),
            host_public=Exists(public_orgs.filter(pk=OuterRef("host_organization_id"))),
        )
        .order_by("country__name_en", "name_en", "id")
    )
    if country:
        qs = qs.filter(country__iso2=country.upper())
    if status:
        qs = qs.filter(status=status)
    if operator is not None:
        qs = qs.filter(operator_id=operator, operator__in=public_orgs.values("pk"))
    if host_organization is not None:
        qs = qs.filter(host_organization_id=host_organization, host_organization__in=public_orgs.values("pk"))
    if q:
        qs = qs.filter(Q(name_en__icontains=q) | Q(name_zh__icontains=q))
    return qs


def station_get(*, station_id: int) -> Station | None:
    return station_list().filter(pk=station_id).first()


def station_history(*, station: Station) -> list[StationStatusChange]:
    return list(station.status_history.order_by("created_at", "id"))


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
        .order_by("country__name_en", "-date", "id")
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
    target_category: str | None = None,
) -> QuerySet:
    qs = (
        public(Incident)
        .select_related("origin_country", "host_country", "place")
        .prefetch_related(Prefetch("stations", queryset=_public_stations()))
        .order_by("-date", "id")
    )
    if country:
        qs = qs.filter(host_country__iso2=country.upper())
    if origin:
        qs = qs.filter(origin_country__iso2=origin.upper())
    if tactic:
        qs = qs.filter(tactic=tactic)
    if target_category:
        qs = qs.filter(target_category=target_category)
    if year is not None:
        qs = qs.filter(date__year=year)
    return qs


def incident_get(*, incident_id: int) -> Incident | None:
    return incident_list().filter(pk=incident_id).first()


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
    qs = _with_public_subject(qs).order_by("id")
    if with_evidence:
        qs = qs.prefetch_related(Prefetch("evidence", queryset=public_evidence()))
    return qs


def claim_get(*, claim_id: int) -> Claim | None:
    return claim_list().filter(pk=claim_id).first()


def claims_about(*, subject_type: str, subject_id: int) -> QuerySet:
    """The public claims about one subject, without evidence (pages link to /claims/{id})."""
    return claim_list(subject_type=subject_type, subject_id=subject_id, with_evidence=False)


# -- sources ----------------------------------------------------------------------------------


def source_list(*, q: str | None = None, kind: str | None = None, language: str | None = None) -> QuerySet:
    qs = public(Source).order_by("-published", "id")
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
    public_claims = _with_public_subject(public(Claim))
    return public_evidence().filter(source=source, claim__in=public_claims.values("pk")).select_related("claim")


# -- the map ----------------------------------------------------------------------------------


def map_stations() -> QuerySet:
    """The station points of the map, as plain rows (one query, no model instances)."""
    return (
        public(Station)
        .order_by("id")
        .values(
            "id", "name_en", "name_zh", "status", "country__iso2",
            "place__name_en", "place__latitude", "place__longitude",
            "country__latitude", "country__longitude",
        )
    )


def map_countries() -> list[dict]:
    """Countries with stations or responses, with their strongest response and counts."""
    stats = country_stats()
    countries = Country.objects.filter(pk__in=list(stats)).order_by("name_en").values(
        "id", "iso2", "name_en", "name_zh_hans", "name_zh_hant", "latitude", "longitude"
    )
    return [{**c, **stats[c["id"]]} for c in countries]
