"""Hostile input against the surfaces added with people, addresses and ties: the person and address
pages, the people and ties API, the network view and its exports, the workspace network pages,
cross-referencing (upload page and command), the filtered exports, the map "as of" day and search.

Every request: never a 500, a clear 4xx where the input is bad, hidden records answer exactly like
missing ones, and no canary planted in hidden records (an AMBER person, an AMBER address, an
unpublished tie, a family tie) appears in any response.

Fixture strategy: one public association hosting one public station, a person named by a court
record with a published directorship of the association, and the canaries around them, all built
through the registry's services.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from tnrwatch.registry import services
from tnrwatch.registry.models import Claim, Country

L = {"actor_label": "t"}
CANARIES = ("CANARY-HOSTILE-AMBER-PERSON", "CANARY-HOSTILE-UNPUBLISHED-TIE", "CANARY-HOSTILE-FAMILY",
            "CANARY-HOSTILE-AMBER-ADDRESS")
MISSING = 999_999
HUGE = "x" * 20_000
BIG_INT = "9" * 40


def _publish_tie(tie) -> None:
    services.claim_publish(actor=None, actor_label="t", claim=Claim.objects.get(subject_type="tie", subject_id=tie.pk))


@pytest.fixture
def world(db):
    us = Country.objects.get(iso2="US")
    court = services.source_create(**L, kind="court", title="Indictment", publisher="US District Court")
    paper = services.source_create(**L, title="Feature", publisher="One Paper")
    assoc = services.organization_create(**L, kind="host_organization", name_en="Hostile Test Association", country=us)
    services.claim_publish(actor=None, actor_label="t", claim=services.claim_assert(
        **L, subject=assoc, prop="kind", value="host_organization", source=paper, quote="the association"))
    station = services.station_create(**L, name_en="Hostile Test Station", country=us, host_organization=assoc,
                                      marking="clear")
    services.claim_assert(**L, subject=station, prop="status", value="reported", source=paper,
                          quote="a station at the association", marking="clear")
    named = services.person_create(**L, name_en="Publicly Named", public_basis="court_record")
    services.claim_publish(actor=None, actor_label="t", claim=services.claim_assert(
        **L, subject=named, prop="position", value="president", source=court, quote="the president"))
    _publish_tie(services.tie_create(**L, kind="directorship", from_end=named, to_end=assoc, source=court,
                                     quote="he led the association", role="president"))
    hidden = services.person_create(**L, name_en=CANARIES[0], public_basis="organization_leader")
    services.claim_assert(**L, subject=hidden, prop="position", value=CANARIES[0], source=paper, quote=CANARIES[0])
    unpublished = services.tie_create(**L, kind="employment", from_end=named, to_end=assoc, source=court,
                                      quote=CANARIES[1], role=CANARIES[1])
    family = services.tie_create(**L, kind="family", from_end=named, to_end=hidden, source=court,
                                 quote=CANARIES[2], role=CANARIES[2])
    family_claim = Claim.objects.get(subject_type="tie", subject_id=family.pk)
    # Marked CLEAR by hand: the family tie still needs its stated reason, the marking alone shows nothing.
    for obj in (family, family_claim, *family_claim.evidence.all()):
        services.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    address = services.address_create(**L, full=CANARIES[3], country=us, city="New York")
    services.claim_assert(**L, subject=address, prop="full", value=CANARIES[3], source=paper, quote=CANARIES[3])
    return {"station": station.pk, "assoc": assoc.pk, "named": named.pk, "hidden": hidden.pk,
            "address": address.pk, "unpublished": unpublished.pk, "family": family.pk}


def _body(response) -> bytes:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content)
    return response.content


def _check(response, expected: set[int]) -> bytes:
    body = _body(response)
    assert response.status_code < 500, body[:2000]
    assert response.status_code in expected, (response.status_code, body[:1000])
    text = body.decode("utf-8", "replace")
    for canary in CANARIES:
        assert canary not in text, canary
    return body


def _strip(body: bytes, pk: int) -> str:
    text = re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode("utf-8", "replace"))
    return re.sub(rf"/{pk}(?=[/?\"])", "/ID", text)


# (path with {station}/{named}/... placeholders, expected statuses)
BAD = {400}
PUBLIC_REQUESTS = [
    # the network view and its exports
    ("/stations/{station}/network/", {200}),
    ("/stations/{station}/network/?hops=2&type=directorship&from=2000-01-01&to=2030-01-01&nodes=50", {200}),
    ("/people/{named}/network/?hops=2", {200}),
    ("/stations/{station}/network/?hops=3", BAD),
    ("/stations/{station}/network/?hops=-1", BAD),
    ("/stations/{station}/network/?hops=" + BIG_INT, BAD),
    ("/stations/{station}/network/?hops=1&hops=2", BAD),
    ("/stations/{station}/network/?hops=%00", BAD),
    ("/stations/{station}/network/?hops=" + HUGE, BAD),
    ("/stations/{station}/network/?nodes=0", BAD),
    ("/stations/{station}/network/?nodes=-5", BAD),
    ("/stations/{station}/network/?nodes=" + BIG_INT, BAD),
    ("/stations/{station}/network/?nodes=%C2%B2", BAD),  # SUPERSCRIPT TWO: str.isdigit() but not int()
    ("/stations/{station}/network/?nodes=%D9%A3", BAD),  # ARABIC-INDIC THREE
    ("/stations/{station}/network/?nodes=1.5", BAD),
    ("/stations/{station}/network/?type=friendship", BAD),
    ("/stations/{station}/network/?" + "&".join(["type=directorship"] * 200), BAD),
    ("/stations/{station}/network/?type=%00", BAD),
    ("/stations/{station}/network/?from=2020-13-01", BAD),
    ("/stations/{station}/network/?from=2020-02-30", BAD),
    ("/stations/{station}/network/?from=yesterday", BAD),
    ("/stations/{station}/network/?from=%FF%FE", BAD),
    ("/stations/{station}/network/?from=2020-01-01&to=2010-01-01", BAD),
    ("/stations/{station}/network/?to=99999-01-01", BAD),
    ("/stations/{station}/network/?unknown=1", BAD),
    ("/stations/{station}/network/?" + HUGE + "=1", BAD),
    ("/stations/{station}/network/graphml/?hops=9", BAD),
    ("/stations/{station}/network/stix/?from=bad", BAD),
    ("/stations/{station}/network/ftm/?nodes=" + BIG_INT, BAD),
    ("/stations/{station}/network/graphml/", {200}),
    ("/stations/{station}/network/stix/?hops=2", {200}),
    ("/people/{named}/network/ftm/?hops=2", {200}),
    ("/stations/{station}/network/xml/", {404}),
    ("/stations/" + BIG_INT + "/network/", {404}),
    ("/stations/-1/network/", {404}),
    # person and address pages
    ("/people/{named}/", {200}),
    ("/people/{named}/?unknown=%00", {200, 400}),
    ("/people/" + BIG_INT + "/", {404}),
    ("/people/abc/", {404}),
    ("/addresses/" + BIG_INT + "/", {404}),
    ("/addresses/%2e%2e%2f/", {404}),
    # the people and ties API
    ("/api/v1/people", {200}),
    ("/api/v1/people?limit=-1", BAD),
    ("/api/v1/people?limit=" + BIG_INT, BAD),
    ("/api/v1/people?offset=-1", BAD),
    ("/api/v1/people?offset=" + BIG_INT, BAD),
    ("/api/v1/people?limit=ten", BAD),
    ("/api/v1/people?country=%00%00", BAD),
    ("/api/v1/people?country=ZZZZ", BAD),
    ("/api/v1/people?q=" + HUGE, BAD),
    ("/api/v1/people?q=%00", BAD),
    ("/api/v1/people?q=a&q=b", BAD),
    ("/api/v1/people?q=%FF%FE", {200, 400}),
    ("/api/v1/people?unknown=1", BAD),
    ("/api/v1/people/" + BIG_INT, {400, 404}),
    ("/api/v1/people/-1", {400, 404}),
    ("/api/v1/people/abc", {400, 404}),
    ("/api/v1/people/{named}?unknown=1", BAD),
    ("/api/v1/ties", {200}),
    ("/api/v1/ties?kind=friendship", BAD),
    ("/api/v1/ties?kind=%00", BAD),
    ("/api/v1/ties?end_type=planet&end_id=1", BAD),
    ("/api/v1/ties?end_type=person&end_id=-1", BAD),
    ("/api/v1/ties?end_type=person&end_id=" + BIG_INT, BAD),
    ("/api/v1/ties?end_type=person&end_id=abc", BAD),
    ("/api/v1/ties?end_type=person&end_id={hidden}", {200}),
    ("/api/v1/ties?end_type=person&end_id={named}", {200}),
    ("/api/v1/ties?kind=family", {200}),
    ("/api/v1/ties?unknown=1", BAD),
    # filtered exports
    ("/api/v1/export/stations.csv?country=US", {200}),
    ("/api/v1/export/stations.csv?country=%00", BAD),
    ("/api/v1/export/stations.csv?country=US&country=NL", BAD),
    ("/api/v1/stations?limit=5&limit=500", BAD),
    ("/api/v1/export/stations.csv?limit=10", BAD),
    ("/api/v1/export/stations.csv?unknown=1", BAD),
    ("/api/v1/export/stations.csv?" + HUGE + "=1", BAD),
    ("/api/v1/export/claims.csv?subject_type=person", {200, 400}),
    ("/api/v1/export/people.csv", {200, 400, 404}),
    ("/api/v1/export/..%2f..%2fetc.csv", {400, 404}),
    ("/api/v1/export/stations.geojson?country=US", {200}),
    ("/api/v1/export/stations.geojson?country=%FF%FE", BAD),
    ("/api/v1/export/incidents.geojson?date_from=2020-02-30", BAD),
    ("/api/v1/export/responses.geojson?unknown=1", BAD),
    ("/api/v1/export/sources.geojson", {400, 404}),
    ("/api/v1/export/record.geojson?unknown=1", BAD),
    # the map "as of" a day
    ("/?as_of=2023-01-31", {200}),
    ("/?as_of=2023-02-30", BAD),
    ("/?as_of=9999-99-99", BAD),
    ("/?as_of=0000-01-01", BAD),
    ("/?as_of=%00", BAD),
    ("/?as_of=%FF%FE", BAD),
    ("/?as_of=" + HUGE, BAD),
    ("/?as_of=2023-01-31&as_of=2024-01-31", {200, 400}),
    ("/?as_of=2023-01-31&region=mars", {200, 400}),
    # search
    ("/search/?q=%00", {200, 400}),
    ("/search/?q=" + HUGE, {200, 400}),
    ("/search/?q=%FF%FE", {200, 400}),
    ("/search/?q=a&q=b", {200, 400}),
    ("/search/?q=CANARY-HOSTILE", {200}),  # the query echoed, never a canary in full
    ("/search/?q=Publicly&page=" + BIG_INT, {200, 400}),
    ("/search/?q=Publicly&page=-1", {200, 400}),
    ("/search/export.csv?q=CANARY", {200, 400}),
    ("/search/export.json?q=CANARY-HOSTILE", {200, 400}),
    ("/search/feed.atom?q=" + HUGE, {200, 400}),
]


@pytest.mark.parametrize(("path", "expected"), PUBLIC_REQUESTS, ids=[(p.values[0] if hasattr(p, "values") else p[0])[:70] for p in PUBLIC_REQUESTS])
def test_public_surface_survives_hostile_input(world, client, path, expected):
    _check(client.get(path.format(**world)), expected)


HIDDEN_PAIRS = [
    ("/people/{pk}/", "hidden"),
    ("/addresses/{pk}/", "address"),
    ("/people/{pk}/network/", "hidden"),
    ("/addresses/{pk}/network/", "address"),
    ("/people/{pk}/network/graphml/", "hidden"),
    ("/people/{pk}/network/stix/", "hidden"),
    ("/addresses/{pk}/network/ftm/", "address"),
    ("/api/v1/people/{pk}", "hidden"),
    ("/api/v1/people/{pk}?unknown=1", "hidden"),
    ("/people/{pk}/network/?hops=2", "hidden"),
]


@pytest.mark.parametrize(("template", "which"), HIDDEN_PAIRS)
def test_hidden_records_answer_like_missing_ones(world, client, template, which):
    hidden_pk = world[which]
    hidden = client.get(template.format(pk=hidden_pk))
    missing = client.get(template.format(pk=MISSING))
    _check(hidden, {400, 404})
    _check(missing, {400, 404})
    assert hidden.status_code == missing.status_code
    assert _strip(_body(hidden), hidden_pk) == _strip(_body(missing), MISSING)


def test_hidden_tie_never_listed_in_the_api(world, client):
    ids = {t["id"] for t in client.get("/api/v1/ties?limit=200").json()["results"]}
    assert world["unpublished"] not in ids and world["family"] not in ids


STAFF_REQUESTS = [
    ("/workspace/people/{named}/network/", {200}),
    ("/workspace/people/{named}/network/?hops=7", BAD),
    ("/workspace/people/{named}/network/?nodes=%C2%B2", BAD),
    ("/workspace/people/{named}/network/?from=%FF&to=%00", BAD),
    ("/workspace/people/{named}/network/?unknown=1", BAD),
    ("/workspace/people/{named}/network/graphml/?type=nope", BAD),
    ("/workspace/people/{named}/network/graphml/", {200}),
    ("/workspace/people/999999/network/", {404}),
    ("/workspace/addresses/999999/network/graphml/", {404}),
    ("/workspace/stations/{station}/network/?hops=1&hops=1", BAD),
    ("/workspace/sources/1/network/", {200, 404}),
    ("/workspace/ties/{family}/network/", {404}),
    ("/workspace/xref/?page=" + BIG_INT, {200}),
    ("/workspace/xref/999999/", {404}),
    ("/workspace/xref/" + BIG_INT + "/", {404}),
]


@pytest.mark.parametrize(("path", "expected"), STAFF_REQUESTS, ids=[p[:70] for p, _ in STAFF_REQUESTS])
def test_workspace_network_and_xref_pages_survive_hostile_input(world, staff_client, path, expected):
    client = staff_client("analyst")
    body = _body(client.get(path.format(**world)))  # the staff see AMBER: no canary check, only status
    response = client.get(path.format(**world))
    assert response.status_code in expected, (response.status_code, body[:1000])


GOOD_LINE = b'{"id": "p1", "schema": "Person", "properties": {"name": ["Publicly Named"]}}\n'
UPLOADS = [
    ("empty", "partner.json", b"", {"threshold": "0.7"}, BAD),
    ("malformed", "partner.json", b"{broken\n\x00\xff\xfe\n[1,2]\n\"x\"\n", {"threshold": "0.7"}, {302}),
    ("not utf-8", "partner.json", b"\xff\xfe\xfd" * 1000 + b"\n", {"threshold": "0.7"}, {302}),
    ("nul dataset", "partner.json", GOOD_LINE, {"threshold": "0.7", "dataset": "a\x00b"}, {302, 400}),
    ("huge dataset", "partner.json", GOOD_LINE, {"threshold": "0.7", "dataset": HUGE}, BAD),
    ("nan threshold", "partner.json", GOOD_LINE, {"threshold": "nan"}, BAD),
    ("inf threshold", "partner.json", GOOD_LINE, {"threshold": "inf"}, BAD),
    ("overflow threshold", "partner.json", GOOD_LINE, {"threshold": "1e999"}, BAD),
    ("negative threshold", "partner.json", GOOD_LINE, {"threshold": "-1"}, BAD),
    ("wrong-type threshold", "partner.json", GOOD_LINE, {"threshold": "high"}, BAD),
    ("traversal name", "../../../../etc/passwd", GOOD_LINE, {"threshold": "0.7", "keep": "on"}, {302}),
    ("absolute name", "/var/evil.json", GOOD_LINE, {"threshold": "0.7", "keep": "on"}, {302}),
    ("nul name", "evil\x00.json", GOOD_LINE, {"threshold": "0.7"}, {302, 400}),
    ("control name", "e\r\nvil\x1b[31m.json", GOOD_LINE, {"threshold": "0.7"}, {302, 400}),
    ("huge name", "n" * 5000 + ".json", GOOD_LINE, {"threshold": "0.7"}, {302, 400}),
]


@pytest.mark.parametrize(("name", "filename", "content", "fields", "expected"), UPLOADS, ids=[u[0] for u in UPLOADS])
def test_xref_upload_survives_hostile_files(world, staff_client, settings, name, filename, content, fields, expected):
    from tnrwatch.xref.models import XrefRun

    client = staff_client("analyst")
    xref_dir = Path(settings.DATA_DIR) / "xref"
    before = set((xref_dir / "tmp").iterdir()) if (xref_dir / "tmp").exists() else set()
    response = client.post("/workspace/xref/", {"file": SimpleUploadedFile(filename, content), **fields})
    assert response.status_code in expected, (response.status_code, response.content[:1500])
    assert set((xref_dir / "tmp").iterdir()) <= before  # nothing of the upload left behind
    for run in XrefRun.objects.all():
        assert "/" not in run.filename and "\x00" not in run.filename and ".." not in run.filename.split("/")
        if run.kept_path:
            assert Path(run.kept_path).resolve().parent == (xref_dir / "kept").resolve()
    if response.status_code == 302:
        page = client.get(response["Location"])
        assert page.status_code == 200


@pytest.mark.parametrize("content", [b"", b"{broken\n\x00\xff\n", b"\xff\xfe" * 100], ids=["empty", "malformed", "binary"])
def test_xref_command_on_empty_and_malformed_files(world, tmp_path, content, capsys):
    path = tmp_path / "partner.json"
    path.write_bytes(content)
    call_command("xref", str(path))
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err


def test_xref_command_on_a_missing_file_is_a_clear_error(world, tmp_path):
    with pytest.raises(CommandError):
        call_command("xref", str(tmp_path / "../nowhere/partner.json"))

