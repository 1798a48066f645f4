"""The whole-record views: the home page's figures and counts, the world map's strongest
responses and station points, and the comparison table of countries by response.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Window

from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import Country, Figure, GovernmentResponse, Source, Station

from ..api_selectors import public
from .claims import _attach


def strongest_responses(as_of: date | None = None) -> dict[str, str]:
    """ISO2 -> the strongest public response action of that country; with `as_of`, counting only
    responses dated on or before that day (an undated response cannot be placed in time)."""
    actions: dict[str, list[str]] = defaultdict(list)
    # Distinct (country, action) pairs straight from the (country, marking, action) index, then
    # the few countries' codes: no join and no sort over every response.
    responses = public(GovernmentResponse)
    if as_of is not None:
        responses = responses.filter(date__lte=as_of)
    pairs = list(responses.order_by().values_list("country_id", "action").distinct())
    codes = dict(Country.objects.filter(pk__in={c for c, _a in pairs}).values_list("pk", "iso2"))
    for country_id, action in pairs:
        actions[codes[country_id]].append(action)
    return {iso2: strongest for iso2, acts in actions.items() if (strongest := v.strongest_response(acts))}


def station_points(as_of: date | None = None) -> list[tuple]:
    """Public stations with whatever coordinates we know (city, else none), lightest rows:
    (pk, name_en, country ISO2, city name, city latitude, city longitude); with `as_of`, only those
    first reported on or before that day."""
    stations = public(Station)
    if as_of is not None:
        stations = stations.filter(first_reported__lte=as_of)
    return list(
        stations
        .order_by("country__iso2", "name_en")
        .values_list("pk", "name_en", "country__iso2", "place__name_en", "place__latitude", "place__longitude")
    )


def headline_figures() -> list[Figure]:
    figures = list(public(Figure).select_related("country").order_by("kind", "-period_end", "id"))
    return _attach(figures, "figure")


def countries_by_iso2() -> dict[str, Country]:
    """Every country (reference data, all public), keyed by ISO alpha-2: the world map's shapes."""
    return {c.iso2: c for c in Country.objects.all()}


def undated_for_map() -> dict[str, int]:
    """How many public responses and stations have no date, so a map "as of" a day leaves them out."""
    return {"responses": public(GovernmentResponse).filter(date__isnull=True).count(),
            "stations": public(Station).filter(first_reported__isnull=True).count()}


def entity_counts() -> dict[str, int]:
    """Public stations, the countries they are in, and public responses: the home page's counts
    (two passes of the rule; the page keeps them under the map's fingerprint)."""
    stations = public(Station).order_by().aggregate(n=Count("id"), countries=Count("country", distinct=True))
    return {"stations": stations["n"], "countries": stations["countries"],
            "responses": public(GovernmentResponse).count()}


def source_count() -> int:
    return public(Source).count()


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
    responses of that action (at most MARKS_PER_CELL) and the total count.

    Two passes of the publication rule, whatever the record's size: the public stations counted
    per country, and the public responses ranked within their (country, action) cell with the
    cell's size beside each row, of which only the first MARKS_PER_CELL of each cell are fetched.
    (Counting, ranking and fetching separately evaluated the rule over every response three
    times.)"""
    from django.db.models import F
    from django.db.models.functions import RowNumber

    rows: dict[int, CompareRow] = {}
    station_counts = dict(public(Station).order_by().values_list("country_id").annotate(n=Count("id")))
    cell = [F("country_id"), F("action")]
    # Each mark links to its response's page, which lists the claims and quotes behind it.
    responses = list(public(GovernmentResponse).annotate(
        rank=Window(RowNumber(), partition_by=cell, order_by=[F("date").desc(nulls_last=True), F("id").desc()]),
        cell_total=Window(Count("id"), partition_by=cell),
    ).filter(rank__lte=MARKS_PER_CELL).order_by("-date", "-id"))
    for country in Country.objects.filter(pk__in=set(station_counts) | {r.country_id for r in responses}):
        rows[country.pk] = CompareRow(country=country, stations=station_counts.get(country.pk, 0))
    for response in responses:
        row = rows[response.country_id]
        row.counts[response.action] = response.cell_total
        row.cells.setdefault(response.action, []).append(response)
    for row in rows.values():
        row.strongest = v.strongest_response(list(row.counts))
    return sorted(rows.values(), key=lambda r: r.country.name_en)
