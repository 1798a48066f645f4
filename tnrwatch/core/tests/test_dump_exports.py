"""`scripts/dump_exports.py`: the dump of every public output that refactorings are compared with.

Given the demo record, when it is dumped twice, then both dumps hold the same bytes and every
output the issue names (OpenAPI schema, API lists, CSV, GeoJSON, STIX, FtM, MISP) is in them.
"""

from __future__ import annotations

import importlib.util
import shutil
from datetime import UTC, datetime, timedelta
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command

SCRIPT = Path(__file__).resolve().parents[3] / "scripts" / "dump_exports.py"


def _script():
    spec = importlib.util.spec_from_file_location("dump_exports", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_only_timestamps_of_the_run_itself_are_normalised():
    dump = _script()
    window = dump.Window()
    now = datetime.now(UTC)
    text = (f'"created": "{now.isoformat().replace("+00:00", "Z")}", "first_seen": "2022-09-01T00:00:00Z", '
            f'"on": "{now.date().isoformat()}", "published": "2022-10-04", '
            f'<input name="csrfmiddlewaretoken" value="abc123">')
    out = window.normalise(text)
    assert '"created": "<run-time>"' in out and '"on": "<run-date>"' in out
    assert "2022-09-01T00:00:00Z" in out and "2022-10-04" in out
    assert 'value="<token>"' in out
    assert (now - timedelta(days=3)).date().isoformat() in window.normalise((now - timedelta(days=3)).date().isoformat())


@pytest.mark.slow
@pytest.mark.django_db
def test_a_dump_of_the_demo_holds_every_output_and_a_change_is_found(tmp_path):
    dump = _script()
    call_command("load_demo", stdout=StringIO())
    window = dump.Window()
    # (the script's full run, with each record's pages, takes a minute; the lists show the shape)
    first = dump.dump(tmp_path / "a", window, details=False)
    shutil.copytree(tmp_path / "a", tmp_path / "b")
    assert dump.compare(tmp_path / "a", tmp_path / "b") == []
    for name in ["api/openapi.json", "api/stations/page-0.json", "export/record.geojson", "export/stix.txt",
                 "export/ftm.txt", "export/misp.txt", "export/claims.csv"]:
        assert name in first, name
    stations = (tmp_path / "a" / "api" / "stations" / "page-0.json").read_text(encoding="utf-8")
    assert stations.startswith("200\n") and '"results": [' in stations.replace('"results":[', '"results": [')
    # a difference is found
    (tmp_path / "b" / "export" / "stix.txt").write_text("changed", encoding="utf-8")
    assert dump.compare(tmp_path / "a", tmp_path / "b") == ["export/stix.txt"]
