"""core.sql.insert writes the same row as Model.save(), on SQLite and on PostgreSQL."""

from __future__ import annotations

import pytest
from django.db import transaction

from tnrwatch.core import sql
from tnrwatch.intake.models import IntakeBudget, Report, ReportState, RiskLevel
from tnrwatch.registry.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_insert_fills_defaults_auto_now_add_and_the_primary_key():
    report = sql.insert(Report(receipt_hash="a" * 64, reporter_public_key="age1example", answers_ct=b"\x00\xffciphertext"))
    assert report.pk is not None and not report._state.adding and report._state.db == "default"
    stored = Report.objects.get(pk=report.pk)
    assert bytes(stored.answers_ct) == b"\x00\xffciphertext"
    assert stored.state == ReportState.NEW and stored.risk == RiskLevel.UNKNOWN and stored.closed_at is None
    assert stored.created_at == report.created_at and stored.created_at is not None


def test_insert_matches_the_orm_for_json_and_null_foreign_keys():
    data = {"attachments": 2, "names": ["甲", "乙"], "nested": {"ok": True}}
    fast = sql.insert(AuditEntry(actor=None, actor_label="reporter", action="test.fast", subject_type="report", subject_id="7", data=data))
    slow = AuditEntry.objects.create(actor=None, actor_label="reporter", action="test.slow", subject_type="report", subject_id="7", data=data)
    rows = {entry.action: entry for entry in AuditEntry.objects.filter(action__startswith="test.")}
    assert rows["test.fast"].data == rows["test.slow"].data == data
    assert rows["test.fast"].actor_id is None and fast.pk != slow.pk


def test_insert_keeps_an_explicit_primary_key():
    sql.insert(IntakeBudget(id=123456789, reports=3))
    assert IntakeBudget.objects.get(id=123456789).reports == 3


def test_insert_takes_part_in_the_surrounding_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        sql.insert(AuditEntry(actor_label="system", action="test.rolled_back"))
        raise RuntimeError("abort")
    assert not AuditEntry.objects.filter(action="test.rolled_back").exists()


def test_insert_refuses_a_duplicate_like_the_orm():
    from django.db import IntegrityError

    sql.insert(Report(receipt_hash="b" * 64, reporter_public_key="k", answers_ct=b"x"))
    with pytest.raises(IntegrityError), transaction.atomic():
        sql.insert(Report(receipt_hash="b" * 64, reporter_public_key="k", answers_ct=b"y"))
