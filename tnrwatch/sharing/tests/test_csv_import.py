"""CSV import: upload, map columns, preview with per-row errors, commit as claims citing the file."""

from __future__ import annotations

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from tnrwatch.audit.models import AuditEntry
from tnrwatch.registry import models as m
from tnrwatch.sharing.csv_import import read_table
from tnrwatch.sharing.models import CsvUpload

pytestmark = pytest.mark.django_db

TABLE = (
    b"Station,Country,City,Status,Run by\n"
    b"Fuzhou police service station Rotterdam,NL,Rotterdam,reported,Fuzhou PSB\n"
    b"Nantong station Madrid,Spain,Madrid,Closure ordered,Nantong PSB\n"
    b"Ragged row,NL\n"
    b"Qingtian station,Atlantis,Nowhere,reported,x\n"
) + "Lishui station Milan,IT,Mil\xe1n,reported,Lishui PSB\n".encode("latin-1")


def _record_counts() -> tuple:
    return (m.Station.objects.count(), m.Claim.objects.count(), m.Source.objects.count(), m.Evidence.objects.count())


def _upload(client, content: bytes, kind: str = "station"):
    return client.post("/partners/import/", {"file": SimpleUploadedFile("stations.csv", content, "text/csv"), "kind": kind})


def test_preview_shows_per_row_errors_and_writes_nothing_until_accepted(staff_client):
    client = staff_client("analyst")
    before = _record_counts()
    response = _upload(client, TABLE)
    assert response.status_code == 302
    upload = CsvUpload.objects.get()
    preview = client.get(response["Location"])
    assert preview.status_code == 200
    html = preview.content.decode()
    assert "row 4: has 2 cells, the header has 5" in html
    assert "row 5: unknown country" in html
    assert re.search(r"row 6: not UTF-8 text", html)
    assert "3 with errors" in html and "2 rows ready" in html
    assert _record_counts() == before  # nothing written to the record by upload and preview

    response = client.post(f"/partners/import/{upload.pk}/", {"action": "commit", "marking": "green", **{
        f"map_{k}": v for k, v in {"name_en": "Station", "country": "Country", "city": "City", "status": "Status",
                                   "operator": "Run by"}.items()}})
    assert response.status_code == 302
    source = m.Source.objects.get(kind="csv")
    assert source.title == "Uploaded table: stations.csv" and source.sha256 == upload.sha256
    madrid = m.Station.objects.get(name_en="Nantong station Madrid")
    assert madrid.status == "closure_ordered" and madrid.country.iso2 == "ES" and madrid.place.name_en == "Madrid"
    evidence = m.Evidence.objects.filter(claim__subject_type="station", claim__subject_id=madrid.pk)
    assert {e.quote for e in evidence} == {"Nantong station Madrid,Spain,Madrid,Closure ordered,Nantong PSB"}
    assert {e.location for e in evidence} == {"row 3"} and all(e.source_id == source.pk for e in evidence)
    assert not m.Station.objects.filter(name_en__in=["Ragged row", "Qingtian station"]).exists()
    assert AuditEntry.objects.filter(action="csv.commit").exists()
    # A second commit is refused.
    again = client.post(f"/partners/import/{upload.pk}/", {"action": "commit", "marking": "green", "map_name_en": "Station", "map_country": "Country"})
    assert again.status_code == 400


def test_existing_stations_are_linked_not_duplicated(staff_client):
    client = staff_client("analyst")
    from tnrwatch.registry import services as rs

    rs.station_create(actor_label="t", name_en="Fuzhou police service station Rotterdam", country=m.Country.objects.get(iso2="NL"))
    response = _upload(client, TABLE)
    upload = CsvUpload.objects.get()
    client.post(f"/partners/import/{upload.pk}/", {"action": "commit", "marking": "amber", "map_name_en": "Station",
                                                   "map_country": "Country", "map_city": "City", "map_status": "Status"})
    del response
    assert m.Station.objects.filter(name_en="Fuzhou police service station Rotterdam").count() == 1


def test_mapping_errors_and_responses(staff_client):
    client = staff_client("analyst")
    table = b"Country;Measure;Date;Details\nDE;investigation;2022-10;Interior ministry investigates\nIE;closure;2022;x\n"
    response = _upload(client, table, kind="response")
    upload = CsvUpload.objects.get()
    preview = client.get(f"/partners/import/{upload.pk}/?map_country=Country&map_action=Measure&map_summary=")
    assert "summary: choose the column that holds it" in preview.content.decode()
    preview = client.get(f"/partners/import/{upload.pk}/?map_country=Country&map_action=Measure&map_date=Date&map_summary=Details")
    assert "row 3: unknown action" in preview.content.decode()
    client.post(f"/partners/import/{upload.pk}/", {"action": "commit", "marking": "green", "map_country": "Country",
                                                   "map_action": "Measure", "map_date": "Date", "map_summary": "Details"})
    response = m.GovernmentResponse.objects.get()
    assert response.country.iso2 == "DE" and response.date_precision == "month"


