"""TAXII paging: date_added timestamps, the opaque `next` cursor, one page of a collection, and
the look-up of a single object by its STIX id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .. import stix
from ..models import KnownIdentity, StixObjectRef
from ..outbound import outbound_queryset
from .context import KIND_MODELS, ExportContext, Unit
from .export import identity_objects, merged_units
from .units import BUILDERS

EPOCH_DT = datetime(2000, 1, 1, tzinfo=UTC)


def taxii_timestamp(value: datetime) -> str:
    """TAXII date_added: microsecond precision, so `added_after` never skips an object."""
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse_taxii_timestamp(value: str) -> datetime:
    """Raises ValueError on anything that is not an RFC 3339 UTC timestamp."""
    if not value or len(value) > 40:
        raise ValueError("bad timestamp")
    text = value.strip().replace("Z", "+00:00")
    parsed = datetime.fromisoformat(text)
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed


def encode_cursor(unit: Unit, skip: int) -> str:
    import base64
    import json

    raw = json.dumps([taxii_timestamp(unit.date_added), unit.rank, unit.pk, skip], separators=(",", ":"))
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(token: str) -> tuple[tuple, int]:
    """(t, rank, pk) of the unit to resume at, and how many of its objects were already sent."""
    import base64
    import json

    if not token or len(token) > 200:
        raise ValueError("bad next")
    raw = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    t, rank, pk, skip = json.loads(raw)
    if not (isinstance(rank, int) and isinstance(pk, int) and isinstance(skip, int) and skip >= 0):
        raise ValueError("bad next")
    return (parse_taxii_timestamp(t), rank, pk - 1), skip  # resume at the unit itself


@dataclass
class TaxiiPage:
    objects: list[tuple[datetime, dict]]
    more: bool
    next: str | None


def taxii_page(ctx: ExportContext, kinds: list[str], *, limit: int, next_token: str | None = None,
               added_after: datetime | None = None, match_ids: set[str] | None = None,
               match_types: set[str] | None = None) -> TaxiiPage:
    """One page of a collection: at most `limit` objects in (date_added, kind, pk) order."""
    after, skip = (None, 0)
    if next_token:
        after, skip = decode_cursor(next_token)
    out: list[tuple[datetime, dict]] = []
    if not next_token and added_after is None and not match_ids and (not match_types or match_types & {"identity", "marking-definition", "extension-definition"}):
        # The definitions head the collection (date_added: the epoch), before any record.
        header = stix.header_objects(ctx.audience.allowed_markings())
        header += identity_objects(ctx, {ctx.own_identity, *KnownIdentity.objects.values_list("stix_id", flat=True)})
        for obj in header:
            if _matches(obj, match_ids, match_types):
                out.append((EPOCH_DT, obj))
    first = True
    # Units are produced in chunks sized to the page (+1 to know whether there is more).
    chunk = max(50, min(limit + 1, 250))
    for unit in merged_units(ctx, kinds, after=after, added_after=added_after, chunk=chunk):
        objs = unit.objects[skip:] if first and next_token else unit.objects
        offset = skip if first and next_token else 0
        first = False
        for i, obj in enumerate(objs):
            if not _matches(obj, match_ids, match_types):
                continue
            if len(out) >= limit:
                return TaxiiPage(out, True, encode_cursor(unit, offset + i))
            out.append((unit.date_added, obj))
    return TaxiiPage(out, False, None)


def _matches(obj: dict, ids: set[str] | None, types: set[str] | None) -> bool:
    return (not ids or obj["id"] in ids) and (not types or obj["type"] in types)


def find_object_units(ctx: ExportContext, kinds: list[str], stix_id: str) -> list[tuple[datetime, dict]]:
    """The object `stix_id` (all versions we hold: one) if the audience may read it."""
    stix_type = stix_id.split("--")[0]
    candidates = [k for k in kinds if stix.KIND_TYPES[k] == stix_type]
    for kind in candidates:
        ref = StixObjectRef.objects.filter(stix_id=stix_id, subject_type=kind).first()
        pk = ref.subject_id if ref else None
        if pk is None:
            model = KIND_MODELS[kind]
            for candidate in outbound_queryset(model, ctx.audience).values_list("pk", flat=True).iterator(chunk_size=5000):
                if stix.record_id(ctx.instance_uuid, kind, candidate) == stix_id:
                    pk = candidate
                    break
        if pk is None:
            continue
        rows = list(outbound_queryset(KIND_MODELS[kind], ctx.audience).filter(pk=pk))
        for unit in BUILDERS[kind](ctx, rows):
            return [(unit.date_added, o) for o in unit.objects if o["id"] == stix_id]
    if stix_id in stix.well_known_ids() or stix_id == ctx.own_identity:
        for obj in stix.header_objects(ctx.audience.allowed_markings()) + identity_objects(ctx, {ctx.own_identity}):
            if obj["id"] == stix_id:
                return [(EPOCH_DT, obj)]
    return []
