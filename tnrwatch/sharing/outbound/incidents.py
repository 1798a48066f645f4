"""Incidents as they may leave the instance: de-identified rows and publishable counts.

An incident from the reporting channel never leaves with its summary, a station link or a date
finer than the month; for the public it leaves only inside a count. A count finer than country and
year is published only when it holds at least `TNR_MIN_PUBLIC_COUNT` incidents (default 3): a count
of one in a small city and month can point at a person.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.conf import settings
from django.db.models import QuerySet

from .audience import PUBLIC, Audience
from .records import outbound_queryset

# Fields of an incident that may leave the instance when the incident came from a report.
DEIDENTIFIED_INCIDENT_FIELDS = ("date", "date_precision", "origin_country", "host_country", "place",
                                "tactic", "target_category", "marking")


def min_public_count() -> int:
    """The smallest incident count published finer than country and year (settings)."""
    return max(1, int(getattr(settings, "TNR_MIN_PUBLIC_COUNT", 3)))


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


def _cell(incident: Any) -> tuple[Any, ...]:
    d = incident.date
    return (incident.host_country_id, incident.place_id, d.year if d else None,
            d.month if d and incident.date_precision in ("day", "month") else None)


def incident_rows(audience: Audience = PUBLIC, qs: QuerySet[Any] | None = None) -> Iterator[IncidentRow]:
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
    stations = _visible_station_links(incidents, audience)
    for inc in incidents:
        yield deidentified_row(inc, cell_size=cells[_cell(inc)], threshold=threshold, public=audience.is_public,
                               station_ids=stations.get(inc.pk, ()))


def _visible_station_links(incidents: list[Any], audience: Audience) -> dict[int, tuple[int, ...]]:
    """{incident id: the ids of its stations the audience may see, sorted}, for incidents not from reports."""
    from tnrwatch.registry.models import Incident, Station

    station_links: dict[int, list[int]] = {}
    through = Incident.stations.through
    for inc_id, st_id in through.objects.filter(incident_id__in=[i.pk for i in incidents if not i.from_report]).values_list("incident_id", "station_id"):
        station_links.setdefault(inc_id, []).append(st_id)
    if station_links:
        visible_stations = set(outbound_queryset(Station, audience).filter(
            pk__in={s for ids in station_links.values() for s in ids}).values_list("pk", flat=True))
    else:
        visible_stations = set()
    return {inc_id: tuple(sorted(s for s in ids if s in visible_stations)) for inc_id, ids in station_links.items()}


def deidentified_row(inc: Any, *, cell_size: int, threshold: int, public: bool,
                     station_ids: tuple[int, ...]) -> IncidentRow:
    """One incident as a row, de-identified (pure: no database read). `cell_size` is the number of
    incidents the audience may see in its city-and-month cell; `station_ids` its visible stations."""
    must_aggregate = public or inc.from_report
    cell = _cell(inc)
    coarse = must_aggregate and (cell_size < threshold or cell[1] is None or cell[3] is None)
    d = inc.date
    month = None if coarse or d is None or inc.date_precision == "year" else d.month
    day = None
    if not coarse and not inc.from_report and d is not None and inc.date_precision == "day":
        day = d.day
    return IncidentRow(
        pk=inc.pk, marking=inc.marking, tactic=inc.tactic, target_category=inc.target_category,
        origin_country=inc.origin_country.iso2, host_country=inc.host_country.iso2,
        year=d.year if d else None, month=month, day=day,
        place_id=None if coarse else inc.place_id,
        place_name="" if coarse or inc.place is None else inc.place.name_en,
        summary="" if (coarse or inc.from_report) else inc.summary,
        station_ids=() if inc.from_report else station_ids,
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


def incident_counts(audience: Audience = PUBLIC, qs: QuerySet[Any] | None = None, *,
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
    # Incidents the rule lets the audience count: with a quote it may read, or (de-identified,
    # counted only) from a report. `outbound_queryset` leaves report incidents out for the public.
    base = outbound_queryset(Incident, audience) | countable_reports(audience)
    if qs is not None:
        base = base & qs
    rows = base.values_list("host_country__iso2", "place_id", "place__name_en", "date", "date_precision")
    cells: Counter[tuple[str, int | None, int | None, int | None]] = Counter()
    names: dict[int, str] = {}
    for iso2, place_id, place_name, d, precision in rows.iterator(chunk_size=2000):
        month = d.month if d is not None and precision in ("day", "month") else None
        cells[(iso2, d.year if d else None, month, place_id)] += 1
        if place_id is not None:
            names[place_id] = place_name
    out: list[IncidentCount] = []
    coarse: Counter[tuple[str, int | None]] = Counter()
    for (iso2, year, month, place_id), count in cells.items():
        if place_id is not None and month is not None and count >= threshold:
            out.append(IncidentCount(iso2, year, month, place_id, names[place_id], count))
        else:
            coarse[(iso2, year)] += count
    for (iso2, year), count in coarse.items():
        out.append(IncidentCount(iso2, year, None, None, "", count))
    out.sort(key=lambda c: (c.country, c.year or 0, c.month or 0, c.place_name))
    return out


def countable_reports(audience: Audience) -> QuerySet[Any]:
    """Incidents promoted from reports that the audience may count (their marking allows it).
    Their evidence is the report, which never leaves: they are published only as counts."""
    from tnrwatch.registry.models import Incident

    return Incident.objects.filter(from_report=True, marking__in=audience.allowed_markings())
