"""TAXII paging: date_added timestamps, the opaque `next` cursor, one page of a collection, and
the look-up of a single object by its STIX id.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime

from .. import stix
from ..models import KnownIdentity, StixObjectRef, TaxiiListedObject
from ..outbound import outbound_queryset
from .context import KIND_MODELS, KIND_ORDER, ExportContext, Unit
from .export import identity_objects, merged_units
from .locations import location_owners, owner_holds
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
    # relationship id -> (kind, pk) of the record that carries it (for fetching it by id later)
    carriers: dict[str, tuple[str, int]] = field(default_factory=dict)


@dataclass(frozen=True)
class TaxiiFilters:
    """The TAXII 2.1 filters of a request: match[id], match[type], match[version] (first, last,
    all or timestamps; we hold one version of each object, so first = last = all) and
    match[spec_version] (we serve 2.1 only)."""

    ids: frozenset[str] | None = None
    types: frozenset[str] | None = None
    versions: frozenset[datetime] | None = None  # None: any (first, last, all)
    spec_versions: frozenset[str] | None = None

    def matches(self, obj: dict) -> bool:
        if self.ids is not None and obj["id"] not in self.ids:
            return False
        if self.types is not None and obj["type"] not in self.types:
            return False
        if self.spec_versions is not None and obj.get("spec_version", "2.1") not in self.spec_versions:
            return False
        if self.versions is not None:
            version = object_version(obj)
            return version is not None and parse_taxii_timestamp(version) in self.versions
        return True


def object_version(obj: dict) -> str | None:
    """An object's version: `modified`, or `created` for objects that have no `modified`."""
    return obj.get("modified") or obj.get("created")


def header_unit(ctx: ExportContext) -> Unit:
    """The definitions and authors that head every collection (date_added: the epoch)."""
    header = stix.header_objects(ctx.audience.allowed_markings())
    header += identity_objects(ctx, {ctx.own_identity, *KnownIdentity.objects.values_list("stix_id", flat=True)})
    return Unit(EPOCH_DT, -1, 0, header)


def collection_units(ctx: ExportContext, kinds: list[str], *, after: tuple | None = None,
                     added_after: datetime | None = None, chunk: int = 250) -> Iterator[Unit]:
    """The collection in TAXII order: the header, then every record's unit."""
    head = header_unit(ctx)
    if (added_after is None or added_after < EPOCH_DT) and (after is None or after < head.key):
        yield head
    yield from merged_units(ctx, kinds, after=after, added_after=added_after, chunk=chunk)


def taxii_page(ctx: ExportContext, kinds: list[str], *, limit: int, next_token: str | None = None,
               added_after: datetime | None = None, filters: TaxiiFilters | None = None) -> TaxiiPage:
    """One page of a collection: at most `limit` objects in (date_added, kind, pk) order, each
    object once in the whole collection (a shared location rides with its owner, see
    `locations.py`)."""
    filters = filters or TaxiiFilters()
    after, skip = (None, 0)
    if next_token:
        after, skip = decode_cursor(next_token)
    out: list[tuple[datetime, dict]] = []
    carriers: dict[str, tuple[str, int]] = {}
    owners: dict[str, tuple] | None = None
    checked: set[tuple] = set()  # owners this page has found still there
    first = True
    # Units are produced in chunks sized to the page (+1 to know whether there is more).
    chunk = max(50, min(limit + 1, 250))
    for unit in collection_units(ctx, kinds, after=after, added_after=added_after, chunk=chunk):
        start = skip if first and next_token else 0
        first = False
        for i in range(start, len(unit.objects)):
            obj = unit.objects[i]
            if obj["type"] == "location" and unit.rank >= 0:
                if owners is None:
                    owners = location_owners(ctx, kinds)
                owner = owners.get(obj["id"])
                if owner is not None and owner != unit.key and owner not in checked:
                    if not owner_holds(ctx, owner):  # deleted or hidden since the map was made
                        owners = location_owners(ctx, kinds, refresh=True)
                        owner = owners.get(obj["id"])
                    if owner is not None:
                        checked.add(owner)
                if owner != unit.key:
                    continue  # another record carries this location
            if not filters.matches(obj):
                continue
            if len(out) >= limit:
                return TaxiiPage(out, True, encode_cursor(unit, i), carriers)
            out.append((unit.date_added, obj))
            if obj["type"] == "relationship":
                carriers[obj["id"]] = (KIND_ORDER[unit.rank], unit.pk)
    return TaxiiPage(out, False, None, carriers)


def find_object_units(ctx: ExportContext, kinds: list[str], stix_id: str) -> list[tuple[datetime, dict]]:
    """The object `stix_id` (all versions we hold: one) if the audience may read it in a collection
    of `kinds`: a record, a location or relationship some visible record carries, or a definition."""
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
        found = _in_unit(ctx, kind, pk, stix_id)
        if found:
            return found
    if stix_type in ("location", "relationship"):
        owner = location_owners(ctx, kinds).get(stix_id) if stix_type == "location" else None
        if owner is not None:
            return _in_unit(ctx, KIND_ORDER[owner[1]], owner[2], stix_id)
        listed = TaxiiListedObject.objects.filter(stix_id=stix_id).first()
        if listed is not None and listed.subject_type in kinds:
            return _in_unit(ctx, listed.subject_type, listed.subject_id, stix_id)
    head = header_unit(ctx)
    return [(EPOCH_DT, obj) for obj in head.objects if obj["id"] == stix_id][:1]


def _in_unit(ctx: ExportContext, kind: str, pk: int, stix_id: str) -> list[tuple[datetime, dict]]:
    rows = list(outbound_queryset(KIND_MODELS[kind], ctx.audience).filter(pk=pk))
    for unit in BUILDERS[kind](ctx, rows):
        return [(unit.date_added, o) for o in unit.objects if o["id"] == stix_id][:1]
    return []
