"""The reporter stays in control: the true state of their report, what they sent (decrypted only
with the receipt), and messages and files added later, streamed and encrypted like the first."""

from __future__ import annotations

import os

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from tnrwatch.audit.models import AuditEntry
from tnrwatch.intake import crypto, selectors, services
from tnrwatch.intake.models import Attachment, Message, Report

from .conftest import reporter_identity
from .test_refusals import bytes_kept
from .test_report_flow import submit

pytestmark = pytest.mark.django_db
FOLLOW_UP = "intake:follow_up"


def status_of(client, receipt: str) -> str:
    page = client.post(reverse(FOLLOW_UP), {"action": "open", "receipt": receipt}).content.decode()
    return page.split('id="status">', 1)[1].split("<", 1)[0]


def test_the_follow_up_page_tells_the_true_state(client, analyst):
    _, receipt = submit(client)
    report = Report.objects.get()
    assert status_of(client, receipt) == "Received, not yet read"
    services.report_open(actor=analyst.user, report=report, identities=[analyst.identity])
    assert status_of(client, receipt) == "Read by our team"
    services.message_from_analyst(actor=analyst.user, report=report, body="We read it.")
    assert status_of(client, receipt) == "Our team has replied"
    services.report_set_state(actor=analyst.user, report=report, state="closed")
    assert status_of(client, receipt) == "Closed"


def test_the_reporter_sees_what_they_sent_only_with_the_receipt(client, analyst):
    _, receipt = submit(client, what_happened="canary-what-i-sent", attachments=[SimpleUploadedFile("letter.pdf", b"%PDF-1.4 x")])
    report = Report.objects.get()
    page = client.post(reverse(FOLLOW_UP), {"action": "open", "receipt": receipt}).content.decode()
    assert "canary-what-i-sent" not in page and 'id="show-sent"' in page  # only on request
    page = client.post(reverse(FOLLOW_UP), {"action": "sent", "receipt": receipt}).content.decode()
    assert "canary-what-i-sent" in page and "letter.pdf" in page and "Rotterdam" in page
    # the copy is encrypted to the reporter's key alone: analysts' keys cannot open it
    copy = bytes(report.reporter_copy_ct)
    assert b"canary" not in copy
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(copy, [analyst.identity])
    assert b"canary-what-i-sent" in crypto.decrypt(copy, [reporter_identity(receipt)])


def test_the_reporter_adds_files_and_a_message_later(client, analyst):
    _, receipt = submit(client, attachments=[SimpleUploadedFile("first.jpg", b"first file")])
    report = Report.objects.get()
    later = os.urandom(700 * 1024)  # past the one-shot size: streamed through the encryptor
    response = client.post(reverse(FOLLOW_UP), {
        "action": "reply", "receipt": receipt, "body": "Here is the second letter.",
        "attachments": [SimpleUploadedFile("second letter.jpg", later, "image/jpeg")],
    })
    assert response.status_code == 200 and "What you added was encrypted and sent." in response.content.decode()
    added = Attachment.objects.get(report=report, position=1)
    assert selectors.attachment_plaintext(added, [analyst.identity]) == later
    opened = services.report_open(actor=analyst.user, report=report, identities=[analyst.identity])
    assert [a.meta["name"] for a in opened.attachments] == ["first.jpg", "second letter.jpg"]
    assert [e.body for e in opened.thread] == ["Here is the second letter."]
    # the reporter sees both file names in what they sent; the name is not readable on disk
    assert b"second letter" not in bytes(added.meta_ct)
    page = client.post(reverse(FOLLOW_UP), {"action": "sent", "receipt": receipt}).content.decode()
    assert "first.jpg" in page and "second letter.jpg" in page
    assert AuditEntry.objects.filter(action="intake.reporter_replied", data__files=1).count() == 1
    # files alone are fine too; nothing at all is a clear 400
    assert client.post(reverse(FOLLOW_UP), {"action": "reply", "receipt": receipt,
                                            "attachments": [SimpleUploadedFile("third.txt", b"3")]}).status_code == 200
    assert client.post(reverse(FOLLOW_UP), {"action": "reply", "receipt": receipt, "body": " "}).status_code == 400
    # and the analysts can share the report with a newcomer, file names included
    services.report_rekey(actor=analyst.user, report=report, identities=[analyst.identity])
    assert selectors.reporter_copy(report, reporter_identity(receipt)).files[-1]["name"] == "third.txt"


def test_a_refused_addition_keeps_nothing(client, analyst, settings):
    _, receipt = submit(client)
    kept = bytes_kept()
    big = SimpleUploadedFile("big.bin", os.urandom(settings.TNR_INTAKE["max_upload_bytes"] + 512 * 1024))
    wrong = crypto.receipt_generate()
    for data, status in (
        ({"action": "reply", "receipt": wrong, "body": "x", "attachments": [SimpleUploadedFile("a.jpg", os.urandom(600 * 1024))]}, 403),
        ({"action": "reply", "receipt": receipt, "body": "x", "attachments": [big]}, 413),
        ({"action": "open", "receipt": receipt, "attachments": [SimpleUploadedFile("b.jpg", os.urandom(600 * 1024))]}, 200),
    ):
        assert client.post(reverse(FOLLOW_UP), data).status_code == status
        assert bytes_kept() == kept
    assert Message.objects.count() == 0


def test_additions_count_against_the_intake_budget(client, analyst, settings):
    _, receipt = submit(client)
    settings.TNR_INTAKE = {**settings.TNR_INTAKE, "budget_bytes_per_hour": 600 * 1024}
    kept = bytes_kept()
    response = client.post(reverse(FOLLOW_UP), {"action": "reply", "receipt": receipt, "body": "x",
                                                "attachments": [SimpleUploadedFile("a.jpg", os.urandom(700 * 1024))]})
    assert response.status_code == 503 and "busy" in response.content.decode()
    assert bytes_kept() == kept
