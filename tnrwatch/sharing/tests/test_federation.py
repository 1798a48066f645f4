"""Two instances over loopback: this test's instance pulls a second tnrwatch server (its own data
folder and SQLite database, a separate process on 127.0.0.1) and converges on its record."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tnrwatch.audit.models import AuditEntry
from tnrwatch.registry import models as m
from tnrwatch.registry import services as rs
from tnrwatch.sharing.models import StixObjectRef, Subscription
from tnrwatch.sharing.services import partner_create, subscription_create
from tnrwatch.sharing.services.federation import subscription_pull, sync_partners

ROOT = Path(__file__).resolve().parents[3]
SETUP = """
from tnrwatch.sharing.tests.factories import build_record
from tnrwatch.sharing.services import partner_create
from tnrwatch.sharing.models import Collection
import json
build_record()
partner, token = partner_create(actor=None, name="Instance A", max_marking="amber", read=["record"])
print(json.dumps({"token": token, "collection": str(Collection.objects.get(slug="record").id)}))
"""


NEW_STATION = """
from tnrwatch.registry import services as rs
from tnrwatch.registry.models import Country
st = rs.station_create(actor_label="peer", name_en="Lishui station Milan", country=Country.objects.get(iso2="IT"), marking="green")
src = rs.source_create(actor_label="peer", title="Milan report", marking="green")
rs.claim_assert(actor_label="peer", subject=st, prop="location", value="Milan, IT", source=src, quote="a station in Milan", marking="green")
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def peer(tmp_path_factory):
    data_dir = tmp_path_factory.mktemp("peer")
    env = {k: val for k, val in os.environ.items() if k not in ("DATABASE_URL", "TNR_REQUIRE_POSTGRES")}
    env.update(TNR_DATA_DIR=str(data_dir), TNR_ENV="test", DJANGO_SETTINGS_MODULE="tnrwatch.config.settings")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT, timeout=600)  # noqa: S603 - fixed argv
    out = subprocess.run([*manage, "shell", "-c", SETUP], env=env, check=True, cwd=ROOT, capture_output=True, text=True, timeout=600)  # noqa: S603 - fixed argv
    info = json.loads(out.stdout.strip().splitlines()[-1])
    port = _free_port()
    server = subprocess.Popen([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], env=env, cwd=ROOT,  # noqa: S603 - fixed argv
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                if requests.get(base + "/taxii2/", timeout=2).status_code == 200:
                    break
            except requests.ConnectionError:
                time.sleep(0.2)
        else:
            pytest.fail("the peer instance did not start")
        yield {"api_root": base + "/taxii2/api/", "env": env, "manage": manage, **info}
    finally:
        server.terminate()
        server.wait(timeout=30)


@pytest.mark.django_db
def test_two_instances_converge_and_a_second_pull_changes_nothing(peer):
    # Given this instance already knows the Rotterdam station under its own id,
    nl = m.Country.objects.get(iso2="NL")
    mine = rs.station_create(actor_label="t", name_en="Fuzhou police service station Rotterdam", country=nl, marking="clear")
    partner, _token = partner_create(actor=None, name="Instance B", max_marking="amber", read=["record"])
    sub = subscription_create(actor=None, partner=partner, api_root_url=peer["api_root"],
                              collection_id=peer["collection"], remote_token=peer["token"])
    # When it pulls the peer's collection,
    result = subscription_pull(subscription=sub)
    assert "error" not in result, result
    # Then the peer's stations arrive (AMBER too, as granted), the known one linked, not duplicated,
    assert m.Station.objects.filter(name_en="Fuzhou police service station Rotterdam").count() == 1
    assert StixObjectRef.objects.filter(subject_type="station", subject_id=mine.pk, partner=partner).exists()
    berlin = m.Station.objects.get(name_en="Qingtian service station Berlin")
    assert berlin.marking == "amber"
    # and claims arrive citing the partner's feed, with the partner's quote and marking.
    evidence = m.Evidence.objects.filter(claim__subject_type="station", claim__subject_id=mine.pk)
    assert evidence.exists()
    ev = evidence.get()
    assert ev.source.kind == "partner" and ev.source.title == "Partner feed: Instance B"
    # (held for review: the CLEAR quote of a partner not trusted for publication is kept GREEN)
    assert ev.quote.startswith("the Dutch and Irish governments") and ev.marking == "green"
    assert "International concern grows" in ev.location  # the original source is named
    assert m.GovernmentResponse.objects.filter(country=nl, action="closure_ordered").count() == 1
    assert m.Organization.objects.filter(name_en="Fuzhou Public Security Bureau").count() == 1
    counts = [model.objects.count() for model in (m.Station, m.Organization, m.Claim, m.Evidence, m.Source,
                                                  m.GovernmentResponse, m.Incident, StixObjectRef)]
    sub.refresh_from_db()
    assert sub.last_pull_at is not None and sub.last_added
    # A second pull (the scheduled job) is incremental: nothing new, nothing changes.
    again = sync_partners()
    assert again[0]["objects"] == 0 and again[0]["created"] == {}
    # A full second pull of the same data changes nothing either.
    Subscription.objects.filter(pk=sub.pk).update(last_added="")
    full = sync_partners()
    assert full[0]["objects"] > 0 and full[0]["created"] == {} and full[0]["linked"] == {}
    assert counts == [model.objects.count() for model in (m.Station, m.Organization, m.Claim, m.Evidence, m.Source,
                                                          m.GovernmentResponse, m.Incident, StixObjectRef)]
    assert AuditEntry.objects.filter(action="partner.pull").count() == 3
    # When the peer records a new station, the next pull brings just that.
    subprocess.run([*peer["manage"], "shell", "-c", NEW_STATION], env=peer["env"], check=True, cwd=ROOT,  # noqa: S603 - fixed argv
                   capture_output=True, timeout=600)
    latest = sync_partners()
    assert latest[0]["created"].get("station") == 1 and latest[0]["created"].get("claim") == 1, latest
    assert latest[0]["objects"] < 10
    assert m.Station.objects.filter(name_en="Lishui station Milan", country__iso2="IT").exists()


@pytest.mark.django_db
def test_an_unreachable_peer_is_recorded_not_raised():
    partner, _token = partner_create(actor=None, name="Gone", max_marking="clear", read=["record"])
    sub = subscription_create(actor=None, partner=partner, api_root_url=f"http://127.0.0.1:{_free_port()}/taxii2/api/",
                              collection_id="x", remote_token="t")
    result = subscription_pull(subscription=sub)
    assert result["error"].startswith("fetch failed")


@pytest.mark.django_db
def test_the_pull_is_a_periodic_task_on_the_ingestion_queue():
    from tnrwatch.ingestion.tasks import huey
    from tnrwatch.sharing.tasks import sync_partners_task

    periodic = [str(getattr(t, "__name__", t)) for t in huey._registry._periodic_tasks]
    assert "sharing.sync_partners" in periodic
    sync_partners_task.call_local()  # with no subscriptions: runs and pulls nothing


CHANGE_ON_A = """
from tnrwatch.registry import services as rs
from tnrwatch.registry.models import Claim, Organization, Source, Station
station = Station.objects.get(name_en="Fuzhou police service station Rotterdam")
closed = rs.claim_assert(actor_label="peer", subject=station, prop="status", value="closed", source=Source.objects.first(),
                         quote="the Rotterdam station closed in 2023", marking="clear")
# A status leaves only with a claim behind it (the publication rule).
rs.station_set_status(actor=None, actor_label="peer", station=station, status="closed", reason="Closed in 2023", claim=closed)
host = Organization.objects.get(name_en="Rotterdam Fujian Association")
rs.marking_set(actor=None, actor_label="peer", obj=host, marking="amber")
claim = Claim.objects.get(prop="status", value="closure_ordered")
rs.claim_set_status(actor=None, actor_label="peer", claim=claim, status="retracted", reason="The source withdrew it")
"""


def _state() -> tuple:
    station = m.Station.objects.get(name_en="Fuzhou police service station Rotterdam")
    host = m.Organization.objects.get(name_en="Rotterdam Fujian Association")
    claim = m.Claim.objects.get(prop="status", value="closure_ordered", subject_type="station", subject_id=station.pk)
    return station.status, host.marking, claim.status


@pytest.mark.django_db
def test_changes_on_the_peer_propagate_in_one_pull_and_older_versions_change_nothing(peer):
    # Given this instance pulled the peer once (nothing of its own about these records),
    partner, _token = partner_create(actor=None, name="Instance B2", max_marking="amber", read=["record"])
    sub = subscription_create(actor=None, partner=partner, api_root_url=peer["api_root"],
                              collection_id=peer["collection"], remote_token=peer["token"])
    assert "error" not in subscription_pull(subscription=sub)
    # (the peer's CLEAR host association is held back as GREEN for review: the partner is not trusted)
    assert _state() == ("reported", "green", "alleged")
    first_version = _peer_object(peer, "infrastructure", "Fuzhou police service station Rotterdam")
    # When the peer closes the station, re-marks the association AMBER and retracts the claim,
    subprocess.run([*peer["manage"], "shell", "-c", CHANGE_ON_A], env=peer["env"], check=True, cwd=ROOT,  # noqa: S603 - fixed argv
                   capture_output=True, timeout=600)
    sub.refresh_from_db()
    result = subscription_pull(subscription=sub)
    # Then one pull brings this instance to the peer's state,
    assert "error" not in result, result
    assert _state() == ("closed", "amber", "retracted"), result
    assert result["updated"] == {"station": 1, "organization": 1, "claim": 1}, result
    station = m.Station.objects.get(name_en="Fuzhou police service station Rotterdam")
    # with the previous status kept in the station's history and every change audited.
    assert list(station.status_history.order_by("pk").values_list("status", flat=True)) == ["reported", "closed"]
    for action in ("station.status", "station.version", "marking.set", "claim.status", "claim.version"):
        assert AuditEntry.objects.filter(action=action).exists(), action
    # A second pull changes nothing,
    sub.refresh_from_db()
    again = subscription_pull(subscription=sub)
    assert again.get("updated", {}) == {} and again.get("created", {}) == {}, again
    Subscription.objects.filter(pk=sub.pk).update(last_added="")
    sub.refresh_from_db()
    full = subscription_pull(subscription=sub)
    assert full["updated"] == {} and full["created"] == {} and full["unchanged"] > 0, full
    # and an older version of the station (as first pulled) changes nothing either.
    from tnrwatch.sharing.services import stix_import

    stale = stix_import(data=[first_version], partner=partner, channel="federation", actor_label="test")
    assert stale.stale == 1 and not stale.updated
    assert _state() == ("closed", "amber", "retracted")


def _peer_object(peer, stix_type: str, name: str) -> dict:
    from taxii2client.v21 import Collection, as_pages

    from tnrwatch.sharing.services.federation import BearerAuth

    coll = Collection(peer["api_root"].rstrip("/") + f"/collections/{peer['collection']}/", auth=BearerAuth(peer["token"]))
    for envelope in as_pages(coll.get_objects, per_request=500):
        for obj in envelope.get("objects", []):
            if obj["type"] == stix_type and obj.get("name") == name:
                return obj
    raise AssertionError(f"{name} not on the peer")
