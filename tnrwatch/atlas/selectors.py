"""Every read the public atlas pages make. Only TLP:CLEAR records, through the outbound filter.

A claim is public when the claim, its subject and at least one of its evidence items (with a
public source) are CLEAR: a claim about a non-public station would reveal the station, and a
claim without a public quote could not show where it comes from. Evidence is shown only when
both the evidence item and its source are CLEAR. Incidents are shown only as the de-identified,
possibly coarsened rows of `sharing.outbound.incident_rows` (the one place that decides).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Window
from django.urls import reverse

from tnrwatch.core.errors import NotFoundOrForbiddenError
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import (
    Alias,
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
)
from tnrwatch.registry.names import normalize_name, to_simplified
from tnrwatch.sharing.outbound import (
    PUBLIC,
    IncidentCount,
    IncidentRow,
    incident_counts,
    incident_rows,
)

from .api_selectors import evidence_of_visible_claims, public

# Subjects whose model carries a marking; countries and places are public reference data.
_MARKED_SUBJECTS = {
    "organization": Organization,
    "station": Station,
    "response": GovernmentResponse,
    "incident": Incident,
    "source": Source,
    "figure": Figure,
}


def _public_evidence() -> QuerySet:
    """Public evidence items whose source is public (each row carries its source); the claim's
    own visibility is the caller's to check (`public_claims`, or a filter on `claim`)."""
    return evidence_of_visible_claims()


def public_claims() -> QuerySet:
    """CLEAR claims with at least one public quote, that evidence prefetched.

    The subject's visibility is NOT checked here (it would cost a pass over every claim at scale):
    callers either ask only about subjects they got from a public queryset (`claims_for`) or check
    the subject themselves (`claim_get`, `_with_subjects`).
    """
    has_public_quote = Exists(_public_evidence().filter(claim=OuterRef("pk")))
    return (
        Claim.objects.filter(marking__in=PUBLIC.allowed_markings())
        .filter(has_public_quote)
        .prefetch_related(Prefetch("evidence", queryset=_public_evidence(), to_attr="public_evidence"))
    )


def _subject_is_public(subject_type: str, subject_id: int) -> bool:
    model = _MARKED_SUBJECTS.get(subject_type)
    if model is None:
        return True
    return public(model).filter(pk=subject_id).exists()


def claims_for(subject_type: str, ids: Iterable[int], per_subject: int | None = None, *,
               with_evidence: bool = True) -> dict[int, list[Claim]]:
    """Public claims about the given subjects, grouped by subject id. The ids must come from a
    public queryset (the caller's records are already filtered). With `per_subject`, at most that
    many claims per subject (lists stay bounded however many claims a record gathers). Without
    `with_evidence`, the claims come without their quotes (`public_evidence` is not loaded), for
    lists that only link to each claim's page."""
    from django.db.models import F
    from django.db.models.functions import RowNumber

    ids = list(ids)
    grouped: dict[int, list[Claim]] = defaultdict(list)
    if not ids:
        return grouped
    qs = public_claims().filter(subject_type=subject_type, subject_id__in=ids)
    if per_subject is not None:
        ranked = qs.annotate(rank=Window(RowNumber(), partition_by=[F("subject_id")], order_by=[F("prop"), F("id")]))
        keep = [row["pk"] for row in ranked.values("pk", "rank") if row["rank"] <= per_subject]
        qs = public_claims().filter(pk__in=keep)
    if not with_evidence:
        qs = qs.prefetch_related(None)
    for claim in qs.order_by("prop", "id"):
        grouped[claim.subject_id].append(claim)
    return grouped


def claim_totals(subject_type: str, ids: Iterable[int]) -> dict[int, int]:
    """How many public claims each subject has."""
    return dict(
        public_claims().filter(subject_type=subject_type, subject_id__in=list(ids)).order_by()
        .values_list("subject_id").annotate(n=Count("id")).values_list("subject_id", "n")
    )


def subject_claims(subject_type: str, subject_id: int) -> QuerySet:
    """All public claims about one (public) record, for a paginated list."""
    return public_claims().filter(subject_type=subject_type, subject_id=subject_id).order_by("prop", "id")


