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
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ValidationError
from tnrwatch.gazetteer.names import normalize_name
from tnrwatch.registry import models as m
from tnrwatch.registry import services as rs

from .. import csv_import
from ..models import CsvUpload

MAX_CSV_BYTES = 10 * 1024 * 1024


def country_lookup() -> dict[str, str]:
    out: dict[str, str] = {}
    for iso2, iso3, name, hans, hant in m.Country.objects.values_list("iso2", "iso3", "name_en", "name_zh_hans", "name_zh_hant"):
        out[iso2.upper()] = iso2
        out[iso3.upper()] = iso2
        for n in (name, hans, hant):
            if n:
                out[n.casefold()] = iso2
    return out


def _organization_by_name(name: str) -> m.Organization | None:
    hit = m.Alias.objects.filter(subject_type="organization", normalized=normalize_name(name)).values_list("subject_id", flat=True)
    return m.Organization.objects.filter(pk__in=list(hit[:5])).order_by("pk").first()


def _cited_source(vals: dict) -> m.Source | None:
    """The source a row names (by URL, else by title), if it is in the record."""
    if vals.get("source_url"):
        return m.Source.objects.filter(url=vals["source_url"][:2000]).order_by("pk").first()
    if vals.get("source_title"):
        return m.Source.objects.filter(title=vals["source_title"][:1000]).order_by("pk").first()
    return None


def _quote_found(quote: str, text: str) -> bool:
    return " ".join(quote.split()).casefold() in " ".join(text.split()).casefold()


def _annotate(kind: str, rows: list[csv_import.Row]) -> None:
    """Notes and errors that need the record: operators linked, existing stations, quotes checked
    against the captured text of their source."""
    for row in rows:
        if not row.ok:
            continue
        vals = row.values
        if kind == "station" and vals.get("operator"):
            org = _organization_by_name(vals["operator"])
            row.notes.append(f"operator linked to organisation #{org.pk} {org.name_en}" if org else
                             f"operator {vals['operator'][:60]!r} matches no organisation: kept as a claim only")
        if vals.get("quote"):
            source = _cited_source(vals)
            if source is not None and source.text:
                if not _quote_found(vals["quote"], source.text):
                    row.errors.append(f"the quote is not in the captured text of source #{source.pk}")
                else:
                    row.notes.append(f"quote found in the captured text of source #{source.pk}")
            elif source is not None:
                row.notes.append(f"source #{source.pk} has no captured copy: the quote cannot be checked")
            else:
                row.notes.append("the source is new to the record: it will be added (not captured)")


@transaction.atomic
def csv_upload_create(*, actor: Any, filename: str, content: bytes, kind: str) -> CsvUpload:
    """Stage an uploaded table (not part of the record) for mapping and preview."""
    if kind not in csv_import.FIELDS:
        raise ValidationError(gettext("Unknown kind of row."))
    if len(content) > MAX_CSV_BYTES:
        raise ValidationError(gettext("The file is larger than %(megabytes)s MB.") % {"megabytes": MAX_CSV_BYTES // (1024 * 1024)})
    table = csv_import.read_table(content)
    if table.errors and not table.rows:
        raise ValidationError(table.errors[0])
    upload = CsvUpload.objects.create(
        filename=(filename or "table.csv")[:255].replace("\x00", ""), sha256=hashlib.sha256(content).hexdigest(),
        content=content, kind=kind, created_by=actor if getattr(actor, "is_authenticated", False) else None,
        mapping=csv_import.guess_mapping(kind, table.header),
    )
    audit_record(actor=actor, action="csv.upload", subject_type="csvupload", subject_id=upload.pk,
                    data={"filename": upload.filename, "sha256": upload.sha256, "kind": kind})
    return upload


def csv_preview(upload: CsvUpload, mapping: dict[str, str]) -> tuple[csv_import.Table, list[str], list[csv_import.Row]]:
    """The table, mapping errors, and each row as it would be committed, with its errors. Reads only."""
    table = csv_import.read_table(bytes(upload.content))
    mapping_errors = csv_import.check_mapping(upload.kind, table.header, mapping)
    rows = [] if mapping_errors else csv_import.map_rows(upload.kind, table, mapping, country_lookup())
    _annotate(upload.kind, rows)
    return table, mapping_errors, rows


@transaction.atomic
def csv_commit(*, actor: Any, upload: CsvUpload, mapping: dict[str, str], marking: str = "amber") -> dict:
    """Commit the accepted preview: one Source for the file, claims for each valid row."""
    if marking == "clear":
        # Imported data waits for review: it becomes public through publishing, never at import.
        raise ValidationError(gettext("Imported rows are not public until an analyst publishes them: choose TLP:GREEN or stricter."))
    upload = CsvUpload.objects.select_for_update().get(pk=upload.pk)
    if upload.status == CsvUpload.Status.COMMITTED:
        raise ValidationError(gettext("This table was already imported."))
    table, mapping_errors, rows = csv_preview(upload, mapping)
    if mapping_errors:
        raise ValidationError("; ".join(mapping_errors))
    good = [r for r in rows if r.ok]
    if not good:
        raise ValidationError(gettext("No row can be imported; fix the errors shown in the preview."))
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
            if was_new and vals.get("operator") and station.operator_id is None:
                org = _organization_by_name(vals["operator"])
                if org is not None:
                    rs.station_update(actor=actor, station=station, operator=org)
            for prop in ("name_en", "name_zh", "status", "city", "first_reported", "operator"):
                if vals.get(prop):
                    rs.claim_assert(actor=actor, subject=station, prop=prop, value=vals[prop], source=source,
                                    quote=quote, location=location, marking=marking)
                    claims += 1
                    _cite_row_source(actor, station, prop, vals, marking)
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
                    _cite_row_source(actor, response, prop, vals, marking)
    upload.status, upload.source, upload.mapping = CsvUpload.Status.COMMITTED, source, mapping
    upload.save(update_fields=["status", "source", "mapping"])
    result = {"source": source.pk, "rows": len(good), "skipped": len(rows) - len(good), "created": created,
              "linked": linked, "claims": claims}
    audit_record(actor=actor, action="csv.commit", subject=source, data=result)
    return result


def _cite_row_source(actor: Any, subject: Any, prop: str, vals: dict, marking: str) -> None:
    """Evidence from the source the row names, with the row's quote (checked in the preview against
    the source's captured text when there is one); the source is added when new (not captured)."""
    if not vals.get("quote") or prop in ("name_en", "name_zh"):
        return
    source = _cited_source(vals)
    if source is None:
        source = rs.source_create(actor=actor, kind="news", title=(vals.get("source_title") or vals["source_url"])[:1000],
                                  url=vals.get("source_url", "")[:2000], marking=marking)
    rs.claim_assert(actor=actor, subject=subject, prop=prop, value=vals[prop], source=source, quote=vals["quote"],
                    location="cited in an uploaded table", marking=marking)


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
