"""CSV and GeoJSON exports of the public record, whole or filtered as a list page is, streamed in
constant memory.

Every export is a generator of text chunks over `QuerySet.iterator(chunk_size=...)` (prefetches run
per chunk), so a million claims are written with the memory of a few thousand rows. The same
generators serve the HTTP exports (/api/v1/export/...) and the `tnrwatch export` command.

CSV kinds and their columns are listed in `CSV_COLUMNS` (pinned by tests/test_export_contract.py).
`claims` has one row per public evidence item (a claim without public evidence gets one row with
empty evidence columns). Text cells that a spreadsheet would run as a formula (starting with = + -
@, tab or carriage return) are prefixed with an apostrophe.

GeoJSON: one FeatureCollection with a Point Feature per station, government response and incident,
located at its city when known, else at its country's centroid (`properties.located` says which),
else with a null geometry.

Filters: every export takes the keyword filters of its kind's list selector (`api_selectors`), the
same the JSON list endpoint takes, so a list page's CSV and GeoJSON links export exactly the list on
screen (all its pages). No filters: the whole public record.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, Any, Literal, TypeAlias

from django.core.serializers.json import DjangoJSONEncoder

from tnrwatch.sharing.outbound import incident_row_date, station_host, station_operator

from . import api_selectors as sel
from . import public_cache

CHUNK = 2000  # rows fetched per query; also rows per yielded text chunk
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")

CSV_COLUMNS: dict[str, list[str]] = {
    "stations": [
        "id", "name_en", "name_zh", "status", "country_iso2", "country_name", "city", "latitude", "longitude",
        "operator_id", "operator_name", "host_organization_id", "host_organization_name", "first_reported",
        "description", "updated_at",
    ],
    "responses": [
        "id", "country_iso2", "country_name", "action", "body_kind", "body", "date", "date_precision", "city",
        "station_ids", "summary", "updated_at",
    ],
    "claims": [
        "claim_id", "claim_key", "subject_type", "subject_id", "prop", "value", "status", "evidence_id", "stance",
        "source_id", "source_title", "source_url", "quote", "location", "start", "end",
    ],
    "sources": ["id", "kind", "title", "publisher", "author", "url", "published", "language", "sha256", "captured_at",
                "republish_allowed", "reuse_terms"],
    "organizations": ["id", "kind", "name_en", "name_zh", "country_iso2", "region", "description", "updated_at"],
    "incidents": [
        "id", "date", "date_precision", "origin_country_iso2", "host_country_iso2", "city", "tactic",
        "target_category", "station_ids", "summary", "coarsened",
    ],
}
if TYPE_CHECKING:  # a Literal of the kinds at run time (for the API schema); a string to a type checker
    CsvKind: TypeAlias = str
else:
    CsvKind = Literal[tuple(CSV_COLUMNS)]


def safe_cell(value: Any) -> Any:
    """A CSV cell that no spreadsheet runs as a formula. Only text is escaped: numbers stay numbers."""
    if value is None:
        return ""
    if isinstance(value, str):
        return "'" + value if value.startswith(FORMULA_START) else value
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


class _Line:
    """A file-like object whose write() returns what it was given, for csv.writer."""

    def write(self, value: str) -> str:
        return value


def _rows_stations(**filters: Any) -> Iterator[list]:
    for st in sel.station_list(**filters).iterator(chunk_size=CHUNK):
        op, host = station_operator(st), station_host(st)
        place = st.place
        yield [
            st.pk, st.name_en, st.name_zh, st.public_status, st.country.iso2, st.country.name_en,
            place.name_en if place else "", place.latitude if place else None, place.longitude if place else None,
            op.pk if op else None, op.name_en if op else "", host.pk if host else None, host.name_en if host else "",
            st.first_reported, st.description, st.updated_at,
        ]


def _ids(related) -> str:
    return ";".join(str(obj.pk) for obj in related.all())


def _rows_responses(**filters: Any) -> Iterator[list]:
    for r in sel.response_list(**filters).iterator(chunk_size=CHUNK):
        yield [
            r.pk, r.country.iso2, r.country.name_en, r.action, r.body_kind, r.body, r.date, r.date_precision,
            r.place.name_en if r.place else "", _ids(r.stations), r.summary, r.updated_at,
        ]


CLAIM_FIELDS = ("pk", "key", "subject_type", "subject_id", "prop", "value", "status")
EVIDENCE_FIELDS = ("claim_id", "pk", "stance", "source_id", "source__title", "source__url", "quote", "location",
                   "start", "end")


def _batches(rows: Iterable, size: int) -> Iterator[list]:
    batch: list = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _rows_claims(**filters: Any) -> Iterator[list]:
    # Plain tuples, not model instances: at a million claims, building models was most of the time.
    claims = sel.claim_list(with_evidence=False, **filters).values_list(*CLAIM_FIELDS)
    for batch in _batches(claims.iterator(chunk_size=CHUNK), CHUNK):
        evidence: dict[int, list[tuple]] = {}
        rows = sel.evidence_of_visible_claims().filter(claim_id__in=[c[0] for c in batch]).values_list(*EVIDENCE_FIELDS)
        for ev in rows:
            evidence.setdefault(ev[0], []).append(ev[1:])
        for claim in batch:
            items = evidence.get(claim[0])
            if not items:
                yield [*claim, *([None] * 9)]
            for ev in items or ():
                yield [*claim, *ev]


def _rows_sources(**filters: Any) -> Iterator[list]:
    fields = ("pk", "kind", "title", "publisher", "author", "url", "published", "language", "sha256", "captured_at",
              "republish_allowed", "reuse_terms")
    for row in sel.source_list(**filters).values_list(*fields).iterator(chunk_size=CHUNK):
        yield list(row)


def _rows_organizations(**filters: Any) -> Iterator[list]:
    for org in sel.organization_list(**filters).iterator(chunk_size=CHUNK):
        yield [org.pk, org.kind, org.name_en, org.name_zh, org.country.iso2 if org.country else "", org.region,
               org.description, org.updated_at]


def row_precision(row) -> str | None:
    """The precision left in a de-identified incident row's date."""
    return "day" if row.day else "month" if row.month else "year" if row.year else None