def _attach(objects: list, subject_type: str, per_subject: int | None = None) -> list:
    by_id = claims_for(subject_type, [o.pk for o in objects], per_subject)
    totals = claim_totals(subject_type, [o.pk for o in objects]) if per_subject is not None else {}
    for obj in objects:
        obj.claims = by_id.get(obj.pk, [])
        obj.claim_total = totals.get(obj.pk, len(obj.claims))
        obj.more_claims = obj.claim_total - len(obj.claims)
    return objects


# --- subjects: names and links --------------------------------------------------------------


@dataclass(frozen=True)
class SubjectRef:
    label: str
    url: str | None


def subject_refs(pairs: Iterable[tuple[str, int]], language: str) -> dict[tuple[str, int], SubjectRef]:
    """Name and page of each (subject_type, id) that is public; non-public ones are left out."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for subject_type, subject_id in pairs:
        by_type[subject_type].add(subject_id)
    refs: dict[tuple[str, int], SubjectRef] = {}
    for subject_type, ids in by_type.items():
        if subject_type == "country":
            for c in Country.objects.filter(pk__in=ids):
                refs[(subject_type, c.pk)] = SubjectRef(c.name_for(language), reverse("atlas:country", args=[c.iso2.lower()]))
        elif subject_type == "place":
            for p in Place.objects.filter(pk__in=ids).select_related("country"):
                refs[(subject_type, p.pk)] = SubjectRef(f"{p.name_en}, {p.country.name_for(language)}", reverse("atlas:country", args=[p.country.iso2.lower()]))
        elif subject_type == "station":
            for s in public(Station).filter(pk__in=ids):
                refs[(subject_type, s.pk)] = SubjectRef(s.name_en, reverse("atlas:station", args=[s.pk]))
        elif subject_type == "organization":
            for o in public(Organization).filter(pk__in=ids):
                refs[(subject_type, o.pk)] = SubjectRef(o.name_en, reverse("atlas:organization", args=[o.pk]))
        elif subject_type == "source":
            for s in public(Source).filter(pk__in=ids):
                refs[(subject_type, s.pk)] = SubjectRef(s.title, reverse("atlas:source", args=[s.pk]))
        elif subject_type == "response":
            for r in public(GovernmentResponse).filter(pk__in=ids).select_related("country"):
                label = f"{r.country.name_for(language)}: {r.get_action_display()}"
                refs[(subject_type, r.pk)] = SubjectRef(label, reverse("atlas:response", args=[r.pk]))
        elif subject_type == "incident":
            for i in public(Incident).filter(pk__in=ids).select_related("host_country"):
                label = f"{i.get_tactic_display()}, {i.host_country.name_for(language)}"
                refs[(subject_type, i.pk)] = SubjectRef(label, reverse("atlas:incidents") + f"#incident-{i.pk}")
        elif subject_type == "figure":
            for f in public(Figure).filter(pk__in=ids):
                refs[(subject_type, f.pk)] = SubjectRef(f"{f.value:,} {f.label}", reverse("atlas:home") + f"#figure-{f.pk}")
    return refs


def _with_subjects(claims: list[Claim], language: str) -> list[Claim]:
    refs = subject_refs(((c.subject_type, c.subject_id) for c in claims), language)
    kept = []
    for claim in claims:
        ref = refs.get((claim.subject_type, claim.subject_id))
        if ref is not None:
            claim.subject_ref = ref
            kept.append(claim)
    return kept


# --- home and map ---------------------------------------------------------------------------


def strongest_responses() -> dict[str, str]:
    """ISO2 -> the strongest public response action of that country."""
    actions: dict[str, list[str]] = defaultdict(list)
    # Distinct (country, action) pairs straight from the (country, marking, action) index, then
    # the few countries' codes: no join and no sort over every response.
    pairs = list(public(GovernmentResponse).order_by().values_list("country_id", "action").distinct())
    codes = dict(Country.objects.filter(pk__in={c for c, _a in pairs}).values_list("pk", "iso2"))
    for country_id, action in pairs:
        actions[codes[country_id]].append(action)
    return {iso2: v.strongest_response(acts) for iso2, acts in actions.items() if v.strongest_response(acts)}


def station_points() -> list[tuple]:
    """Public stations with whatever coordinates we know (city, else none), lightest rows:
    (pk, name_en, country ISO2, city name, city latitude, city longitude)."""
    return list(
        public(Station)
        .order_by("country__iso2", "name_en")
        .values_list("pk", "name_en", "country__iso2", "place__name_en", "place__latitude", "place__longitude")
    )


def headline_figures() -> list[Figure]:
    figures = list(public(Figure).select_related("country").order_by("kind", "-period_end", "id"))
    return _attach(figures, "figure")


def home_counts() -> dict[str, int]:
    return {
        "stations": public(Station).count(),
        "countries": public(Station).values("country").distinct().count(),
        "responses": public(GovernmentResponse).count(),
        "sources": public(Source).count(),
    }


# --- countries --------------------------------------------------------------------------------


def country_get(iso2: str) -> Country:
    iso2 = (iso2 or "").upper()
    if len(iso2) != 2 or not iso2.isascii() or not iso2.isalpha():
        raise NotFoundOrForbiddenError("There is no country with this code.")
    country = Country.objects.filter(iso2=iso2).first()
    if country is None:
        raise NotFoundOrForbiddenError("There is no country with this code.")
    return country


def country_responses(country: Country) -> QuerySet:
    """The country's public responses, newest first (paginate, then `with_claims`)."""
    return (
        public(GovernmentResponse).filter(country=country).select_related("place")
        .annotate(station_count=Count("stations", filter=Q(stations__marking__in=PUBLIC.allowed_markings())))
        .order_by("-date", "-id")
    )


