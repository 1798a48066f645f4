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
    assert events and all(len(e["Event"]["Tag"]) == 1 for e in events)
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("export", "stix", "--option", "partner=Nobody")
    with pytest.raises(CommandError):
        call_command("export", "stix", "--option", "colour=red")
    with pytest.raises(CommandError):
        call_command("export", "csv", "--partner", "P")