def _rows_incidents(**filters: Any) -> Iterator[list]:
    # Incidents are few and already de-identified in memory by outbound.incident_rows.
    for row in sel.incident_list(**filters):
        yield [row.pk, incident_row_date(row), row_precision(row), row.origin_country, row.host_country,
               row.place_name, row.tactic, row.target_category, ";".join(map(str, row.station_ids)),
               row.summary, row.coarsened]


ROWS: dict[str, Callable[..., Iterator[list]]] = {
    "stations": _rows_stations,
    "responses": _rows_responses,
    "claims": _rows_claims,
    "sources": _rows_sources,
    "organizations": _rows_organizations,
    "incidents": _rows_incidents,
}


def csv_stream(kind: str, filters: dict[str, Any] | None = None) -> Iterator[str]:
    """The CSV export of `kind` (a key of CSV_COLUMNS), as text chunks of about CHUNK rows; `filters`
    are the keyword filters of the kind's list selector (none: the whole public record)."""
    writer = csv.writer(_Line())
    yield writer.writerow(CSV_COLUMNS[kind])
    buffer: list[str] = []
    for row in ROWS[kind](**(filters or {})):
        buffer.append(writer.writerow([safe_cell(cell) for cell in row]))
        if len(buffer) >= CHUNK:
            yield "".join(buffer)
            buffer.clear()
    if buffer:
        yield "".join(buffer)


# -- GeoJSON ----------------------------------------------------------------------------------


def _point(place, country) -> tuple[dict | None, str | None]:
    if place is not None and place.latitude is not None and place.longitude is not None:
        return {"type": "Point", "coordinates": [place.longitude, place.latitude]}, "city"
    if country is not None and country.latitude is not None and country.longitude is not None:
        return {"type": "Point", "coordinates": [country.longitude, country.latitude]}, "country"
    return None, None


def _feature(kind: str, pk: int | str, geometry: dict | None, located: str | None, props: dict) -> dict:
    return {"type": "Feature", "id": f"{kind}/{pk}", "geometry": geometry,
            "properties": {"kind": kind, "id": pk, "located": located, **props}}


def _station_features(**filters: Any) -> Iterator[dict]:
    for st in sel.station_list(**filters).iterator(chunk_size=CHUNK):
        geometry, located = _point(st.place, st.country)
        op = station_operator(st)
        yield _feature("station", st.pk, geometry, located, {
            "name_en": st.name_en, "name_zh": st.name_zh, "status": st.public_status, "country": st.country.iso2,
            "city": st.place.name_en if st.place else None, "operator_id": op.pk if op else None,
            "first_reported": st.first_reported,
        })


