"""Search: records whose name or any alias matches (in any script), and sources whose text does."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.urls import reverse

from tnrwatch.registry.models import Alias, Country, Organization, Source, Station
from tnrwatch.registry.names import normalize_name, to_simplified

from ..api_selectors import public


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
