"""The reporter's path: form, encrypted storage, receipt, follow-up with replies both ways."""

from __future__ import annotations

import os
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tnrwatch.audit.models import AuditEntry
from tnrwatch.intake import crypto, selectors, services
from tnrwatch.intake.models import Attachment, IntakeBudget, Message, Report

from .conftest import multipart_form

pytestmark = pytest.mark.django_db

RECEIPT_RE = re.compile(r'id="receipt">([0-9A-Z-]+)<')


def submit(client, **overrides):
    response = client.post(reverse("intake:form"), multipart_form(**overrides))
    match = RECEIPT_RE.search(response.content.decode())
    return response, (match.group(1) if match else None)


def test_form_is_public_and_not_cached(client):
    response = client.get(reverse("intake:form"))
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    body = response.content.decode()
    assert 'enctype="multipart/form-data"' in body and "Quick exit" in body and "Tor Browser" in body


def test_submission_is_stored_only_as_ciphertext_and_decrypts(client, analyst):
    # Given an analyst who is the only recipient, when a reporter sends a report with a file
    photo = os.urandom(300 * 1024)
    response, receipt = submit(client, attachments=[SimpleUploadedFile("../../etc/passwd me.jpg", photo, "image/jpeg")])
    # Then the receipt is shown, and the server holds ciphertext that the analyst's key opens
    assert response.status_code == 200 and receipt
    report = Report.objects.get()
    assert b"association" not in bytes(report.answers_ct)
    answers = selectors.report_answers(report, [analyst.identity])
    assert answers["city"] == "Rotterdam" and answers["tactics"] == ["return_demands", "home_visits"]
    assert answers["attachments"] == [{"name": "passwd me.jpg", "content_type": "image/jpeg", "size": len(photo)}]
    attachment = Attachment.objects.get()
    assert selectors.attachment_plaintext(attachment, [analyst.identity]) == photo
    # and the receipt itself is nowhere in the database, only its HMAC
    assert receipt.replace("-", "") not in report.receipt_hash
    assert AuditEntry.objects.filter(action="intake.report_submitted", subject_id=str(report.pk)).exists()


def test_follow_up_shows_status_and_replies_both_ways(client, analyst):
    _, receipt = submit(client)
    report = Report.objects.get()
    services.message_from_analyst(actor=analyst.user, report=report, body="We read your report. Are you safe?")
    services.report_set_state(actor=analyst.user, report=report, state="in_progress")

    page = client.post(reverse("intake:follow_up"), {"action": "open", "receipt": receipt.lower()})
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert "Are you safe?" in page.content.decode() and "We are working on it" in page.content.decode()

    reply = client.post(reverse("intake:follow_up"), {"action": "reply", "receipt": receipt, "body": "Yes, thank you."})
    assert reply.status_code == 200 and "Yes, thank you." in reply.content.decode()
    message = Message.objects.get(author="reporter")
    assert b"thank you" not in bytes(message.body_ct)
    assert crypto.decrypt(bytes(message.body_ct), [analyst.identity]) == b"Yes, thank you."
    # analyst replies are encrypted to the reporter key too, never readable without the receipt
    stranger = crypto.identity_parse(crypto.identity_generate()[0])
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(bytes(Message.objects.get(author="analyst").body_ct), [stranger])


def test_wrong_receipts_never_lock_out_the_right_one(client, analyst):
    # Given a report, when someone tries many wrong receipts
    _, receipt = submit(client)
    for _ in range(200):
        assert client.post(reverse("intake:follow_up"), {"receipt": crypto.receipt_generate()}).status_code == 403
    # Then the right receipt still opens the report at once, and nothing was counted or kept
    assert client.post(reverse("intake:follow_up"), {"receipt": receipt}).status_code == 200
    assert IntakeBudget.objects.count() <= 1  # only the submission's own hour


def test_no_recipients_means_nothing_is_accepted(client, db):
    response, receipt = submit(client)
    assert response.status_code == 503 and receipt is None
    assert Report.objects.count() == 0


def test_invalid_form_keeps_nothing(client, analyst, settings):
    response, receipt = submit(client, what_happened="", attachments=[SimpleUploadedFile("a.txt", b"secret words", "text/plain")])
    assert response.status_code == 400 and receipt is None
    assert Report.objects.count() == 0
    assert services.blob_store().all_ids() == [] and services.blob_store().stale_parts() == []


