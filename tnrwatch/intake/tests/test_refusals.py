"""Bytes kept from a refused request are a bug: every way a report POST can be refused leaves
nothing of it on disk once the response is out — no blob, no partial file, no row.

One test per refusal path: CSRF, form errors, over the size limit (announced and streamed),
recipients changed during the upload, the client gone mid-upload, a server error, and the busy
answer of the intake budget. Each sends a file big enough to go through the streaming encryptor
(over its 256 KiB one-shot size), so the blob really was written before the refusal.
"""

from __future__ import annotations

import io
import os
import time

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import LimitedStream
from django.test import Client, RequestFactory
from django.urls import reverse

from tnrwatch.intake import services, tasks, upload, views
from tnrwatch.intake.models import Attachment, IntakeBudget, Message, Report

from .conftest import multipart_form
from .test_hostile_input import raw_multipart

pytestmark = pytest.mark.django_db
MB = 1024 * 1024


def bytes_kept() -> int:
    """Bytes under the blob folder, plus one per intake row: 0 means nothing was kept."""
    root = services.blob_store().root
    on_disk = sum(p.stat().st_size for p in root.rglob("*") if p.is_file()) if root.exists() else 0
    return on_disk + Report.objects.count() + Attachment.objects.count() + Message.objects.count()


def evidence(size: int = 600 * 1024) -> SimpleUploadedFile:
    return SimpleUploadedFile("evidence.jpg", os.urandom(size), "image/jpeg")


def test_refused_for_csrf_keeps_nothing(analyst):
    response = Client(enforce_csrf_checks=True).post(reverse("intake:form"), multipart_form(attachments=[evidence()]))
    assert response.status_code == 403
    assert bytes_kept() == 0


def test_refused_for_form_errors_keeps_nothing(client, analyst):
    response = client.post(reverse("intake:form"), multipart_form(what_happened="", attachments=[evidence(), evidence()]))
    assert response.status_code == 400
    assert bytes_kept() == 0


