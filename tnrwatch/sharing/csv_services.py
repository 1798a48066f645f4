"""Writes of the CSV import: staging an upload, and committing an accepted preview as claims.

Guarantee: the record is not touched until `csv_commit`, which runs in one transaction: the
uploaded file becomes one Source (kind "csv", its SHA-256, its text), and every valid row becomes
claims citing it, the row's own text being the verbatim quote. Rows with errors are skipped and
reported; an error in the commit itself leaves the record as it was.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.db import transaction

from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import models as m
from tnrwatch.registry import services as rs
from tnrwatch.registry.names import normalize_name

from . import csv_import
from .models import CsvUpload

MAX_CSV_BYTES = 10 * 1024 * 1024


def country_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for iso2, iso3, name in m.Country.objects.values_list("iso2", "iso3", "name_en"):
        out[iso2.upper()] = iso2
        out[iso3.upper()] = iso2
        out[name.casefold()] = iso2
    return out


@transaction.atomic
def csv_upload_create(*, actor: Any, filename: str, content: bytes, kind: str) -> CsvUpload:
    """Stage an uploaded table (not part of the record) for mapping and preview."""
    if kind not in csv_import.FIELDS:
        raise ValidationError("Unknown kind of row.")
    if len(content) > MAX_CSV_BYTES:
        raise ValidationError(f"The file is larger than {MAX_CSV_BYTES // (1024 * 1024)} MB.")
    table = csv_import.read_table(content)
    if table.errors and not table.rows:
        raise ValidationError(table.errors[0])
    upload = CsvUpload.objects.create(
        filename=(filename or "table.csv")[:255].replace("\x00", ""), sha256=hashlib.sha256(content).hexdigest(),
        content=content, kind=kind, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        mapping=csv_import.guess_mapping(kind, table.header),
    )
    rs.audit_record(actor=actor, action="csv.upload", subject_type="csvupload", subject_id=upload.pk,
                    data={"filename": upload.filename, "sha256": upload.sha256, "kind": kind})
    return upload


def csv_preview(upload: CsvUpload, mapping: dict[str, str]) -> tuple[csv_import.Table, list[str], list[csv_import.Row]]:
    """The table, mapping errors, and each row as it would be committed, with its errors. Reads only."""
    table = csv_import.read_table(bytes(upload.content))
    mapping_errors = csv_import.check_mapping(upload.kind, table.header, mapping)
    rows = [] if mapping_errors else csv_import.map_rows(upload.kind, table, mapping, country_lookup())
    return table, mapping_errors, rows


@transaction.atomic
def csv_commit(*, actor: Any, upload: CsvUpload, mapping: dict[str, str], marking: str = "amber") -> dict:
    """Commit the accepted preview: one Source for the file, claims for each valid row."""
    upload = CsvUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == CsvUpload.Status.COMMITTED:
        raise ValidationError("This table was already imported.")
    table, mapping_errors, rows = csv_preview(upload, mapping)
    if mapping_errors:
        raise ValidationError("; ".join(mapping_errors))
    good = [r for r in rows if r.ok]
    if not good:
        raise ValidationError("No row can be imported; fix the errors shown in the preview.")
    content = bytes(upload.content)
    source = rs.source_create(actor=actor, kind="csv", title=f"Uploaded table: {upload.filename}", sha256=upload.sha256,
                              text=content.decode("utf-8", errors="replace"), marking=marking)
    countries = {c.iso2: c for c in m.Country.objects.all()}
    created = linked = claims = 0
    for row in good:
        vals = row.values
        location = f"row {row.number}"
        quote = row.raw.strip()
        country = countries[vals["country"]]
        if upload.kind == "station":
            station, was_new = _station_for(actor, vals, country, marking)
            created += was_new
            linked += not was_new
            for prop in ("name_en", "name_zh", "status", "city", "first_reported", "operator"):
                if vals.get(prop):
                    rs.claim_assert(actor=actor, subject=station, prop=prop, value=vals[prop], source=source,
                                    quote=quote, location=location, marking=marking)
                    claims += 1
        else:
            when, precision = csv_import.parse_date(vals["date"]) if vals.get("date") else (None, "day")
            response = m.GovernmentResponse.objects.filter(country=country, action=vals["action"], date=when,
                                                           body=vals.get("body", "")[:300]).first()
            if response is None:
                response = rs.response_create(actor=actor, country=country, action=vals["action"], date=when,
                                              date_precision=precision, body=vals.get("body", "")[:300],
                                              summary=vals["summary"], marking=marking)
                created += 1
            else:
                linked += 1
            for prop in ("action", "date", "body", "summary"):
                if vals.get(prop):
                    rs.claim_assert(actor=actor, subject=response, prop=prop, value=vals[prop], source=source,
                                    quote=quote, location=location, marking=marking)
                    claims += 1
    upload.status, upload.source, upload.mapping = CsvUpload.Status.COMMITTED, source, mapping
    upload.save(update_fields=["status", "source", "mapping"])
    result = {"source": source.pk, "rows": len(good), "skipped": len(rows) - len(good), "created": created,
              "linked": linked, "claims": claims}
    rs.audit_record(actor=actor, action="csv.commit", subject=source, data=result)
    return result


def _station_for(actor: Any, vals: dict, country: m.Country, marking: str) -> tuple[m.Station, bool]:
    """The station of this row: an existing one with the same name in the country, or a new one."""
    names = [normalize_name(vals[k]) for k in ("name_en", "name_zh") if vals.get(k)]
    hit = m.Alias.objects.filter(subject_type="station", normalized__in=names).values_list("subject_id", flat=True)
    station = m.Station.objects.filter(pk__in=list(hit), country=country).first()
    if station is not None:
        return station, False
    place = rs.place_get_or_create(actor=actor, name_en=vals["city"][:200], country=country) if vals.get("city") else None
    first = csv_import.parse_date(vals["first_reported"])[0] if vals.get("first_reported") else None
    station = rs.station_create(actor=actor, name_en=vals["name_en"][:300], name_zh=vals.get("name_zh", "")[:300],
                                country=country, place=place, first_reported=first,
                                status=vals.get("status") or "reported", marking=marking)
    return station, True