def test_bad_files_give_clear_errors(staff_client):
    client = staff_client("analyst")
    for content, message in ((b"", "empty"), (b"\xff\xfe\x00\x00bin", "NUL"), ("Name\n".encode("utf-16"), "NUL")):
        response = _upload(client, content)
        assert response.status_code == 400, content
        assert message in response.content.decode()
    assert not CsvUpload.objects.exists()


def test_a_500_mb_upload_is_refused_from_its_header_without_reading_the_body(staff_client):
    client = staff_client("analyst")
    body = io.BytesIO(b"--x\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\nstation\r\n--x--\r\n")
    response = client.generic("POST", "/partners/import/", data=body.getvalue(),
                              content_type="multipart/form-data; boundary=x", CONTENT_LENGTH=str(500 * 1024 * 1024))
    assert response.status_code == 413
    assert "larger than" in response.content.decode()


def test_upload_pages_need_an_editor(staff_client):
    client = staff_client("read_only")
    assert client.get("/partners/import/").status_code == 403


def test_read_table_joins_quoted_multiline_cells():
    table = read_table(b'a,b\n"one\ntwo",3\n4,5\n')
    assert [r.values for r in table.rows] == [{"a": "one\ntwo", "b": "3"}, {"a": "4", "b": "5"}]
    assert [r.number for r in table.rows] == [2, 4]


PROVENANCE_TABLE = (
    "Station,Country,Run by,Source URL,Source title,Quote\n"
    "Qingtian station London,UK,Qingtian County Public Security Bureau,https://example.org/captured,Captured report,"
    "\"a station run from Qingtian operates in London\"\n"
    "Station Amsterdam,Holland,Unknown bureau,https://example.org/new,A new report,\"said to operate in Amsterdam\"\n"
    "Station New York,USA,,,,\n"
    "Station Glasgow,英国,,,,\n"
    "Station Edinburgh,英國,,,,\n"
    "Station New York,USA,,,,\n"
    "Station Leeds,UK,,https://example.org/captured,Captured report,\"a sentence the report does not hold\"\n"
).encode()


def test_provenance_columns_operators_country_aliases_and_duplicates(staff_client):
    from tnrwatch.registry import services as rs

    # Given a bureau in the record and a captured source,
    bureau = rs.organization_create(actor_label="t", kind="operating_bureau", name_en="Qingtian County Public Security Bureau",
                                    country=m.Country.objects.get(iso2="CN"), marking="green")
    captured = rs.source_create(actor_label="t", kind="news", title="Captured report", url="https://example.org/captured",
                                text="Reporters found that a station run from Qingtian operates in London, near...",
                                marking="green")
    client = staff_client("analyst")
    response = _upload(client, PROVENANCE_TABLE)
    upload = CsvUpload.objects.get()
    html = client.get(response["Location"]).content.decode()
    # Then the preview shows each mapping made, the operator link, the quote check and the duplicate.
    assert "country &#x27;UK&#x27; read as GB" in html and "country &#x27;Holland&#x27; read as NL" in html
    assert "read as US" in html and "country &#x27;英国&#x27; read as GB" in html and "country &#x27;英國&#x27; read as GB" in html
    assert f"operator linked to organisation #{bureau.pk}" in html
    assert f"quote found in the captured text of source #{captured.pk}" in html
    assert f"row 8: the quote is not in the captured text of source #{captured.pk}" in html
    assert "duplicate of row 4" in html
    # Imported rows are never public at import.
    mapping = {f"map_{k}": col for k, col in {"name_en": "Station", "country": "Country", "operator": "Run by",
                                              "source_url": "Source URL", "source_title": "Source title",
                                              "quote": "Quote"}.items()}
    refused = client.post(f"/partners/import/{upload.pk}/", {"action": "commit", "marking": "clear", **mapping})
    assert refused.status_code == 400 and not m.Station.objects.filter(name_en="Station Amsterdam").exists()
    assert client.post(f"/partners/import/{upload.pk}/", {"action": "commit", "marking": "green", **mapping}).status_code == 302
    london = m.Station.objects.get(name_en="Qingtian station London")
    assert london.country.iso2 == "GB" and london.operator_id == bureau.pk
    quotes = set(m.Evidence.objects.filter(claim__subject_type="station", claim__subject_id=london.pk)
                 .values_list("source_id", "quote"))
    assert (captured.pk, "a station run from Qingtian operates in London") in quotes
    new_source = m.Source.objects.get(url="https://example.org/new")
    assert new_source.title == "A new report"
    assert m.Station.objects.filter(name_en="Station New York").count() == 1
    assert not m.Station.objects.filter(name_en="Station Leeds").exists()