def _response_features(**filters: Any) -> Iterator[dict]:
    for r in sel.response_list(**filters).iterator(chunk_size=CHUNK):
        geometry, located = _point(r.place, r.country)
        yield _feature("response", r.pk, geometry, located, {
            "country": r.country.iso2, "action": r.action, "body": r.body, "date": r.date,
            "station_ids": [s.pk for s in r.stations.all()], "summary": r.summary,
        })


def _incident_features(**filters: Any) -> Iterator[dict]:
    rows = sel.incident_list(**filters)
    places, _stations = sel.incident_links(rows)
    countries = sel.Country.objects.in_bulk({r.host_country for r in rows}, field_name="iso2")
    for row in rows:
        place = places.get(row.place_id) if row.place_id is not None else None
        geometry, located = _point(place, countries.get(row.host_country))
        yield _feature("incident", row.pk, geometry, located, {
            "date": incident_row_date(row), "date_precision": row_precision(row),
            "origin_country": row.origin_country, "host_country": row.host_country, "tactic": row.tactic,
            "target_category": row.target_category, "summary": row.summary, "coarsened": row.coarsened,
        })


def _dumps(obj: Any) -> str:
    return json.dumps(obj, cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":"))


FEATURES: dict[str, Callable[..., Iterator[dict]]] = {
    "stations": _station_features,
    "responses": _response_features,
    "incidents": _incident_features,
}
if TYPE_CHECKING:  # as CsvKind
    GeoKind: TypeAlias = str
else:
    GeoKind = Literal[tuple(FEATURES)]


def _features(kind: str | None, filters: dict[str, Any]) -> Iterator[dict]:
    if kind is None:  # the whole record: stations, then responses, then incidents
        for features in FEATURES.values():
            yield from features()
    else:
        yield from FEATURES[kind](**filters)


def geojson_stream(kind: str | None = None, filters: dict[str, Any] | None = None) -> Iterator[str]:
    """The GeoJSON export (one FeatureCollection), as text chunks: the whole public record, or the
    records of one `kind` (a key of FEATURES) under its list selector's `filters`."""
    yield '{"type":"FeatureCollection","features":['
    yield from _joined(_dumps(f) for f in _features(kind, filters or {}))
    yield "]}\n"


def _joined(items: Iterable[str]) -> Iterator[str]:
    buffer: list[str] = []
    first = True
    for item in items:
        buffer.append(item if first else "," + item)
        first = False
        if len(buffer) >= CHUNK:
            yield "".join(buffer)
            buffer.clear()
    if buffer:
        yield "".join(buffer)


# -- the map endpoint -------------------------------------------------------------------------


def map_json() -> tuple[str, str]:
    """(`map_collection()` encoded as compact JSON, its ETag), kept under the record version
    (`public_cache`): building it is linear in the public stations. The ETag is a hash of the body,
    so a write that leaves the public map as it was (a record not yet public) keeps it."""
    def build() -> tuple[str, str]:
        body = _dumps(map_collection())
        return body, hashlib.sha256(body.encode()).hexdigest()[:32]

    return public_cache.under_fingerprint("api:map", build)


def map_collection() -> dict:
    """The FeatureCollection behind the atlas map (GET /api/v1/map)."""
    features: list[dict] = []
    for row in sel.map_stations():
        if row["place__latitude"] is not None and row["place__longitude"] is not None:
            geometry, located = {"type": "Point", "coordinates": [row["place__longitude"], row["place__latitude"]]}, "city"
        elif row["country__latitude"] is not None and row["country__longitude"] is not None:
            geometry, located = {"type": "Point", "coordinates": [row["country__longitude"], row["country__latitude"]]}, "country"
        else:
            geometry, located = None, None
        features.append(_feature("station", row["id"], geometry, located, {
            "name_en": row["name_en"], "name_zh": row["name_zh"], "status": row["public_status"],
            "country": row["country__iso2"], "city": row["place__name_en"],
        }))
    for c in sel.map_countries():
        geometry = ({"type": "Point", "coordinates": [c["longitude"], c["latitude"]]}
                    if c["latitude"] is not None and c["longitude"] is not None else None)
        features.append(_feature("country", c["iso2"], geometry, "country" if geometry else None, {
            "iso2": c["iso2"], "name_en": c["name_en"], "name_zh_hans": c["name_zh_hans"],
            "name_zh_hant": c["name_zh_hant"], "strongest_response": c["strongest_response"],
            "stations_count": c["stations"], "responses_count": c["responses"],
        }))
    return {"type": "FeatureCollection", "features": features}