def with_claims(objects: Iterable, subject_type: str, per_subject: int | None = None) -> list:
    """Attach `.claims` (public, with quotes; at most `per_subject` each) and `.more_claims`."""
    return _attach(list(objects), subject_type, per_subject)


def country_strongest(country: Country) -> tuple[str | None, list[GovernmentResponse]]:
    """The strongest public action of the country, and (up to five of) the responses behind it."""
    actions = list(public(GovernmentResponse).filter(country=country).values_list("action", flat=True).distinct())
    strongest = v.strongest_response(actions)
    if strongest is None:
        return None, []
    return strongest, list(country_responses(country).filter(action=strongest)[:5])


COUNTRY_PAGE_LIMIT = 50


def _hide_private_organizations(station: Station) -> Station:
    """Drop the station's links to its operator and host unless those are public too."""
    for attr in ("operator", "host_organization"):
        org = getattr(station, attr)
        if org is not None and org.marking not in PUBLIC.allowed_markings():
            setattr(station, attr, None)
    return station


def country_stations(country: Country, limit: int = COUNTRY_PAGE_LIMIT) -> tuple[list[Station], int]:
    """Up to `limit` public stations of the country (with claims), and how many there are."""
    qs = public(Station).filter(country=country)
    stations = list(qs.select_related("place", "operator", "host_organization").order_by("name_en", "id")[:limit])
    for s in stations:
        _hide_private_organizations(s)
    return stations, (qs.count() if len(stations) == limit else len(stations))


@dataclass
class IncidentView:
    """An incident row as the public may see it, with names, labels and its public claims."""

    row: IncidentRow
    host_country: Country
    origin_country: Country | None
    tactic_label: str
    target_label: str
    claims: list = field(default_factory=list)

    @property
    def pk(self) -> int:
        return self.row.pk

    @property
    def date_label(self) -> str:
        r = self.row
        if r.year is None:
            return ""
        if r.month is None:
            return f"{r.year}"
        if r.day is None:
            return f"{r.year}-{r.month:02d}"
        return f"{r.year}-{r.month:02d}-{r.day:02d}"


