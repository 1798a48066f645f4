"""Publishing a claim: a preview of exactly what becomes public, then one transaction; unpublish
puts the previous markings back; a claim without a quotable quote is refused with nothing changed;
concurrent publish/unpublish end consistent; roles (reviewers publish, analysts propose); new
evidence takes the instance's default marking, not the claim's.

Fixture strategy: one AMBER station with one AMBER claim quoting one AMBER source, as an accepted
candidate leaves them (TNR_DEFAULT_MARKING=amber), plus a second claim sharing the source.
"""

from __future__ import annotations

import os
import threading

import pytest
from django.db import connection
from django.urls import reverse

from tnrwatch.audit.models import AuditEntry
from tnrwatch.core.errors import ConflictError, ValidationError
from tnrwatch.registry import services
from tnrwatch.registry.models import Claim, Evidence, Source, Station
from tnrwatch.sharing.outbound import PUBLIC, outbound_queryset


def _record():
    nl = services.country_get("NL")
    source = services.source_create(actor_label="t", title="Dutch ministry orders closure", publisher="NOS",
                                    url="https://example.org/nos", marking="amber")
    station = services.station_create(actor_label="t", name_en="Rotterdam station", country=nl, marking="amber")
    claim = services.claim_assert(actor_label="t", subject=station, prop="status", value="closure_ordered",
                                  source=source, quote="the ministry ordered the station closed", marking="amber")
    return {"nl": nl, "source": source, "station": station, "claim": claim}


def _public(model, pk) -> bool:
    return outbound_queryset(model, PUBLIC).filter(pk=pk).exists()


def _markings(r) -> dict:
    return {name: type(obj).objects.get(pk=obj.pk).marking for name, obj in r.items() if hasattr(obj, "marking")}


@pytest.mark.django_db
def test_new_evidence_takes_the_default_marking_not_the_claims(settings):
    settings.TNR_DEFAULT_MARKING = "amber"
    r = _record()
    services.marking_set(actor=None, actor_label="t", obj=r["claim"], marking="clear")
    # Given a CLEAR claim, when a quote is added without choosing a marking,
    services.claim_assert(actor_label="t", subject=r["station"], prop="status", value="closure_ordered",
                          source=r["source"], quote="a second quote")
    # then the quote is AMBER (the default): nothing becomes public before anyone decided.
    assert Evidence.objects.get(quote="a second quote").marking == "amber"


@pytest.mark.django_db
def test_preview_lists_exactly_what_becomes_public_then_publish_and_unpublish():
    r = _record()
    preview = services.claim_publication_preview(claim=r["claim"])
    assert preview.allowed
    assert [e.quote for e in preview.evidence] == ["the ministry ordered the station closed"]
    assert preview.sources == [r["source"]] and preview.subject == r["station"]
    assert {type(o).__name__ for o, _old in preview.changes} == {"Claim", "Evidence", "Source", "Station"}
    assert any("Country page" in p for p in preview.pages)
    # Nothing changed by looking.
    assert set(_markings(r).values()) == {"amber"} and not _public(Claim, r["claim"].pk)

    services.claim_publish(actor=None, actor_label="t", claim=r["claim"])
    assert set(_markings(r).values()) == {"clear"}
    assert _public(Claim, r["claim"].pk) and _public(Station, r["station"].pk) and _public(Source, r["source"].pk)
    entry = AuditEntry.objects.get(action="claim.publish", subject_id=str(r["claim"].pk))
    assert {c["from"] for c in entry.data["changed"]} == {"amber"} and len(entry.data["changed"]) == 4
    with pytest.raises(ConflictError):
        services.claim_publish(actor=None, actor_label="t", claim=r["claim"])

    services.claim_unpublish(actor=None, actor_label="t", claim=r["claim"])
    assert set(_markings(r).values()) == {"amber"} and not _public(Claim, r["claim"].pk)
    assert AuditEntry.objects.filter(action="claim.unpublish", subject_id=str(r["claim"].pk)).count() == 1
    with pytest.raises(ConflictError):
        services.claim_unpublish(actor=None, actor_label="t", claim=r["claim"])


