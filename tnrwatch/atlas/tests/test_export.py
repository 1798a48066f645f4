"""CSV and GeoJSON exports, over HTTP and from the command line: public records only, formula
cells escaped, streamed, and the command's FORMATS extensible by the sharing app."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tnrwatch.atlas import exports
from tnrwatch.atlas.management.commands import export as export_command
from tnrwatch.atlas.tests.test_api import anon, api_record  # noqa: F401 - fixtures
from tnrwatch.registry import services
from tnrwatch.sharing.tests.factories import cite

API = "/api/v1"


def _rows(text: str) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text)))


def _http(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200 and response.streaming
    return b"".join(response.streaming_content).decode("utf-8")


def _cli(*args: str) -> str:
    out = io.StringIO()
    call_command("export", *args, stdout=out)
    return out.getvalue()


def test_http_and_command_line_give_the_same_csv(anon, api_record):  # noqa: F811
    for kind in exports.CSV_COLUMNS:
        assert _http(anon, f"{API}/export/{kind}.csv") == _cli("csv", "--kind", kind)
    assert _http(anon, f"{API}/export/record.geojson") == _cli("geojson")


def test_csv_holds_only_public_records(anon, api_record):  # noqa: F811
    r = api_record
    stations = _rows(_cli("csv", "--kind", "stations"))
    assert {int(s["id"]) for s in stations} == {r.station.pk, r.ie_station.pk}
    rotterdam = next(s for s in stations if int(s["id"]) == r.station.pk)
    assert rotterdam["operator_name"] == r.bureau.name_en and rotterdam["host_organization_name"] == ""
    claims = _rows(_cli("csv", "--kind", "claims"))
    assert {int(c["claim_id"]) for c in claims} == {r.claim.pk, r.disputed.pk, *(c.pk for c in r.fact_claims)}
    assert "a secret quote" not in {c["quote"] for c in claims}
    # The contested claim has one row per side, with its quote.
    disputed = [c for c in claims if int(c["claim_id"]) == r.disputed.pk]
    assert sorted((c["stance"], c["quote"]) for c in disputed) == [("refutes", "denied any link"),
                                                                    ("supports", "run by Qingtian")]
    responses = _rows(_cli("csv", "--kind", "responses"))
    assert r.amber_response.pk not in {int(x["id"]) for x in responses}
    nl = next(x for x in responses if int(x["id"]) == r.response.pk)
    assert nl["station_ids"] == str(r.station.pk)  # not the AMBER station
    assert {int(x["id"]) for x in _rows(_cli("csv", "--kind", "incidents"))} == {r.incident.pk}
    assert {int(x["id"]) for x in _rows(_cli("csv", "--kind", "sources"))} == {r.source.pk}


def test_geojson_holds_only_public_records(api_record):  # noqa: F811
    r = api_record
    data = json.loads(_cli("geojson"))
    ids = {f["id"] for f in data["features"]}
    assert f"station/{r.station.pk}" in ids and f"station/{r.amber_station.pk}" not in ids
    assert f"response/{r.amber_response.pk}" not in ids and f"incident/{r.report_incident.pk}" not in ids
    station = next(f for f in data["features"] if f["id"] == f"station/{r.station.pk}")
    assert station["geometry"] == {"type": "Point", "coordinates": [r.rotterdam.longitude, r.rotterdam.latitude]}


@pytest.mark.parametrize("payload", ["=HYPERLINK(\"http://evil\")", "+1+1", "-2+3", "@SUM(A1)", "\t=1", "\r=1"])
def test_formula_cells_are_escaped(api_record, payload):  # noqa: F811
    cite(services.station_create(name_en=payload, country=api_record.nl, marking="clear"))
    names = [s["name_en"] for s in _rows(_cli("csv", "--kind", "stations"))]
    assert "'" + payload in names
    assert payload not in names


def test_numbers_are_not_escaped():
    assert exports.safe_cell(-33.5) == -33.5
    assert exports.safe_cell("-33.5") == "'-33.5"
    assert exports.safe_cell(None) == ""


def test_claims_export_queries_per_chunk_not_per_row(api_record, monkeypatch):  # noqa: F811
    # Given chunks of 2 claims, when exporting 2 or 20 claims, the queries grow per chunk only.
    monkeypatch.setattr(exports, "CHUNK", 2)

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            list(exports.csv_stream("claims"))
        return len(ctx.captured_queries)

    two = queries()
    for i in range(18):
        services.claim_assert(subject=api_record.station, prop="name", value=f"v{i}", source=api_record.source,
                              quote=f"q{i}", marking="clear")
    assert queries() <= two + 9 * 2  # 9 more chunks, at most 2 queries each


def test_unknown_format_and_kind_are_clear_errors(db):
    with pytest.raises(CommandError, match="Unknown format 'xml'"):
        _cli("xml")
    with pytest.raises(CommandError, match="Unknown --kind 'planets'"):
        _cli("csv", "--kind", "planets")
    with pytest.raises(CommandError, match="KEY=VALUE"):
        _cli("csv", "--option", "novalue")


def test_formats_are_extended_by_the_sharing_exporters(api_record):  # noqa: F811
    # The sharing app contributes formats through tnrwatch.sharing.exporters.FORMATS: the real
    # module, so a change to either side of the contract (writer signature, options) fails here.
    assert set(export_command.formats()) >= {"csv", "geojson", "stix", "ftm"}
    bundle = json.loads(_cli("stix"))
    assert bundle["type"] == "bundle" and bundle["objects"]
    with pytest.raises(CommandError, match="only partner=NAME"):
        _cli("stix", "--option", "colour=red")


def test_tnrwatch_command_maps_to_export(api_record, capsys):  # noqa: F811
    from tnrwatch.cli import main

    main(["export", "csv", "--kind", "sources"])
    out = capsys.readouterr().out
    assert out.splitlines()[0] == ",".join(exports.CSV_COLUMNS["sources"])