def _incident_views(qs: QuerySet, *, limit: int | None = None, offset: int = 0) -> list[IncidentView]:
    """De-identified rows, newest first; names, labels and claims are looked up only for the
    slice [offset, offset + limit) (the rest are returned bare, for counting)."""
    rows = sorted(incident_rows(PUBLIC, qs),
                  key=lambda r: (-(r.year or 0), -(r.month or 0), -(r.day or 0), r.pk))
    shown = rows[offset: None if limit is None else offset + limit]
    bare = [IncidentView(row=r, host_country=None, origin_country=None, tactic_label="", target_label="")  # type: ignore[arg-type]
            for r in rows]
    rows = shown
    codes = {r.host_country for r in rows} | {r.origin_country for r in rows}
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in=codes)}
    tactics = dict(Incident._meta.get_field("tactic").choices)
    targets = dict(Incident._meta.get_field("target_category").choices)
    claims = claims_for("incident", [r.pk for r in rows], with_evidence=False)  # the lists link each claim
    views = [
        IncidentView(row=r, host_country=countries[r.host_country], origin_country=countries.get(r.origin_country),
                     tactic_label=str(tactics.get(r.tactic, r.tactic)),
                     target_label=str(targets.get(r.target_category, r.target_category)),
                     claims=claims.get(r.pk, []))
        for r in rows
    ]
    bare[offset: offset + len(views)] = views
    return bare


def country_incidents(country: Country, limit: int = 20) -> tuple[list[IncidentView], int]:
    """The latest `limit` public incidents in the country (de-identified rows), and how many."""
    views = _incident_views(Incident.objects.filter(host_country=country), limit=limit)
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
    evidence = _public_evidence().filter(claim__marking__in=PUBLIC.allowed_markings()).filter(cond)
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


# --- entities ---------------------------------------------------------------------------------


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
    for change in station.status_history.select_related("claim").order_by("-date", "-created_at"):
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
    if claim is None or not _subject_is_public(claim.subject_type, claim.subject_id):
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


# --- lists ------------------------------------------------------------------------------------


def station_list(*, country: Country | None = None, status: str | None = None) -> QuerySet:
    qs = public(Station).select_related("country", "place", "operator")
    if country is not None:
        qs = qs.filter(country=country)
    if status:
        qs = qs.filter(status=status)
    return qs.order_by("country__name_en", "name_en", "id")


def _incident_filter(country: Country | None, tactic: str | None) -> QuerySet:
    qs = Incident.objects.all()
    if country is not None:
        qs = qs.filter(host_country=country)
    if tactic:
        qs = qs.filter(tactic=tactic)
    return qs


def incident_list(*, country: Country | None = None, tactic: str | None = None,
                  offset: int = 0, limit: int | None = None) -> list[IncidentView]:
    """Public incidents, de-identified and coarsened by the outbound filter, newest first; only
    the [offset, offset + limit) slice is fully looked up."""
    return _incident_views(_incident_filter(country, tactic), offset=offset, limit=limit)


def incident_totals(*, country: Country | None = None, tactic: str | None = None) -> list[tuple[Country, IncidentCount]]:
    """Published incident counts (by country and year, or city and month where large enough),
    including de-identified incidents from reports."""
    counts = incident_counts(PUBLIC, _incident_filter(country, tactic))
    countries = {c.iso2: c for c in Country.objects.filter(iso2__in={c.country for c in counts})}
    return [(countries[c.country], c) for c in counts if c.country in countries]


def incident_countries() -> QuerySet:
    return Country.objects.filter(pk__in=public(Incident).values("host_country_id")).order_by("name_en")


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


# --- comparison -------------------------------------------------------------------------------


MARKS_PER_CELL = 3


@dataclass
class CompareRow:
    country: Country
    stations: int = 0
    cells: dict[str, list[GovernmentResponse]] = field(default_factory=dict)
    counts: dict[str, int] = field(default_factory=dict)
    strongest: str | None = None

    def cell_list(self) -> list[tuple[str, list[GovernmentResponse], int]]:
        """(action, the latest responses shown, how many more there are) per vocabulary column."""
        return [(action, self.cells.get(action, []), self.counts.get(action, 0) - len(self.cells.get(action, [])))
                for action in v.RESPONSE_ACTIONS]


