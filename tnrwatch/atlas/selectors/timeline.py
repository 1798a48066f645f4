"""How government responses unfolded over time: public responses counted per year, for one
country or for all. Through the outbound filter like every atlas read."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count

from tnrwatch.registry.models import Country, GovernmentResponse

from ..api_selectors import public


def response_years(country: Country | None = None) -> tuple[list[tuple[int, int]], int]:
    """([(year, public responses that year)], public responses without a date), years ascending.
    One statement grouped by day (at most a few thousand rows, whatever the record's size), summed
    by year here: grouping by year in SQL calls a Python function per response on SQLite
    (`django_date_extract`), which cost more than the publication rule at 5,000 responses."""
    qs = public(GovernmentResponse)
    if country is not None:
        qs = qs.filter(country=country)
    years: Counter[int] = Counter()
    undated = 0
    for day, n in qs.order_by().values_list("date").annotate(n=Count("id")):
        if day is None:
            undated += n
        else:
            years[day.year] += n
    return sorted(years.items()), undated
