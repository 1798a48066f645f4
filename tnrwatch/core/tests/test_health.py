"""/healthz and `tnrwatch status`: the checks an operator's monitoring reads, and nothing about the record."""

from __future__ import annotations

import json
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from tnrwatch.audit.services import audit_chain_verify, audit_record
from tnrwatch.core import health
from tnrwatch.ingestion.models import Document

pytestmark = pytest.mark.django_db


def test_healthz_is_public_cheap_and_uncached(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.json()
    assert body["ok"] is True
    assert set(body["checks"]) == {"database", "queue", "disk", "tasks", "audit"}
    assert set(body["checks"]["disk"]) == {"intake", "documents"}
    assert body["checks"]["disk"]["intake"]["free_bytes"] > 0
    # Nothing about the record: no counts, no names
    text = json.dumps(body).lower()
    assert "report" not in text and "count" not in text


def test_a_capture_waiting_for_an_hour_fails_the_check(client):
    document = Document.objects.create(origin="https://example.org/a")
    Document.objects.filter(pk=document.pk).update(created_at=timezone.now() - timedelta(hours=2))
    response = client.get("/healthz")
    assert response.status_code == 503
    tasks = response.json()["checks"]["tasks"]
    assert tasks["ok"] is False and tasks["oldest_seconds"] >= 7200


def test_a_full_disk_fails_the_check(client, monkeypatch):
    monkeypatch.setattr(health, "MIN_FREE_BYTES", 1 << 62)  # more than any disk has
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["disk"]["intake"]["ok"] is False


def test_a_broken_audit_chain_fails_the_check(client):
    audit_record(actor=None, actor_label="t", action="test.x")
    audit_chain_verify()
    assert client.get("/healthz").json()["checks"]["audit"]["ok"] is True
    from tnrwatch.audit.models import AuditEntry

    AuditEntry.objects.filter(action="test.x").update(actor_label="mallory")
    audit_chain_verify()
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json()["checks"]["audit"] == {"ok": False, "last_check": "failed"}


def test_status_prints_the_same_checks_and_the_audit_head():
    audit_record(actor=None, actor_label="t", action="test.x")
    out = StringIO()
    call_command("status", stdout=out)
    text = out.getvalue()
    for line in ("ok   database", "ok   queue", "ok   disk intake", "ok   disk documents", "ok   tasks", "audit head", "all checks passed"):
        assert line in text, text
    Document.objects.filter(pk=Document.objects.create(origin="x").pk).update(created_at=timezone.now() - timedelta(days=1))
    with pytest.raises(CommandError):
        call_command("status", stdout=StringIO())