@pytest.mark.django_db
def test_unpublish_keeps_a_source_another_public_claim_rests_on():
    r = _record()
    other = services.claim_assert(actor_label="t", subject=r["nl"], prop="note", value="closures",
                                  source=r["source"], quote="the Netherlands acted", marking="amber")
    services.claim_publish(actor=None, actor_label="t", claim=r["claim"])
    services.claim_publish(actor=None, actor_label="t", claim=other)
    services.claim_unpublish(actor=None, actor_label="t", claim=r["claim"])
    assert Source.objects.get(pk=r["source"].pk).marking == "clear"  # the other claim still quotes it
    assert _public(Claim, other.pk) and not _public(Claim, r["claim"].pk)
    entry = AuditEntry.objects.get(action="claim.unpublish")
    assert entry.data["kept_public"] == [f"source:{r['source'].pk}"]


@pytest.mark.django_db
def test_a_claim_without_a_quotable_quote_is_refused_and_nothing_changes():
    r = _record()
    services.marking_set(actor=None, actor_label="t", obj=r["claim"].evidence.get(), marking="red")
    before = _markings(r)
    preview = services.claim_publication_preview(claim=r["claim"])
    assert not preview.allowed and "no quotable evidence" in preview.refusal
    with pytest.raises(ValidationError, match="no quotable evidence"):
        services.claim_publish(actor=None, actor_label="t", claim=r["claim"])
    assert _markings(r) == before and not AuditEntry.objects.filter(action="claim.publish").exists()


def _consistent(claim_pk: int, marks: set[str], actions: list[str]) -> None:
    assert len(marks) == 1  # all CLEAR (published) or all AMBER (unpublished), never a mixture
    assert _public(Claim, claim_pk) == (marks == {"clear"})
    # Publications and unpublications alternate in the audit trail: no double publish slipped in.
    assert actions and actions[0] == "claim.publish"
    assert all(a != b for a, b in zip(actions, actions[1:], strict=False))


def _actions(claim_pk: int) -> list[str]:
    return list(AuditEntry.objects.filter(action__in=["claim.publish", "claim.unpublish"], subject_id=str(claim_pk))
                .order_by("created_at", "id").values_list("action", flat=True))


@pytest.mark.django_db(transaction=True)
def test_concurrent_publish_and_unpublish_end_in_one_consistent_state_postgres():
    """PostgreSQL: three threads, each with its own connection, publish and unpublish one claim."""
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL variant (the SQLite one runs processes on an on-disk database)")
    r = _record()
    errors: list[BaseException] = []
    start = threading.Barrier(3)

    def worker(action) -> None:  # noqa: ANN001
        try:
            start.wait()
            for _ in range(6):
                try:
                    action(actor=None, actor_label="t", claim=r["claim"])
                except (ConflictError, ValidationError):
                    pass  # the other side got there first: a clear refusal, never a half state
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(a,))
               for a in (services.claim_publish, services.claim_unpublish, services.claim_publish)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    _consistent(r["claim"].pk, set(_markings(r).values()), _actions(r["claim"].pk))


WORKER = """
import sys, django
django.setup()
from tnrwatch.core.errors import ConflictError, ValidationError
from tnrwatch.registry import services
from tnrwatch.registry.models import Claim
action = services.claim_publish if sys.argv[1] == "publish" else services.claim_unpublish
for _ in range(6):
    try:
        action(actor=None, actor_label="t", claim=Claim.objects.get())
    except (ConflictError, ValidationError):
        pass
"""
SETUP = """
import django
django.setup()
from tnrwatch.registry.tests.test_publication import _record
_record()
"""


