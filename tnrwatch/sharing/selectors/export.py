"""Streams of units: one kind in keyset-paged chunks, several kinds merged in TAXII collection order,
and the whole export for one audience (definitions, records, then their authors' identities).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from datetime import datetime
from itertools import islice
from typing import Any

from django.db.models import Q

from .. import stix
from ..models import KnownIdentity
from ..outbound import Audience, outbound_queryset
from .context import ALL_KINDS, KIND_MODELS, KIND_ORDER, ExportContext, Unit, instance
from .units import BUILDERS, RELATED


def _after_q(t: datetime, pk: int | None) -> Q:
    """Rows strictly after the keyset cursor (t, pk) in (updated_at, pk) order, written so that an
    index on (updated_at, id) serves it as one range (`updated_at >= t` first): an OR of the two
    cases alone makes SQLite and PostgreSQL scan every row after t, or the whole table."""
    if pk is None:
        return Q(updated_at__gt=t)
    return Q(updated_at__gte=t) & (Q(updated_at__gt=t) | Q(pk__gt=pk))


def kind_keys(kind: str, *, after: tuple | None = None, added_after: datetime | None = None,
              chunk: int = 1000, pks: Iterable[int] | None = None) -> Iterator[tuple[datetime, int, int]]:
    """The (updated_at, rank, pk) keys of one kind's rows strictly after the cursor `after`, in
    that order, read from the plain table in chunks (an index range on (updated_at, id), no rule
    evaluated): which of them the audience may receive is decided when their units are built."""
    model = KIND_MODELS[kind]
    base = model._default_manager.all()
    if pks is not None:
        base = base.filter(pk__in=sorted(set(pks)))
    if kind == "claim":
        base = base.exclude(subject_type="figure")
    if added_after is not None:
        base = base.filter(updated_at__gt=added_after)
    rank = KIND_ORDER.index(kind)
    cursor: tuple[Any, int | None] | None = None
    if after is not None:
        t, r, pk = after
        if r > rank:
            cursor = (t, None)  # same time: this kind sorts before the cursor's kind
        elif r < rank:
            cursor = (t, -1)
        else:
            cursor = (t, pk)
    while True:
        page = base if cursor is None else base.filter(_after_q(*cursor))
        keys = list(page.order_by("updated_at", "pk").values_list("updated_at", "pk")[:chunk])
        for t, pk in keys:
            yield (t, rank, pk)
        if len(keys) < chunk:
            return
        cursor = keys[-1]


def build_units(ctx: ExportContext, kind: str, pks: list[int]) -> list[Unit]:
    """The units of the rows `pks` of one kind that the audience may receive (the publication rule,
    `outbound_queryset`, on those rows only), in (updated_at, pk) order."""
    if not pks:
        return []
    qs = outbound_queryset(KIND_MODELS[kind], ctx.audience)
    if RELATED[kind]:
        qs = qs.select_related(*RELATED[kind])
    rows = list(qs.filter(pk__in=pks).order_by("updated_at", "pk"))
    return list(BUILDERS[kind](ctx, rows)) if rows else []


def _batches(keys: Iterator[tuple[datetime, int, int]], size: int) -> Iterator[list[tuple[datetime, int, int]]]:
    while batch := list(islice(keys, size)):
        yield batch


def kind_units(ctx: ExportContext, kind: str, *, after: tuple | None = None, added_after: datetime | None = None,
               chunk: int = 1000, stop: int | None = None, pks: Iterable[int] | None = None) -> Iterator[Unit]:
    """Units of one kind in (updated_at, pk) order, strictly after the cursor `after` (only the
    records with the ids `pks`, when given).

    Each chunk is found in two steps, so that a page costs the same at 10,000 rows as at a million:
    the next `chunk` keys from the plain table (`kind_keys`), then the publication rule on those
    rows only (`build_units`). Evaluated on the whole table in one statement, the rule's EXISTS made
    the database visit and sort every row after the cursor for each chunk."""
    yielded = 0
    for batch in _batches(kind_keys(kind, after=after, added_after=added_after, chunk=chunk, pks=pks), chunk):
        for unit in build_units(ctx, kind, [pk for _t, _rank, pk in batch]):
            yield unit
            yielded += 1
            if stop is not None and yielded >= stop:
                return


def merged_units(ctx: ExportContext, kinds: Iterable[str], *, after: tuple | None = None,
                 added_after: datetime | None = None, chunk: int = 1000, stop: int | None = None) -> Iterator[Unit]:
    """Units of several kinds in one (date_added, kind, pk) order: the TAXII collection order.

    The kinds' keys are merged first and units are built only for the next `chunk` keys of the
    merged order: building each kind's next chunk and merging the units (as this did until
    2026-12) built, on every page, units the page never reached, such as a source's report with
    every claim citing it (a page of 50 objects cost ~1 CPU s at 5,000 stations)."""
    kinds = list(kinds)
    ctx.kinds = set(kinds)
    keys = heapq.merge(*[kind_keys(k, after=after, added_after=added_after, chunk=chunk) for k in kinds])
    yielded = 0
    for batch in _batches(keys, chunk):
        by_rank: dict[int, list[int]] = {}
        for _t, rank, pk in batch:
            by_rank.setdefault(rank, []).append(pk)
        units = [u for rank, pks in by_rank.items() for u in build_units(ctx, KIND_ORDER[rank], pks)]
        for unit in sorted(units, key=lambda u: u.key):
            yield unit
            yielded += 1
            if stop is not None and yielded >= stop:
                return


def identity_objects(ctx: ExportContext, ids: Iterable[str]) -> list[dict]:
    out = []
    ids = set(ids)
    if ctx.own_identity in ids:
        inst = instance()
        out.append({"type": "identity", "spec_version": "2.1", "id": ctx.own_identity, "created": stix.timestamp(inst.created_at),
                    "modified": stix.timestamp(inst.created_at), "name": inst.name, "identity_class": "organization",
                    "created_by_ref": ctx.own_identity})
    for known in KnownIdentity.objects.filter(stix_id__in=ids - {ctx.own_identity}).order_by("stix_id"):
        out.append(known.data)
    return out


def export_objects(audience: Audience, kinds: Iterable[str] = ALL_KINDS, *, ctx: ExportContext | None = None,
                   records: dict[str, Iterable[int]] | None = None) -> Iterator[dict]:
    """Every STIX object `audience` may receive, streamed: definitions first, then records kind by
    kind, then the identities of their authors. With `records` ({kind: ids}), only those records
    (of the kinds named there) that the audience may receive: a part of the record, such as the
    neighbourhood of the network view, mapped exactly as the whole export maps it."""
    ctx = ctx or ExportContext(audience)
    # The definitions first; the TLP marking definitions last, only those the bundle uses (a MISP
    # event made from the bundle then carries exactly the TLP tags its objects carry).
    head = stix.header_objects([])
    yield from head
    used: set[str] = {ref for obj in head for ref in obj.get("object_marking_refs", [])}
    seen: set[str] = set()
    wanted = [k for k in KIND_ORDER if k in set(kinds)]
    ctx.kinds = set(wanted)
    kinds = [k for k in wanted if records is None or k in records]
    for kind in kinds:
        for unit in kind_units(ctx, kind, pks=None if records is None else records[kind]):
            for obj in unit.objects:
                # Only locations are shared between records; everything else is emitted once.
                if obj["type"] == "location":
                    if obj["id"] in seen:
                        continue
                    seen.add(obj["id"])
                used.update(obj.get("object_marking_refs", ()))
                yield obj
    yield from identity_objects(ctx, ctx.creators)
    yield from (stix.tlp_marking(mk) for mk in audience.allowed_markings() if stix.TLP_IDS[mk] in used)