def test_help_and_safety_pages_are_public(client, db):
    from tnrwatch.intake.models import ProtectionResource
    from tnrwatch.registry.models import Country

    ProtectionResource.objects.create(country=Country.objects.get(iso2="NL"), name="Example helpline", is_example=True)
    page = client.get(reverse("intake:help"), {"country": "NL"})
    assert page.status_code == 200 and "Example helpline" in page.content.decode() and "Example entry" in page.content.decode()
    assert client.get(reverse("intake:safety")).status_code == 200


@pytest.mark.parametrize("language, phrase", [("zh-hans", "快速离开"), ("zh-hant", "快速離開")])
def test_form_speaks_simplified_and_traditional_chinese(client, db, language, phrase):
    page = client.get(reverse("intake:form"), HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200 and phrase in page.content.decode()


def test_purge_command_deletes_only_expired_closed_reports_and_orphan_blobs(client, analyst, django_capture_on_commit_callbacks):
    import time as _time
    from datetime import timedelta

    from django.core.management import call_command
    from django.utils import timezone

    submit(client, attachments=[SimpleUploadedFile("old.bin", b"old evidence")])
    submit(client)
    old, fresh = Report.objects.order_by("id")
    services.report_set_state(actor=analyst.user, report=old, state="closed")
    Report.objects.filter(pk=old.pk).update(closed_at=timezone.now() - timedelta(days=91))
    services.report_set_state(actor=analyst.user, report=fresh, state="closed")  # closed today: kept
    store = services.blob_store()
    old_blob = old.attachments.get().blob_id
    orphan, _ = store.write(b"ciphertext of an upload whose form was never accepted")
    stale = _time.time() - 7200
    os.utime(store.root / f"{orphan}.age", (stale, stale))
    with django_capture_on_commit_callbacks(execute=True):
        call_command("intake_purge")
    assert list(Report.objects.all()) == [fresh]
    assert not store.exists(orphan)
    assert AuditEntry.objects.filter(action="intake.report_deleted", actor_label="retention").count() == 1
    assert not store.exists(old_blob)  # overwritten and unlinked once the deletion committed


@pytest.mark.parametrize("language, heading, help_heading", [
    ("en", "Your report was received", "Where to get help now"),
    ("zh-hans", "您的报告已收到", "现在可以去哪里求助"),
    ("zh-hant", "您的報告已收到", "現在可以去哪裡求助"),
    ("en", "Your report was received", "Where to get help now"),  # after the Chinese pages were cached
])
def test_receipt_page_fixed_text_is_cached_per_language(client, analyst, language, heading, help_heading):
    # The receipt page keeps its fixed text in cached fragments; each language has its own.
    response = client.post(reverse("intake:form"), multipart_form(), HTTP_ACCEPT_LANGUAGE=language)
    body = response.content.decode()
    assert response.status_code == 200 and RECEIPT_RE.search(body)
    assert heading in body and help_heading in body and f'<html lang="{language}">' in body
    other = {"en": "您的", "zh-hans": "Your report was received", "zh-hant": "Your report was received"}[language]
    assert other not in body


def test_receipt_page_lists_the_help_resources_of_the_reporters_country(client, analyst):
    from tnrwatch.intake.models import ProtectionResource
    from tnrwatch.registry.models import Country

    netherlands, germany = Country.objects.get(iso2="NL"), Country.objects.get(iso2="DE")
    ProtectionResource.objects.create(country=netherlands, name="Zeta legal aid", kind="legal", how_to_report="Call first.\nThen write.")
    ProtectionResource.objects.create(country=netherlands, name="Alpha helpline", kind="ngo", is_example=True)
    ProtectionResource.objects.create(country=germany, name="Berlin line", kind="police")
    body = submit(client)[0].content.decode()
    assert body.index("Zeta legal aid") < body.index("Alpha helpline")  # by kind, then name
    assert "Legal help, Netherlands" in body and "Example entry" in body and "Call first.<br>Then write." in body
    assert "Berlin line" not in body
    assert [r.name for r in selectors.resources_public()] == ["Berlin line", "Zeta legal aid", "Alpha helpline"]
    assert selectors.resources_public("xx") == []