@pytest.mark.slow
def test_concurrent_publish_and_unpublish_end_in_one_consistent_state_sqlite(tmp_path):
    """SQLite as production runs it (on-disk WAL, IMMEDIATE transactions): three processes publish
    and unpublish one claim at once. (The in-memory test database locks tables instead of waiting.)"""
    import sqlite3
    import subprocess
    import sys
    from pathlib import Path

    project = Path(__file__).resolve().parents[3]
    env = {**{k: v for k, v in os.environ.items() if not k.startswith(("TNR_", "DATABASE_URL"))},
           "DJANGO_SETTINGS_MODULE": "tnrwatch.config.settings", "TNR_ENV": "test", "TNR_DATA_DIR": str(tmp_path)}
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=project, env=env, check=True, timeout=600)
    subprocess.run([sys.executable, "-c", SETUP], cwd=project, env=env, check=True, timeout=300)
    workers = [subprocess.Popen([sys.executable, "-c", WORKER, a], cwd=project, env=env, stderr=subprocess.PIPE, text=True)
               for a in ("publish", "unpublish", "publish")]
    failures = [w.communicate(timeout=600)[1][-2000:] for w in workers if w.wait(timeout=600)]
    assert not failures, failures
    with sqlite3.connect(tmp_path / "tnrwatch.sqlite3") as db:
        marks = {row[0] for table in ("registry_claim", "registry_evidence", "registry_source", "registry_station")
                 for row in db.execute(f"SELECT marking FROM {table}")}  # noqa: S608 - fixed table names
        actions = [row[0] for row in db.execute(
            "SELECT action FROM registry_auditentry WHERE action IN ('claim.publish', 'claim.unpublish') ORDER BY created_at, id")]
    assert len(marks) == 1, marks
    assert actions and actions[0] == "claim.publish" and all(a != b for a, b in zip(actions, actions[1:], strict=False))


@pytest.mark.django_db
def test_reviewers_publish_analysts_propose(staff_client):
    r = _record()
    url = reverse("workspace:claim_publish", args=[r["claim"].pk])
    analyst = staff_client("analyst")
    page = analyst.get(url).content.decode()
    assert "the ministry ordered the station closed" in page and "Propose for publication" in page
    assert analyst.post(url, {"confirm": "on"}).status_code == 400
    assert not _public(Claim, r["claim"].pk)
    analyst.post(reverse("workspace:claim_publish_propose", args=[r["claim"].pk]), {"note": "ready"})
    assert AuditEntry.objects.filter(action="claim.publish_proposed").count() == 1
    # An analyst cannot make a record CLEAR by the marking form either.
    analyst.post(reverse("workspace:claim_marking", args=[r["claim"].pk]), {"marking": "clear"})
    assert Claim.objects.get(pk=r["claim"].pk).marking == "amber"

    reviewer = staff_client("reviewer", username="rev")
    response = reviewer.post(url, {"confirm": "on"})
    assert response.status_code == 302 and _public(Claim, r["claim"].pk)
    detail = reviewer.get(reverse("workspace:claim_detail", args=[r["claim"].pk])).content.decode()
    assert "Unpublish" in detail
    reviewer.post(reverse("workspace:claim_unpublish", args=[r["claim"].pk]), {"confirm": "on"})
    assert not _public(Claim, r["claim"].pk)


@pytest.mark.django_db
def test_evidence_marking_is_shown_and_set_in_the_workspace(staff_client):
    r = _record()
    evidence = r["claim"].evidence.get()
    client = staff_client("reviewer", username="rev2")
    page = client.get(reverse("workspace:claim_detail", args=[r["claim"].pk])).content.decode()
    assert reverse("workspace:evidence_marking", args=[r["claim"].pk, evidence.pk]) in page
    client.post(reverse("workspace:evidence_marking", args=[r["claim"].pk, evidence.pk]), {"marking": "green"})
    assert Evidence.objects.get(pk=evidence.pk).marking == "green"
