"""The outbound filter: every path by which records leave the instance goes through here
(public pages and API, CSV, GeoJSON, STIX, TAXII, FtM).

Threat model: the reader of any output (the public, or a partner holding a token) may be hostile or
careless. They must never receive
- a record marked above what they were granted (TLP 2.0); TLP:RED never leaves, whatever was granted;
- a private note, a partner's token, an audit row, or anything from the reporting channel (intake);
- an incident promoted from a report except through its de-identified fields (no summary, month at
  the finest, no link to a station that might point at the reporter);
- a claim, evidence item or relationship that would reveal a record they may not see (a CLEAR claim
  about a RED station is as revealing as the station), or a claim without a quote they may read;
- in public output, an incident count below `TNR_MIN_PUBLIC_COUNT` (default 3) at a finer grain
  than country and year: a count of one in a small city and month can point at a person.

This module is the one place that decides. Callers pass an `Audience` and get querysets or plain
rows that are safe for it; they never filter markings themselves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import Exists, Model, OuterRef, Q, QuerySet

from tnrwatch.registry import vocabulary as v

# Apps whose records never leave the instance, whatever the audience: the reporting channel and its
# inbox, and the sharing app's own bookkeeping (partners, tokens, private notes, audit of sharing).
NEVER_OUTBOUND_APPS = frozenset({"intake", "accounts", "otp_totp", "sessions", "admin"})
NEVER_OUTBOUND_MODELS = frozenset({
    "sharing.privatenote", "sharing.partner", "sharing.partnergrant", "sharing.sharelog",
    "sharing.csvupload", "registry.auditentry",
})

# Fields of an incident that may leave the instance when the incident came from a report.
DEIDENTIFIED_INCIDENT_FIELDS = ("date", "date_precision", "origin_country", "host_country", "place",
                                "tactic", "target_category", "marking")


@dataclass(frozen=True)
class Audience:
    """Who receives the output: the public, or a partner with granted markings and collections."""

    name: str
    max_marking: str = "clear"  # the highest TLP marking this audience may receive
    collections: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_public(self) -> bool:
        return self.name == "public"

    def allowed_markings(self) -> list[str]:
        top = v.MARKING_LEVEL.get(self.max_marking, 0)
        if self.is_public:
            top = 0  # the public only ever sees TLP:CLEAR
        # RED never leaves the instance, whatever was granted.
        return [m for m, lvl in v.MARKING_LEVEL.items() if lvl <= top and m != "red"]

    def may_read(self, collection: str) -> bool:
        return self.is_public or collection in self.collections


PUBLIC = Audience(name="public", max_marking="clear")


def min_public_count() -> int:
    """The smallest incident count published finer than country and year (settings)."""
    return max(1, int(getattr(settings, "TNR_MIN_PUBLIC_COUNT", 3)))


def _label(model: type[Model]) -> str:
    return f"{model._meta.app_label}.{model._meta.model_name}"


def outbound_queryset(model: type[Model], audience: Audience = PUBLIC, qs: QuerySet | None = None) -> QuerySet:
    """The records of `model` that `audience` may receive.

    Marked records are filtered by TLP; claims and evidence also by the visibility of what they are
    about and cite; incidents from reports are excluded from public individual output (they reach
    the public only through `incident_counts`). Models that never leave give an empty queryset.
    """
    qs = model._default_manager.all() if qs is None else qs
    if model._meta.app_label in NEVER_OUTBOUND_APPS or _label(model) in NEVER_OUTBOUND_MODELS:
        return qs.none()
    name = _label(model)
    if hasattr(model, "marking"):
        qs = qs.filter(marking__in=audience.allowed_markings())
    if name == "registry.incident" and audience.is_public:
        qs = qs.filter(from_report=False)
    elif name == "registry.claim":
        # A claim leaves only with a quote the audience may read: evidence it may see, citing a
        # source it may see (a CLEAR claim resting on a RED source stays in).
        readable = readable_evidence(audience).filter(claim=OuterRef("pk"))
        qs = qs.filter(_visible_subjects_q(audience)).filter(Exists(readable))
    elif name == "registry.evidence":
        from tnrwatch.registry.models import Claim, Source

        qs = qs.filter(
            claim__in=outbound_queryset(Claim, audience).values("pk"),
            source__in=outbound_queryset(Source, audience).values("pk"),
        )
    elif name == "registry.alias":
        qs = qs.filter(_visible_subjects_q(audience, include_incidents=False))
    elif name == "registry.stationstatuschange":
        from tnrwatch.registry.models import Station

        qs = qs.filter(station__in=outbound_queryset(Station, audience).values("pk"))
    return qs


def readable_evidence(audience: Audience, qs: QuerySet | None = None) -> QuerySet:
    """Evidence whose own marking and cited source the audience may see, whatever claim it supports.

    For callers that already hold claims from `outbound_queryset(Claim)`; everyone else uses
    `outbound_queryset(Evidence)`, which also checks the claim.
    """
    from tnrwatch.registry.models import Evidence, Source

    qs = Evidence.objects.all() if qs is None else qs
    # The source check is a correlated EXISTS on the source's primary key: an `IN (subquery)`
    # here would be rebuilt for every claim on SQLite.
    return qs.filter(Exists(outbound_queryset(Source, audience).filter(pk=OuterRef("source_id"))),
                     marking__in=audience.allowed_markings())


def _visible_subjects_q(audience: Audience, include_incidents: bool = True) -> Q:
    """Rows (with subject_type/subject_id) whose subject the audience may see. Claims about an
    incident from a report never leave: their values and quotes are not de-identified."""
    from tnrwatch.registry import models as m

    marked = {
        "organization": m.Organization, "station": m.Station, "response": m.GovernmentResponse,
        "source": m.Source, "figure": m.Figure,
    }
    q = Q(subject_type__in=["country", "place"])
    for subject_type, model in marked.items():
        q |= Q(subject_type=subject_type, subject_id__in=outbound_queryset(model, audience).values("pk"))
    if include_incidents:
        incidents = outbound_queryset(m.Incident, audience).filter(from_report=False)
        q |= Q(subject_type="incident", subject_id__in=incidents.values("pk"))
    return q


# --- incidents: de-identification and aggregation -------------------------------------------------


@dataclass(frozen=True)
class IncidentRow:
    """An incident as it may leave the instance: only de-identified fields, possibly coarsened."""

    pk: int
    marking: str
    tactic: str
    target_category: str
    origin_country: str  # ISO alpha-2
    host_country: str
    year: int | None
    month: int | None  # None when coarsened to the year
    day: int | None  # None unless a partner receives a non-report incident with a full date
    place_id: int | None  # None when coarsened to the country
    place_name: str
    summary: str  # "" for incidents from reports and for coarsened ones
    station_ids: tuple[int, ...]
    from_report: bool
    coarsened: bool


def _cell(incident: Any) -> tuple:
    d = incident.date
    return (incident.host_country_id, incident.place_id, d.year if d else None,
            d.month if d and incident.date_precision in ("day", "month") else None)


def incident_rows(audience: Audience = PUBLIC, qs: QuerySet | None = None) -> Iterator[IncidentRow]:
    """Incidents as they may be shown to `audience`, one row each, de-identified.

    Incidents from reports keep only DEIDENTIFIED_INCIDENT_FIELDS (no summary, no station link,
    month at the finest). For the public, and for incidents from reports for every audience, an
    incident whose city-and-month cell holds fewer than `min_public_count()` incidents is coarsened
    to country and year (place, month, day and summary removed).
    """
    from tnrwatch.registry.models import Incident

    base = outbound_queryset(Incident, audience).select_related("host_country", "origin_country", "place")
    if qs is not None:
        base = base & qs
    incidents = list(base)
    threshold = min_public_count()
    # Counted over every visible incident, so a cell's size is what the audience could count itself.
    cells = Counter(_cell(i) for i in incidents)
    station_links: dict[int, list[int]] = {}
    through = Incident.stations.through
    for inc_id, st_id in through.objects.filter(incident_id__in=[i.pk for i in incidents if not i.from_report]).values_list("incident_id", "station_id"):
        station_links.setdefault(inc_id, []).append(st_id)
    if station_links:
        from tnrwatch.registry.models import Station

        visible_stations = set(outbound_queryset(Station, audience).filter(
            pk__in={s for ids in station_links.values() for s in ids}).values_list("pk", flat=True))
    else:
        visible_stations = set()
    for inc in incidents:
        must_aggregate = audience.is_public or inc.from_report
        cell = _cell(inc)
        coarse = must_aggregate and (cells[cell] < threshold or cell[1] is None or cell[3] is None)
        d = inc.date
        month = None if coarse or d is None or inc.date_precision == "year" else d.month
        day = None
        if not coarse and not inc.from_report and d is not None and inc.date_precision == "day":
            day = d.day
        yield IncidentRow(
            pk=inc.pk, marking=inc.marking, tactic=inc.tactic, target_category=inc.target_category,
            origin_country=inc.origin_country.iso2, host_country=inc.host_country.iso2,
            year=d.year if d else None, month=month, day=day,
            place_id=None if coarse else inc.place_id,
            place_name="" if coarse or inc.place is None else inc.place.name_en,
            summary="" if (coarse or inc.from_report) else inc.summary,
            station_ids=() if inc.from_report else tuple(sorted(s for s in station_links.get(inc.pk, ()) if s in visible_stations)),
            from_report=inc.from_report, coarsened=coarse and must_aggregate,
        )


def incident_row_date(row: IncidentRow) -> date | None:
    if row.year is None:
        return None
    return date(row.year, row.month or 1, row.day or 1)


@dataclass(frozen=True)
class IncidentCount:
    """A published incident count: by country and year, or (when large enough) by city and month."""

    country: str  # host country ISO alpha-2
    year: int | None
    month: int | None
    place_id: int | None
    place_name: str
    count: int


def incident_counts(audience: Audience = PUBLIC, qs: QuerySet | None = None, *,
                    threshold: int | None = None) -> list[IncidentCount]:
    """Incident counts safe to publish for `audience` (the atlas and the public API call this).

    Every incident the audience may count (for the public: TLP:CLEAR, including de-identified
    incidents from reports) is counted once. A city-and-month cell with at least `threshold`
    incidents (default `TNR_MIN_PUBLIC_COUNT`) is published as such; everything else is summed into
    one row per country and year (place and month None), whose count may be small: that grain
    is coarse enough. Incidents without a date count under year None.
    """
    from tnrwatch.registry.models import Incident

    threshold = min_public_count() if threshold is None else max(1, threshold)
    base = Incident.objects.filter(marking__in=audience.allowed_markings())
    if qs is not None:
        base = base & qs
    rows = base.values_list("host_country__iso2", "place_id", "place__name_en", "date", "date_precision")
    cells: Counter = Counter()
    names: dict[int, str] = {}
    for iso2, place_id, place_name, d, precision in rows.iterator(chunk_size=2000):
        month = d.month if d is not None and precision in ("day", "month") else None
        cells[(iso2, d.year if d else None, month, place_id)] += 1
        if place_id is not None:
            names[place_id] = place_name
    out: list[IncidentCount] = []
    coarse: Counter = Counter()
    for (iso2, year, month, place_id), count in cells.items():
        if place_id is not None and month is not None and count >= threshold:
            out.append(IncidentCount(iso2, year, month, place_id, names[place_id], count))
        else:
            coarse[(iso2, year)] += count
    for (iso2, year), count in coarse.items():
        out.append(IncidentCount(iso2, year, None, None, "", count))
    out.sort(key=lambda c: (c.country, c.year or 0, c.month or 0, c.place_name))
    return out


def visible_ids(model: type[Model], audience: Audience, ids: Iterable[int]) -> set[int]:
    """Which of `ids` the audience may see (for references from one exported object to another)."""
    ids = {i for i in ids if i is not None}
    if not ids:
        return set()
    return set(outbound_queryset(model, audience).filter(pk__in=ids).values_list("pk", flat=True))
