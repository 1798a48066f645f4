"""Reads for sharing: the record as STIX objects for one audience, streamed in keyset-paged chunks.

Everything here starts from `outbound.outbound_queryset` / `outbound.incident_rows`: a record the
audience may not see is never loaded into an object, and a reference to one is dropped.

This package is the import surface; the code lives by sub-topic:

- `context`: record kinds, this instance, audiences, `Unit` and `ExportContext` (per-run caches);
- `units`: one builder per record kind, model rows -> units;
- `export`: unit streams (one kind, several kinds merged) and the whole export of an audience;
- `taxii_paging`: TAXII timestamps, `next` cursors, filters, one page of a collection, one object by id;
- `locations`: which record of a collection carries each shared location (each object once).
"""

from .context import (
    ALL_KINDS,
    KIND_MODELS,
    KIND_ORDER,
    ExportContext,
    Unit,
    audience_for,
    collection_kinds,
    instance,
    kinds_for,
    partner_audience,
)
from .export import export_objects, identity_objects, kind_units, merged_units
from .locations import location_owners
from .taxii_paging import (
    EPOCH_DT,
    TaxiiFilters,
    TaxiiPage,
    collection_units,
    decode_cursor,
    encode_cursor,
    find_object_units,
    header_unit,
    object_version,
    parse_taxii_timestamp,
    taxii_page,
    taxii_timestamp,
)
from .units import BUILDERS, EXPORTED_SUBJECTS, RELATED

__all__ = [
    "ALL_KINDS", "BUILDERS", "EPOCH_DT", "EXPORTED_SUBJECTS", "KIND_MODELS", "KIND_ORDER", "RELATED",
    "ExportContext", "TaxiiFilters", "TaxiiPage", "Unit", "collection_units", "header_unit", "location_owners",
    "object_version", "audience_for", "collection_kinds", "decode_cursor",
    "encode_cursor", "export_objects", "find_object_units", "identity_objects", "instance", "kind_units",
    "kinds_for", "merged_units", "parse_taxii_timestamp", "partner_audience", "taxii_page", "taxii_timestamp",
]
