"""Streams of units: one kind in keyset-paged chunks, several kinds merged in TAXII collection order,
and the whole export for one audience (definitions, records, then their authors' identities).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterable, Iterator
from datetime import datetime
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


def kind_units(ctx: ExportContext, kind: str, *, after: tuple | None = None, added_after: datetime | None = None,
               chunk: int = 1000, stop: int | None = None, pks: Iterable[int] | None = None) -> Iterator[Unit]:
    """Units of one kind in (updated_at, pk) order, strictly after the cursor `after` (only the
    records with the ids `pks`, when given).

    Each chunk is found in two steps, so that a page costs the same at 10,000 rows as at a million:
    the next `chunk` rows in keyset order from the plain table (an index range on (updated_at,
    id), no rule evaluated), then the publication rule (`outbound_queryset`) on those rows only.
    Evaluated on the whole table in one statement, the rule's EXISTS made the database visit and
    sort every row after the cursor for each chunk."""
    model = KIND_MODELS[kind]
    base = model._default_manager.all()
    if pks is not None:
        base = base.filter(pk__in=sorted(set(pks)))
    if kind == "claim":
        base = base.exclude(subject_type="figure")
    if added_after is not None:
        base = base.filter(updated_at__gt=added_after)
    qs = outbound_queryset(model, ctx.audience)
    if RELATED[kind]:
        qs = qs.select_related(*RELATED[kind])
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
    yielded = 0
    while True:
        page = base if cursor is None else base.filter(_after_q(*cursor))
        keys = list(page.order_by("updated_at", "pk").values_list("updated_at", "pk")[:chunk])
        if not keys:
            return
        rows = list(qs.filter(pk__in=[pk for _t, pk in keys]).order_by("updated_at", "pk"))
        for unit in BUILDERS[kind](ctx, rows) if rows else ():
            yield unit
            yielded += 1
            if stop is not None and yielded >= stop:
                return
        cursor = keys[-1]
        if len(keys) < chunk:
            return


def merged_units(ctx: ExportContext, kinds: Iterable[str], *, after: tuple | None = None,
                 added_after: datetime | None = None, chunk: int = 1000, stop: int | None = None) -> Iterator[Unit]:
    """Units of several kinds in one (date_added, kind, pk) order: the TAXII collection order."""
    kinds = list(kinds)
    ctx.kinds = set(kinds)
    streams = [kind_units(ctx, k, after=after, added_after=added_after, chunk=chunk, stop=stop) for k in kinds]
    yield from heapq.merge(*streams, key=lambda u: u.key)


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