@pytest.mark.parametrize("over", [MB // 2, 3 * MB])  # cut off while streaming / refused on the announced length
def test_refused_over_the_size_limit_keeps_nothing(client, analyst, settings, over):
    files = [evidence(), evidence(settings.TNR_INTAKE["max_upload_bytes"] + over)]
    response = client.post(reverse("intake:form"), multipart_form(attachments=files))
    assert response.status_code == 413
    assert bytes_kept() == 0


def test_refused_when_the_recipients_change_during_the_upload_keeps_nothing(client, analyst, monkeypatch):
    # Given a new recipient key added while the first file is still arriving (a real key, added
    # through the service, at the moment the file completes)
    complete = upload.EncryptingUploadHandler.file_complete

    def file_complete_then_new_recipient(self, file_size):
        result = complete(self, file_size)
        from tnrwatch.intake import crypto

        services.recipient_key_add_offline(actor=analyst.user, label="late key", public_key=crypto.identity_generate()[1])
        return result

    monkeypatch.setattr(upload.EncryptingUploadHandler, "file_complete", file_complete_then_new_recipient)
    response = client.post(reverse("intake:form"), multipart_form(attachments=[evidence()]))
    assert response.status_code == 503
    assert bytes_kept() == 0


def test_refused_when_the_client_goes_away_mid_upload_keeps_nothing(analyst):
    # Given a body whose connection ends inside the file (the stream is shorter than announced)
    parts = [('Content-Disposition: form-data; name="what_happened"', b"They came at night."),
             ('Content-Disposition: form-data; name="wants_reply"', b"yes"),
             ('Content-Disposition: form-data; name="attachments"; filename="e.jpg"\r\nContent-Type: image/jpeg', os.urandom(900 * 1024))]
    body, content_type = raw_multipart(parts)
    request = RequestFactory().generic("POST", reverse("intake:form"), body, content_type=content_type)
    request._stream = LimitedStream(io.BytesIO(body[: len(body) // 2]), len(body))
    request.user = AnonymousUser()
    # When the view reads it
    response = views.report_form(request)
    # Then it is refused as interrupted, and what had streamed in is gone
    assert response.status_code == 400 and "stopped before it was complete" in response.content.decode()
    assert bytes_kept() == 0


def test_refused_when_the_text_fields_are_cut_off_keeps_nothing(analyst):
    # A client gone in the middle of the text: the fields that arrived whole would make a valid form
    body, content_type = raw_multipart([('Content-Disposition: form-data; name="wants_reply"', b"yes"),
                                        ('Content-Disposition: form-data; name="what_happened"', b"A long story " * 5000)])
    request = RequestFactory().generic("POST", reverse("intake:form"), body, content_type=content_type)
    request._stream = LimitedStream(io.BytesIO(body[: len(body) - 1000]), len(body))
    request.user = AnonymousUser()
    assert views.report_form(request).status_code == 400
    assert bytes_kept() == 0


def test_a_server_error_keeps_nothing(analyst, monkeypatch):
    # Given a fault inside the write transaction (after the file was encrypted and stored)
    from tnrwatch.intake.services import reports

    def broken_audit(**kwargs):
        raise RuntimeError("disk full, say")

    monkeypatch.setattr(reports, "audit_record", broken_audit)
    response = Client(raise_request_exception=False).post(reverse("intake:form"), multipart_form(attachments=[evidence()]))
    assert response.status_code == 500
    assert bytes_kept() == 0


def test_a_receipt_page_that_fails_to_render_stores_nothing(analyst, monkeypatch):
    def broken_render(*args, **kwargs):
        raise RuntimeError("template error, say")

    monkeypatch.setattr(views, "render_to_string", broken_render)
    response = Client(raise_request_exception=False).post(reverse("intake:form"), multipart_form(attachments=[evidence()]))
    assert response.status_code == 500
    assert bytes_kept() == 0


def test_busy_when_the_hours_report_budget_is_spent_keeps_nothing(client, analyst, settings):
    settings.TNR_INTAKE = {**settings.TNR_INTAKE, "budget_reports_per_hour": 2}
    assert [client.post(reverse("intake:form"), multipart_form()).status_code for _ in range(2)] == [200, 200]
    kept = bytes_kept()
    response = client.post(reverse("intake:form"), multipart_form(attachments=[evidence()]))
    # The designed answer: 503 with Retry-After and a calm page; nothing of the third report kept
    assert response.status_code == 503 and 1 <= int(response["Retry-After"]) <= 1800
    assert "The reporting channel is busy right now" in response.content.decode()
    assert bytes_kept() == kept and Report.objects.count() == 2


def test_busy_on_the_byte_budget_before_the_body_is_read(client, analyst, settings, monkeypatch):
    from .test_hostile_input import MeteredStore

    MeteredStore.peak = 0
    monkeypatch.setattr(upload, "blob_store", lambda: MeteredStore(services.blob_store().root))
    settings.TNR_INTAKE = {**settings.TNR_INTAKE, "budget_bytes_per_hour": 2 * MB}
    response = client.post(reverse("intake:form"), multipart_form(attachments=[evidence(3 * MB)]))
    assert response.status_code == 503 and MeteredStore.peak == 0
    assert bytes_kept() == 0
    # a small report still fits
    assert client.post(reverse("intake:form"), multipart_form(attachments=[evidence(100 * 1024)])).status_code == 200


@pytest.mark.parametrize("language, phrase", [("zh-hans", "繁忙"), ("zh-hant", "繁忙")])
def test_the_busy_page_is_translated(client, analyst, settings, language, phrase):
    settings.TNR_INTAKE = {**settings.TNR_INTAKE, "budget_reports_per_hour": 0}
    response = client.post(reverse("intake:form"), multipart_form(), HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 503 and phrase in response.content.decode()


def test_the_budget_drains_so_a_report_fits_again_after_a_flood(analyst, settings):
    settings.TNR_INTAKE = {**settings.TNR_INTAKE, "budget_reports_per_hour": 60}
    now = time.time()
    for _ in range(60):
        services.budget_room(incoming_bytes=0, now=now)
        from tnrwatch.intake.services.budget import budget_reserve

        budget_reserve(stored_bytes=1000, now=now)
    with pytest.raises(services.IntakeBusyError) as busy:
        budget_reserve(stored_bytes=1000, now=now)
    assert 1 <= busy.value.retry_after <= 60
    assert services.budget_room(incoming_bytes=1000, now=now) > 0
    # one report's worth drains in 3600 / 60 = 60 s
    assert services.budget_room(incoming_bytes=1000, now=now + 61) == 0
    budget_reserve(stored_bytes=1000, now=now + 61)
    assert IntakeBudget.objects.count() == 1


def test_housekeeping_sweeps_orphans_and_keeps_what_a_report_uses(client, analyst, settings):
    settings.TNR_INTAKE = {**settings.TNR_INTAKE, "orphan_blob_seconds": 600}
    client.post(reverse("intake:form"), multipart_form(attachments=[evidence(1000)]))
    store = services.blob_store()
    used = Attachment.objects.get().blob_id
    old = time.time() - 3600
    orphan, _ = store.write(b"ciphertext left by a crash")
    part_id, handle = store.create()
    handle.write(b"half an upload")
    handle.close()
    fresh, _ = store.write(b"an upload committing right now")
    for path in (store.root / f"{orphan}.age", store.root / f"{part_id}.part", store.root / f"{used}.age"):
        os.utime(path, (old, old))
    assert tasks.housekeeping_round(purge=True) == {"blobs_swept": 2, "notices_sent": 0, "reports_purged": 0}
    assert store.exists(used) and store.exists(fresh) and not store.exists(orphan)
    assert store.stale_parts() == []


def test_inbox_bulk_triage_deletes_selected_junk_securely_and_audited(staff_client, analyst, django_capture_on_commit_callbacks):
    from tnrwatch.audit.models import AuditEntry

    # Given a flood of junk and one real report
    reporter = Client()
    for i in range(5):
        reporter.post(reverse("intake:form"), multipart_form(what_happened=f"junk {i}", attachments=[evidence(1000)]))
    reporter.post(reverse("intake:form"), multipart_form(what_happened="A real report."))
    *junk, real = Report.objects.order_by("id")
    junk_blobs = [a.blob_id for a in Attachment.objects.filter(report__in=junk)]
    # An analyst sees the list but no delete form; an admin selects the junk and confirms
    analyst_client = staff_client("analyst", "triage-analyst")
    assert 'name="report"' not in analyst_client.get(reverse("inbox:list")).content.decode()
    assert analyst_client.post(reverse("inbox:delete_bulk"), {"report": [r.pk for r in junk], "confirm": "yes"}).status_code == 403
    admin = staff_client("admin", "triage-admin")
    page = admin.get(reverse("inbox:list")).content.decode()
    assert f'name="report" value="{junk[0].pk}"' in page
    assert admin.post(reverse("inbox:delete_bulk"), {"report": [r.pk for r in junk]}).status_code == 302  # not confirmed
    assert Report.objects.count() == 6
    with django_capture_on_commit_callbacks(execute=True):
        response = admin.post(reverse("inbox:delete_bulk"), {"report": [r.pk for r in junk] + ["x", "999999"], "confirm": "yes"})
    assert response.status_code == 302
    # Then the junk is gone (rows and overwritten blobs), the real report stays, each deletion audited
    assert list(Report.objects.all()) == [real]
    assert not any(services.blob_store().exists(b) for b in junk_blobs)
    assert AuditEntry.objects.filter(action="intake.report_deleted").count() == 5
    assert AuditEntry.objects.get(action="intake.reports_deleted_bulk").data == {"count": 5}