def compare_rows() -> list[CompareRow]:
    """One row per country with any public response or station; each cell holds the latest
    responses of that action (at most MARKS_PER_CELL) and the total count."""
    from django.db.models import F
    from django.db.models.functions import RowNumber

    rows: dict[int, CompareRow] = {}
    station_counts = dict(public(Station).order_by().values_list("country_id").annotate(n=Count("id")))
    counts = list(public(GovernmentResponse).order_by().values_list("country_id", "action").annotate(n=Count("id")))
    ranked = public(GovernmentResponse).annotate(
        rank=Window(RowNumber(), partition_by=[F("country_id"), F("action")], order_by=[F("date").desc(nulls_last=True), F("id").desc()])
    ).values("pk", "rank")
    shown_ids = [r["pk"] for r in ranked if r["rank"] <= MARKS_PER_CELL]
    # Each mark links to its response's page, which lists the claims and quotes behind it.
    responses = list(public(GovernmentResponse).filter(pk__in=shown_ids).order_by("-date", "-id"))
    for country in Country.objects.filter(pk__in=set(station_counts) | {c for c, _a, _n in counts}):
        rows[country.pk] = CompareRow(country=country, stations=station_counts.get(country.pk, 0))
    for country_id, action, n in counts:
        rows[country_id].counts[action] = n
    for response in responses:
        rows[response.country_id].cells.setdefault(response.action, []).append(response)
    for row in rows.values():
        row.strongest = v.strongest_response(list(row.counts))
    return sorted(rows.values(), key=lambda r: r.country.name_en)


# --- search -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class EntityHit:
    kind: str  # station, organization, country
    label: str
    detail: str
    url: str
    matched: str  # the alias or name that matched


def search_entities(query: str, language: str, limit: int = 100) -> list[EntityHit]:
    """Stations, organisations and countries whose name or any alias matches, in any script."""
    key = normalize_name(query)
    if not key:
        return []
    hits: list[EntityHit] = []
    aliases = list(
        public(Alias).filter(normalized__contains=key, subject_type__in=("station", "organization", "country"))
        .order_by("subject_type", "subject_id", "id")[: limit * 4]
    )
    matched: dict[tuple[str, int], str] = {}
    for alias in aliases:
        matched.setdefault((alias.subject_type, alias.subject_id), alias.name)
    station_ids = [i for (t, i) in matched if t == "station"]
    org_ids = [i for (t, i) in matched if t == "organization"]
    for s in public(Station).filter(pk__in=station_ids).select_related("country", "place")[:limit]:
        where = ", ".join(x for x in (s.place.name_en if s.place else "", s.country.name_for(language)) if x)
        hits.append(EntityHit("station", s.name_en, where, reverse("atlas:station", args=[s.pk]), matched[("station", s.pk)]))
    for o in public(Organization).filter(pk__in=org_ids)[:limit]:
        hits.append(EntityHit("organization", o.name_en, o.region, reverse("atlas:organization", args=[o.pk]), matched[("organization", o.pk)]))
    simplified = to_simplified(query)
    country_q = (Q(name_en__icontains=query) | Q(name_zh_hans__icontains=simplified) | Q(name_zh_hant__icontains=query)
                 | Q(pk__in=[i for (t, i) in matched if t == "country"]))
    if len(query) == 2 and query.isascii() and query.isalpha():
        country_q |= Q(iso2=query.upper())
    for c in Country.objects.filter(country_q)[:limit]:
        hits.append(EntityHit("country", c.name_for(language), c.iso2, reverse("atlas:country", args=[c.iso2.lower()]), c.name_for(language)))
    return hits[:limit]


def search_sources(query: str) -> QuerySet:
    """Public sources whose title, publisher or captured text contains the query."""
    variants = {query, to_simplified(query)}
    cond = Q()
    for q in variants:
        cond |= Q(title__icontains=q) | Q(publisher__icontains=q) | Q(text__icontains=q)
    return public(Source).filter(cond).order_by("-published", "id")
