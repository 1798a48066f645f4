"""The TAXII 2.1 server, driven by the unmodified taxii2-client against a live server on 127.0.0.1."""

from __future__ import annotations

import json
import uuid

import pytest
import requests
from taxii2client.common import TokenAuth
from taxii2client.v21 import ApiRoot, Collection, Server, as_pages

from tnrwatch.registry import models as m
from tnrwatch.sharing import stix
from tnrwatch.sharing.models import Collection as CollectionModel
from tnrwatch.sharing.models import ShareLog
from tnrwatch.sharing.services import partner_create
from tnrwatch.sharing.services.federation import BearerAuth

from .factories import build_record, cite, country

# Live-server tests commit for real; the root conftest restores the migrated rows (countries,
# collections) that the flush after each such test removes.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def partner_token():
    partner, token = partner_create(actor=None, name="Partner T", max_marking="amber", read=["record"], write=["record"])
    return partner, token


def _url(live_server) -> str:
    return live_server.url.replace("localhost", "127.0.0.1") + "/taxii2/"


def test_discovery_collections_and_objects_with_taxii2_client(live_server, partner_token):
    partner, token = partner_token
    build_record()
    server = Server(_url(live_server), user="Partner T", password=token)
    assert server.title == "tnrwatch TAXII 2.1"
    api_root = server.api_roots[0]
    titles = {c.title: c for c in api_root.collections}
    assert set(titles) == {"The record"}  # only the granted collection is listed
    coll = titles["The record"]
    assert coll.can_read and coll.can_write
    envelope = coll.get_objects()
    types = {o["type"] for o in envelope["objects"]}
    assert {"infrastructure", "note", "report", "extension-definition"} <= types
    names = {o.get("name") for o in envelope["objects"]}
    assert "Qingtian service station Berlin" in names  # AMBER granted
    station = next(o for o in envelope["objects"] if o["type"] == "infrastructure")
    one = coll.get_object(station["id"])
    assert one["objects"][0]["id"] == station["id"]
    versions = coll.object_versions(station["id"])
    assert versions["versions"] == [station["modified"]]
    manifest = coll.get_manifest()
    assert {e["id"] for e in manifest["objects"]} == {o["id"] for o in envelope["objects"]}
    assert ShareLog.objects.filter(partner=partner, direction="out", channel="taxii").count() >= len(envelope["objects"])


