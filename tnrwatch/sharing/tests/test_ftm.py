"""FollowTheMoney export: every entity validates with the followthemoney library."""

from __future__ import annotations

import io
import json

import pytest
from followthemoney import model

from tnrwatch.sharing.exporters import FORMATS, export_ftm

from .factories import build_record

pytestmark = pytest.mark.django_db


def test_ftm_export_entities_validate_and_link():
    build_record()
    out = io.StringIO()
    count = export_ftm(out)
    entities = [json.loads(line) for line in out.getvalue().splitlines()]
    assert count == len(entities) > 0
    for entity in entities:
        schema = model.get(entity["schema"])
        schema.validate(entity)
        proxy = model.get_proxy(entity, cleaned=False)
        assert proxy.id == entity["id"]
    by_schema = {}
    for e in entities:
        by_schema.setdefault(e["schema"], []).append(e)
    station = next(e for e in by_schema["Organization"] if "Overseas police service station" in e["properties"].get("classification", []))
    assert station["properties"]["country"] == ["nl"]
    assert by_schema["PublicBody"][0]["properties"]["name"] == ["Fuzhou Public Security Bureau"]
    links = by_schema["UnknownLink"]
    assert {link["properties"]["role"][0] for link in links} == {"operates", "hosts"}
    assert all(link["properties"]["object"] == [station["id"]] for link in links)
    assert by_schema["Event"] and by_schema["Article"]
    doc = by_schema["Documentation"][0]
    assert doc["properties"]["summary"][0].startswith("the Dutch and Irish governments")
    ids = {e["id"] for e in entities}
    assert doc["properties"]["entity"][0] in ids and doc["properties"]["document"][0] in ids


def test_formats_registry_for_the_export_command():
    # format name -> writer(stdout, options) -> None, the signature of atlas's export command
    assert set(FORMATS) == {"stix", "ftm", "misp"}


def test_export_command_writes_stix_and_ftm_for_the_public_or_a_partner(capsys):
    from django.core.management import call_command

    from tnrwatch.sharing.services import partner_create

    build_record()
    partner_create(actor=None, name="P", max_marking="amber", read=["record"])
    call_command("export", "stix")
    public = json.loads(capsys.readouterr().out)
    call_command("export", "stix", "--option", "partner=P")
    partner = json.loads(capsys.readouterr().out)
    assert public["type"] == "bundle" and len(partner["objects"]) > len(public["objects"])
    # The spelling: tnrwatch export stix --partner NAME
    call_command("export", "stix", "--partner", "P")
    assert {o["id"] for o in json.loads(capsys.readouterr().out)["objects"]} == {o["id"] for o in partner["objects"]}
    call_command("export", "ftm")
    lines = capsys.readouterr().out.splitlines()
    assert lines and all(json.loads(line)["schema"] for line in lines)
    call_command("export", "misp", "--partner", "P")
    events = json.loads(capsys.readouterr().out)["response"]
    assert events and all(len([t for t in e["Event"]["Tag"] if t["name"].startswith("tlp:")]) == 1 for e in events)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export", "stix", "--option", "partner=Nobody")
    with pytest.raises(CommandError):
        call_command("export", "stix", "--option", "colour=red")
    with pytest.raises(CommandError):
        call_command("export", "csv", "--partner", "P")


def test_each_entity_carries_its_marking_which_survives_ftm_aggregate_and_nomenklatura_xref_runs(tmp_path):
    """followthemoney's and nomenklatura's own command-line tools, on the partner export."""
    import subprocess
    import sys
    from pathlib import Path

    from tnrwatch.registry import models as m
    from tnrwatch.sharing.exporters import export_ftm, ftm_dataset
    from tnrwatch.sharing.services import partner_create

    build_record()
    partner_create(actor=None, name="Aleph partner", max_marking="amber", read=["record"])
    out = io.StringIO()
    export_ftm(out, partner="Aleph partner")
    entities = [json.loads(line) for line in out.getvalue().splitlines()]
    # Every entity in exactly one dataset, its marking's; the AMBER station told apart from CLEAR ones.
    assert all(len(e["datasets"]) == 1 and e["datasets"][0].startswith("tnrwatch_tlp_") for e in entities)
    by_name = {e["properties"].get("name", [""])[0]: e for e in entities}
    assert by_name["Qingtian service station Berlin"]["datasets"] == [ftm_dataset("amber")]
    assert by_name["Fuzhou police service station Rotterdam"]["datasets"] == [ftm_dataset("clear")]
    assert "TLP:AMBER" in by_name["Qingtian service station Berlin"]["properties"]["keywords"]
    assert "gov.security" in by_name["Fuzhou Public Security Bureau"]["properties"]["topics"]
    # Events have dates and, where the text names it, an organiser.
    response = next(e for e in entities if e["schema"] == "Event" and e["properties"].get("organizer"))
    assert response["properties"]["date"] == ["2022-11-01"]
    organiser = next(e for e in entities if e["id"] == response["properties"]["organizer"][0])
    assert organiser["properties"]["name"] == ["Dutch Ministry of Foreign Affairs"]
    path = tmp_path / "export.ftm.json"
    path.write_text(out.getvalue())
    bin_dir = Path(sys.executable).parent
    # ftm validate and ftm aggregate (fragments merged by id) keep every entity's dataset.
    subprocess.run([str(bin_dir / "ftm"), "validate", "-i", str(path), "-o", str(tmp_path / "valid.json")],  # noqa: S603 - fixed argv
                   check=True, timeout=300, cwd=tmp_path)
    aggregated = subprocess.run([str(bin_dir / "ftm"), "aggregate", "-i", str(path)],  # noqa: S603 - fixed argv
                                check=True, capture_output=True, text=True, timeout=300, cwd=tmp_path).stdout
    after = {e["id"]: e["datasets"] for e in map(json.loads, aggregated.splitlines())}
    assert after == {e["id"]: e["datasets"] for e in entities}
    # nomenklatura's xref runs on the export (its resolver database in the test's folder).
    xref = subprocess.run([str(bin_dir / "nk"), "xref", "-p", str(tmp_path / "index"), str(path)],  # noqa: S603 - fixed argv
                          capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert xref.returncode == 0, xref.stderr[-2000:]
    assert "Xref complete" in xref.stderr
    del m
