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

from .factories import build_record, country


class BearerAuth(requests.auth.AuthBase):
    def __init__(self, token: str) -> None:
        self.token = token

    def __call__(self, r):
        r.headers["Authorization"] = f"Bearer {self.token}"
        return r


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


def _many_stations(n: int) -> None:
    nl = country("NL")
    m.Station.objects.bulk_create([m.Station(name_en=f"Station {i}", country=nl, marking="clear") for i in range(n)], batch_size=1000)


def test_paging_through_10000_objects_with_next(live_server, partner_token):
    _partner, token = partner_token
    _many_stations(3400)  # each station: infrastructure, its located-at relationship, its country
    coll_id = CollectionModel.objects.get(slug="record").id
    coll = Collection(f"{_url(live_server)}api/collections/{coll_id}/", auth=BearerAuth(token))
    seen: list[str] = []
    pages = 0
    for envelope in as_pages(coll.get_objects, per_request=1000):
        pages += 1
        seen += [o["id"] for o in envelope.get("objects", [])]
    stations = [s for s in seen if s.startswith("infrastructure--")]
    assert len(seen) >= 10000 and pages >= 10
    assert len(set(stations)) == len(stations) == 3400  # every station exactly once across pages
    # added_after: nothing newer than the last object
    last = coll.get_objects(limit=1)
    assert last["objects"]


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
    page = client.get(url, **headers)
    last = page["X-TAXII-Date-Added-Last"]
    assert any(o.get("name") == "First" for o in page.json()["objects"])
    second = m.Station.objects.create(name_en="Second", country=country("NL"), marking="clear")
    newer = client.get(url, {"added_after": last}, **headers).json()["objects"]
    names = {o.get("name") for o in newer if o["type"] == "infrastructure"}
    assert names == {"Second"}
    assert not client.get(url, {"added_after": client.get(url, {"added_after": last}, **headers)["X-TAXII-Date-Added-Last"]},
                          **headers).json()["objects"]
    del first, second