def test_bearer_and_token_auth_and_refusals(live_server, partner_token):
    _partner, token = partner_token
    root = _url(live_server) + "api/"
    for auth in (BearerAuth(token), TokenAuth(token)):
        assert len(ApiRoot(root, auth=auth).collections) == 1
    r = requests.get(root + "collections/", headers={"Accept": "application/taxii+json;version=2.1"}, timeout=10)
    assert r.status_code == 401
    r = requests.get(root + "collections/", headers={"Authorization": "Bearer wrong"}, timeout=10)
    assert r.status_code == 401
    other = CollectionModel.objects.get(slug="stations")
    r = requests.get(f"{root}collections/{other.id}/objects/", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 404  # not granted: indistinguishable from missing
    r = requests.get(f"{root}collections/not-a-uuid/objects/", headers={"Authorization": f"Bearer {token}"}, timeout=10)
    assert r.status_code == 404
    coll = CollectionModel.objects.get(slug="record")
    for bad in ("limit=abc", "limit=-1", "next=%%%", "added_after=yesterday", "next=" + "A" * 300):
        r = requests.get(f"{root}collections/{coll.id}/objects/?{bad}", headers={"Authorization": f"Bearer {token}"}, timeout=10)
        assert r.status_code == 400, bad


def _cite_all(stations: list) -> None:
    """A public quote for each station, or the publication rule keeps it in."""
    source = m.Source.objects.create(title="Bulk source", marking="clear")
    claims = m.Claim.objects.bulk_create([m.Claim(key=m.claim_key("station", s.pk, "name", s.name_en), subject_type="station",
                                                  subject_id=s.pk, prop="name", value=s.name_en, marking="clear")
                                          for s in stations], batch_size=1000)
    m.Evidence.objects.bulk_create([m.Evidence(claim=c, source=source, quote=c.value, marking="clear") for c in claims],
                                   batch_size=1000)


def test_paging_10000_objects_50_at_a_time_gives_each_once_and_each_is_fetchable(live_server, partner_token):
    _partner, token = partner_token
    # 5,000 stations in ten countries: each an infrastructure and its located-at relationship; the
    # ten countries are shared, so each must still come exactly once, with the first station there.
    # (Until the keys were merged before units were built, every page of 50 built the one source's
    # report with all 5,000 citing claims again: this test took 250 s; see export.merged_units.)
    countries = list(m.Country.objects.filter(iso2__in=["NL", "DE", "FR", "IT", "ES", "GB", "IE", "CZ", "CA", "US"]))
    _cite_all(m.Station.objects.bulk_create([m.Station(name_en=f"Station {i}", country=countries[i % 10], marking="clear")
                                             for i in range(5000)], batch_size=1000))
    coll_id = CollectionModel.objects.get(slug="record").id
    coll = Collection(f"{_url(live_server)}api/collections/{coll_id}/", auth=BearerAuth(token))
    seen: list[dict] = []
    pages = 0
    for envelope in as_pages(coll.get_objects, per_request=50):
        pages += 1
        assert len(envelope.get("objects", [])) <= 50
        seen += envelope.get("objects", [])
    ids = [o["id"] for o in seen]
    assert len(ids) >= 10000 and pages >= 200
    assert len(set(ids)) == len(ids), "an object appeared twice in the collection"
    assert sum(1 for o in seen if o["type"] == "location") == 10
    # The manifest lists the same objects, once each, with their versions.
    manifest_ids: list[str] = []
    for page in as_pages(coll.get_manifest, per_request=1000):
        manifest_ids += [e["id"] for e in page.get("objects", [])]
    assert manifest_ids == ids
    # Every kind of listed object (a sample of each) is fetchable by id and by its version.
    by_type: dict[str, list[dict]] = {}
    for obj in seen:
        by_type.setdefault(obj["type"], []).append(obj)
    for objs in by_type.values():
        for obj in objs[:3] + objs[-2:]:
            version = obj.get("modified") or obj["created"]
            assert coll.get_object(obj["id"])["objects"] == [obj]
            assert coll.get_object(obj["id"], version=version)["objects"] == [obj]
            assert coll.object_versions(obj["id"])["versions"] == [version]
    # match[id] of a shared location gives it once.
    location = by_type["location"][0]["id"]
    assert [o["id"] for o in coll.get_objects(id=location)["objects"]] == [location]


def test_every_status_code_and_filter_answers_as_taxii_says(client):
    partner, token = partner_create(actor=None, name="Strict reader", max_marking="amber", read=["record"])
    build_record()
    coll_id = CollectionModel.objects.get(slug="record").id
    base = f"/taxii2/api/collections/{coll_id}/"
    taxii = "application/taxii+json;version=2.1"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": taxii}

    def is_error(r, status: int) -> None:
        assert r.status_code == status and r["Content-Type"] == taxii, (r.status_code, r.content[:200])
        assert r.json()["http_status"] == str(status) and r.json()["title"]

    # 406: a TAXII 2.0 client, or an Accept the server cannot answer.
    is_error(client.get(base + "objects/", HTTP_AUTHORIZATION=f"Bearer {token}",
                        HTTP_ACCEPT="application/taxii+json;version=2.0"), 406)
    is_error(client.get(base + "objects/", HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="text/html"), 406)
    # 405 with Allow, as a TAXII error.
    r = client.delete(base + "objects/", **auth)
    is_error(r, 405)
    assert "GET" in r["Allow"] and "POST" in r["Allow"]
    is_error(client.post(base + "manifest/", data=b"{}", content_type=taxii, **auth), 405)
    # 403: a collection this partner may read but not write.
    is_error(client.post(base + "objects/", data=b'{"objects": []}', content_type=taxii, **auth), 403)
    # 404: an object it may not see, a status that is not its own.
    is_error(client.get(base + f"objects/infrastructure--{uuid.uuid4()}/", **auth), 404)
    is_error(client.get(f"/taxii2/api/status/{uuid.uuid4()}/", **auth), 404)
    # 401 without a token.
    is_error(client.get(base + "objects/", HTTP_ACCEPT=taxii), 401)
    # match[spec_version]: only 2.1 is served; match[version]: first, last, all, or a timestamp.
    assert client.get(base + "objects/", {"match[spec_version]": "2.0"}, **auth).json()["objects"] == []
    every = client.get(base + "objects/", **auth).json()["objects"]
    for word in ("first", "last", "all"):
        assert client.get(base + "objects/", {"match[version]": word}, **auth).json()["objects"] == every
    station = next(o for o in every if o["type"] == "infrastructure")
    only = client.get(base + "objects/", {"match[version]": station["modified"], "match[type]": "infrastructure"}, **auth).json()
    assert station in only["objects"] and all(o["modified"] == station["modified"] for o in only["objects"])
    is_error(client.get(base + f"objects/{station['id']}/", {"match[version]": "2001-01-01T00:00:00.000Z"}, **auth), 404)
    is_error(client.get(base + "objects/", {"match[version]": "yesterday"}, **auth), 400)
    ids = [o["id"] for o in every]
    assert len(ids) == len(set(ids))
    del partner


def test_a_push_status_is_kept_for_the_partner_that_pushed(client):
    _p, token = partner_create(actor=None, name="Pusher", max_marking="amber", read=["record"], write=["record"])
    coll_id = CollectionModel.objects.get(slug="record").id
    taxii = "application/taxii+json;version=2.1"
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": taxii}
    station = {"type": "infrastructure", "spec_version": "2.1", "id": f"infrastructure--{uuid.uuid4()}",
               "created": "2024-01-02T03:04:05.000Z", "modified": "2024-01-02T03:04:05.000Z", "name": "Pushed station",
               "extensions": {stix.EXTENSION_ID: {"extension_type": "property-extension", "kind": "station", "country": "CZ"}}}
    custom = {"type": "x-misp-object", "spec_version": "2.1", "id": f"x-misp-object--{uuid.uuid4()}",
              "created": "2024-01-02T03:04:05.000Z", "modified": "2024-01-02T03:04:05.000Z"}
    r = client.post(f"/taxii2/api/collections/{coll_id}/objects/", data=json.dumps({"objects": [station, custom]}),
                    content_type=taxii, **auth)
    assert r.status_code == 202 and r["Content-Type"] == taxii
    status = r.json()
    assert status["total_count"] == 2 and status["success_count"] == 1 and status["failure_count"] == 1
    assert status["failures"][0]["id"] == custom["id"] and "not kept" in status["failures"][0]["message"]
    kept = client.get(f"/taxii2/api/status/{status['id']}/", **auth)
    assert kept.status_code == 200 and kept.json() == status
    _o, other = partner_create(actor=None, name="Other", max_marking="clear", read=["record"])
    assert client.get(f"/taxii2/api/status/{status['id']}/", HTTP_AUTHORIZATION=f"Bearer {other}",
                      HTTP_ACCEPT=taxii).status_code == 404


def test_posting_a_bundle_imports_it_as_claims_citing_the_partner(live_server, partner_token):
    partner, token = partner_token
    bureau = m.Organization.objects.create(kind="operating_bureau", name_en="Bureau", marking="clear")
    del bureau
    coll_id = CollectionModel.objects.get(slug="record").id
    coll = Collection(f"{_url(live_server)}api/collections/{coll_id}/", auth=BearerAuth(token))
    station_id = f"infrastructure--{uuid.uuid4()}"
    source_id = f"report--{uuid.uuid4()}"
    ts = "2024-01-02T03:04:05.000Z"
    clear = [stix.TLP_IDS["green"]]
    objects = [
        {"type": "infrastructure", "spec_version": "2.1", "id": station_id, "created": ts, "modified": ts, "name": "Wenzhou station Prague",
         "object_marking_refs": clear, "extensions": {stix.EXTENSION_ID: {"extension_type": "property-extension", "kind": "station", "country": "CZ", "status": "reported"}}},
        {"type": "report", "spec_version": "2.1", "id": source_id, "created": ts, "modified": ts, "name": "A partner report", "published": ts,
         "object_refs": [station_id], "object_marking_refs": clear},
        {"type": "note", "spec_version": "2.1", "id": f"note--{uuid.uuid4()}", "created": ts, "modified": ts, "content": "reported",
         "abstract": "status", "object_refs": [station_id], "object_marking_refs": clear,
         "extensions": {stix.EXTENSION_ID: {"extension_type": "property-extension", "kind": "claim", "subject_ref": station_id,
                                            "prop": "status", "value": "reported", "status": "alleged",
                                            "evidence": [{"source_ref": source_id, "quote": "a station operates in Prague", "stance": "supports"}]}}},
    ]
    status = coll.add_objects(json.dumps({"objects": objects}))
    assert status.status == "complete" and status.success_count == 3 and status.failure_count == 0
    station = m.Station.objects.get(name_en="Wenzhou station Prague")
    assert station.marking == "green"
    evidence = m.Evidence.objects.get(claim__subject_type="station", claim__subject_id=station.pk)
    assert evidence.source.kind == "partner" and evidence.source.title == "Partner feed: Partner T"
    assert evidence.quote == "a station operates in Prague"
    partner.refresh_from_db()
    assert partner.last_push_at is not None
    # A bad push: per-object failures, nothing written.
    before = m.Station.objects.count()
    bad = [dict(objects[0], id=f"infrastructure--{uuid.uuid4()}", name="Other",
                extensions={stix.EXTENSION_ID: {"extension_type": "property-extension", "kind": "station", "country": "ZZ"}})]
    status = coll.add_objects(json.dumps({"objects": bad}))
    assert status.failure_count == 1 and "unknown country" in status.failures[0]["message"]
    assert m.Station.objects.count() == before
    # Malformed JSON: 400 with a TAXII error body.
    r = requests.post(coll.objects_url, data=b"{not json", headers={"Authorization": f"Bearer {token}",
                      "Content-Type": "application/taxii+json;version=2.1", "Accept": "application/taxii+json;version=2.1"}, timeout=10)
    assert r.status_code == 400 and "Malformed JSON" in r.json()["description"]


def test_write_needs_a_write_grant_and_oversized_posts_are_refused_early(client):
    partner, token = partner_create(actor=None, name="Reader", max_marking="clear", read=["record"])
    coll_id = CollectionModel.objects.get(slug="record").id
    url = f"/taxii2/api/collections/{coll_id}/objects/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/taxii+json;version=2.1"}
    r = client.post(url, data=b'{"objects": []}', content_type="application/taxii+json;version=2.1", **headers)
    # A collection the partner may read but not write: 403, as a TAXII error message.
    assert r.status_code == 403 and r["Content-Type"] == "application/taxii+json;version=2.1"
    assert r.json()["http_status"] == "403"
    _p, writer = partner_create(actor=None, name="Writer", max_marking="clear", read=["record"], write=["record"])
    headers["HTTP_AUTHORIZATION"] = f"Bearer {writer}"
    r = client.post(url, data=b'{"objects": []}', content_type="application/taxii+json;version=2.1",
                    CONTENT_LENGTH=str(500 * 1024 * 1024), **headers)
    assert r.status_code == 413


