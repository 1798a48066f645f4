"""Which record of a TAXII collection carries each shared location object.

Countries and places are shared by many records; each record's STIX group names its locations.
In a TAXII collection an object must appear once, with one `date_added`, so each location rides
with one record only: its *owner*, the first record in collection order (date_added, kind, pk)
that the audience may see and whose group names it. A client paging the collection (or polling
with `added_after`) meets each location exactly once, with the first record that needs it; when
that record changes, the location moves on with the next one.

The owners are computed in one pass over the visible records of the collection's kinds and kept
per process until the record changes, so paging stays flat per object however large the
collection is. A change or an addition moves the newest `updated_at` or the highest id of some
kind (the fingerprint: two index look-ups per kind, where a row count would read every row of
every table on every page); a deletion moves neither, so before a page relies on an owner it
checks that the owner is still there, unchanged and visible (`owner_holds`, one look-up per
distinct owner a page meets), and recomputes the map when one is not.
"""

from __future__ import annotations

from collections import OrderedDict
from datetime import datetime

from django.db.models import Max, Model

from tnrwatch.registry import models as m

from .. import stix
from ..outbound import outbound_queryset
from .context import KIND_MODELS, KIND_ORDER, ExportContext

_CACHE: OrderedDict[tuple, dict[str, tuple]] = OrderedDict()
_CACHE_SIZE = 8
# Which columns of each kind name a country and a place in its group (see `units.py`).
_COLUMNS = {"organization": ("country_id", "place_id"), "station": ("country_id", "place_id"),
            "response": ("country_id", "place_id"), "incident": ("host_country_id", "place_id")}


def _fingerprint() -> tuple:
    out = []
    models: list[type[Model]] = [*KIND_MODELS.values(), m.Evidence]
    for model in models:
        # Two statements: with both aggregates in one, SQLite reads the table instead of one end
        # of each index.
        manager = model._default_manager
        out.append((manager.aggregate(t=Max("updated_at"))["t"], manager.aggregate(n=Max("pk"))["n"]))
    return tuple(out)


def owner_holds(ctx: ExportContext, unit_key: tuple) -> bool:
    """Whether the record an owner key names is still there, unchanged, and visible."""
    updated_at, rank, pk = unit_key
    return outbound_queryset(KIND_MODELS[KIND_ORDER[rank]], ctx.audience).filter(pk=pk, updated_at=updated_at).exists()


def location_owners(ctx: ExportContext, kinds: list[str], *, refresh: bool = False) -> dict[str, tuple]:
    """STIX id of each location -> the (date_added, rank, pk) key of the unit that carries it
    (`refresh`: recompute, after an owner was found gone)."""
    key = (ctx.audience, tuple(kinds), _fingerprint())
    if key in _CACHE and not refresh:
        _CACHE.move_to_end(key)
        return _CACHE[key]
    owners = _compute(ctx, kinds)
    _CACHE[key] = owners
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.popitem(last=False)
    return owners


def _compute(ctx: ExportContext, kinds: list[str]) -> dict[str, tuple]:
    first_country: dict[int, tuple] = {}
    first_place: dict[int, tuple] = {}

    def offer(table: dict[int, tuple], pk: int | None, unit_key: tuple) -> None:
        if pk is not None and (pk not in table or unit_key < table[pk]):
            table[pk] = unit_key

    for kind in kinds:
        rank = KIND_ORDER.index(kind)
        qs = outbound_queryset(KIND_MODELS[kind], ctx.audience)
        if kind in _COLUMNS:
            country_col, place_col = _COLUMNS[kind]
            for pk, updated_at, country, place in qs.values_list("pk", "updated_at", country_col, place_col).iterator(chunk_size=5000):
                if kind == "incident":
                    row = ctx.incident_row(pk)
                    if row is None:
                        continue
                    place = place if row.place_id is not None else None
                unit_key = (updated_at, rank, pk)
                offer(first_country, country, unit_key)
                offer(first_place, place, unit_key)
        elif kind == "claim":
            rows = qs.filter(subject_type__in=["country", "place"]).values_list("pk", "updated_at", "subject_type", "subject_id")
            for pk, updated_at, subject_type, subject_id in rows.iterator(chunk_size=5000):
                offer(first_country if subject_type == "country" else first_place, subject_id, (updated_at, rank, pk))
    owners: dict[str, tuple] = {}
    for pk, unit_key in first_country.items():
        country = ctx.country(pk)
        if country:
            owners[stix.country_id(country[0])] = unit_key
    for place in m.Place.objects.filter(pk__in=list(first_place)).only("pk", "name_en", "country_id"):
        country = ctx.country(place.country_id)
        if country:
            owners[stix.place_id(place.name_en, country[0])] = first_place[place.pk]
    return owners


def owner_of(owners: dict[str, tuple], stix_id: str) -> tuple[datetime, int, int] | None:
    return owners.get(stix_id)
