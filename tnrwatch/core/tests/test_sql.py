"""core.sql.insert writes the same row as Model.save(), on SQLite and on PostgreSQL, and only for
the models of the submission path whose row save() would write the same way."""

from __future__ import annotations

import pytest
from django.db import models, transaction
from django.db.models import signals
from django.test.utils import isolate_apps

from tnrwatch.audit.models import AuditEntry
from tnrwatch.core import sql
from tnrwatch.intake.models import Attachment, IntakeBudget, Report, ReportState, RiskLevel
from tnrwatch.registry.models import Source

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
    sql.insert(AuditEntry(id=123456789, actor_label="system", action="test.explicit_pk"))
    assert AuditEntry.objects.get(id=123456789).action == "test.explicit_pk"


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


# Refusals: each is checked before any statement runs, so nothing is written.

def test_insert_refuses_a_model_outside_the_allow_list():
    for obj in (Source(title="t", kind="news"), IntakeBudget(id=1, reports=0)):
        with pytest.raises(sql.RawInsertRefusedError, match="not in core.sql.ALLOWED_MODELS"):
            sql.insert(obj)
    assert not Source.objects.exists()


def test_every_allowed_model_passes_the_checks():
    for model in (Report, Report.recipients.through, Attachment, AuditEntry):
        sql.check_model(model)
    assert {m._meta.label for m in (Report, Report.recipients.through, Attachment, AuditEntry)} == sql.ALLOWED_MODELS


def test_insert_refuses_a_model_with_save_or_signal_receivers():
    def receiver(**kwargs):
        pass

    for signal in (signals.pre_save, signals.post_save):
        signal.connect(receiver, sender=Attachment)
        try:
            with pytest.raises(sql.RawInsertRefusedError, match="_save receivers"):
                sql.insert(Attachment(report_id=1, position=0, blob_id="x", ciphertext_size=1))
        finally:
            signal.disconnect(receiver, sender=Attachment)
    assert not Attachment.objects.exists()


@pytest.fixture
def allow(monkeypatch):
    """Put an isolated test model (no table) on the allow-list, to reach the checks behind it."""
    def add(model):
        monkeypatch.setattr(sql, "ALLOWED_MODELS", sql.ALLOWED_MODELS | {model._meta.label})
        return model
    return add


@isolate_apps("tnrwatch.core")
def test_insert_refuses_multi_table_inheritance(allow):
    class Parent(models.Model):  # noqa: DJ008 - a table-less test model
        class Meta:
            app_label = "core"

    class Child(Parent):  # noqa: DJ008 - a table-less test model
        class Meta:
            app_label = "core"

    with pytest.raises(sql.RawInsertRefusedError, match="parent model"):
        sql.insert(allow(Child)())


@isolate_apps("tnrwatch.core")
def test_insert_refuses_a_db_default(allow):
    class WithDbDefault(models.Model):  # noqa: DJ008 - a table-less test model
        count = models.IntegerField(db_default=0)

        class Meta:
            app_label = "core"

    with pytest.raises(sql.RawInsertRefusedError, match="count has a db_default"):
        sql.insert(allow(WithDbDefault)())


@isolate_apps("tnrwatch.core")
def test_insert_refuses_a_generated_field(allow):
    class WithGenerated(models.Model):  # noqa: DJ008 - a table-less test model
        a = models.IntegerField(default=1)
        double = models.GeneratedField(expression=models.F("a") * 2, output_field=models.IntegerField(), db_persist=True)

        class Meta:
            app_label = "core"

    with pytest.raises(sql.RawInsertRefusedError, match="double is a generated field"):
        sql.insert(allow(WithGenerated)())


@isolate_apps("tnrwatch.core")
def test_insert_refuses_a_save_override(allow):
    class WithSave(models.Model):  # noqa: DJ008 - a table-less test model
        class Meta:
            app_label = "core"

        def save(self, *args, **kwargs):
            super().save(*args, **kwargs)

    with pytest.raises(sql.RawInsertRefusedError, match="overrides save"):
        sql.insert(allow(WithSave)())


def test_audit_rows_go_through_the_orm_except_on_the_submission_path():
    from tnrwatch.audit.services import audit_record

    seen = []

    def receiver(sender, instance, created, **kwargs):
        seen.append(instance.action)

    signals.post_save.connect(receiver, sender=AuditEntry)
    try:
        with transaction.atomic():
            audit_record(actor=None, action="test.orm")
        assert seen == ["test.orm"]
        with pytest.raises(sql.RawInsertRefusedError), transaction.atomic():
            audit_record(actor=None, action="test.raw", raw_insert=True)
    finally:
        signals.post_save.disconnect(receiver, sender=AuditEntry)
    assert not AuditEntry.objects.filter(action="test.raw").exists()
