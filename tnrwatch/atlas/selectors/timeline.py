"""How government responses unfolded over time: public responses counted per year, for one
country or for all. Through the outbound filter like every atlas read."""

from __future__ import annotations

from django.db.models import Count
from django.db.models.functions import ExtractYear

from tnrwatch.registry.models import Country, GovernmentResponse

from ..api_selectors import public


def response_years(country: Country | None = None) -> tuple[list[tuple[int, int]], int]:
    """([(year, public responses that year)], public responses without a date), years ascending.
    One grouped statement; its size is the number of distinct years, whatever the record's size."""
    qs = public(GovernmentResponse)
    if country is not None:
        qs = qs.filter(country=country)
    rows = list(qs.order_by().annotate(year=ExtractYear("date")).values_list("year").annotate(n=Count("id")))
    undated = sum(n for year, n in rows if year is None)
    return sorted((year, n) for year, n in rows if year is not None), undated