def test_bad_pushes_and_bad_ids_are_4xx_never_500(client):
    _p, token = partner_create(actor=None, name="W", max_marking="clear", read=["record"], write=["record"])
    coll_id = CollectionModel.objects.get(slug="record").id
    url = f"/taxii2/api/collections/{coll_id}/objects/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/taxii+json;version=2.1"}
    ct = "application/taxii+json;version=2.1"
    for body in (b"[1, 2]", b"\xff\xfe", b'"x"', b"{}", b'{"objects": "no"}', b'{"objects": [1, {"type": 5}]}', b"\x00" * 10):
        r = client.post(url, data=body, content_type=ct, **headers)
        assert r.status_code in (202, 400), (body, r.status_code)
        if r.status_code == 202:
            assert r.json()["failure_count"] >= 1 or r.json()["total_count"] == 0
    assert client.post(url, data=b"{}", content_type="text/plain", **headers).status_code == 415
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT="text/html").status_code == 406
    assert client.get(url + "x" * 500 + "/", **headers).status_code == 404
    assert client.get(f"/taxii2/api/collections/{coll_id}/objects/?match[id]=" + "a" * 5000, **headers).status_code == 200


def test_partner_pages_with_huge_ids_are_404(staff_client):
    client = staff_client("admin")
    assert client.get("/partners/99999999999999999999999/").status_code == 404
    assert client.get("/partners/999999999999999999/").status_code == 404


def test_added_after_returns_only_what_changed_since(client):
    _p, token = partner_create(actor=None, name="Poller", max_marking="clear", read=["record"])
    coll_id = CollectionModel.objects.get(slug="record").id
    url = f"/taxii2/api/collections/{coll_id}/objects/"
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_ACCEPT": "application/taxii+json;version=2.1"}
    first = m.Station.objects.create(name_en="First", country=country("NL"), marking="clear")
    cite(first)
    page = client.get(url, **headers)
    last = page["X-TAXII-Date-Added-Last"]
    assert any(o.get("name") == "First" for o in page.json()["objects"])
    second = m.Station.objects.create(name_en="Second", country=country("NL"), marking="clear")
    cite(second)
    newer = client.get(url, {"added_after": last}, **headers).json()["objects"]
    names = {o.get("name") for o in newer if o["type"] == "infrastructure"}
    assert names == {"Second"}
    assert not client.get(url, {"added_after": client.get(url, {"added_after": last}, **headers)["X-TAXII-Date-Added-Last"]},
                          **headers).json()["objects"]
    del first, second
