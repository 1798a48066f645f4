"""Analysts hear about new reports by email, through a real SMTP server on loopback (aiosmtpd):
the notice says only that there is something new, never content, country, number or size, and
comes at most once per interval per analyst."""

from __future__ import annotations

import email
import email.policy
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from tnrwatch.intake import services
from tnrwatch.intake.models import Report

from .test_report_flow import submit

pytestmark = pytest.mark.django_db
CANARY = "canary-7f3a91"


def forbidden_in_notice() -> list[str]:
    """Everything from the report that must not reach a mailbox (its size too: 4321 bytes)."""
    return [CANARY, "Rotterdam", "Netherlands", "NL", "association", "evidence", "4321", "4.2", "1 report"]


def readable_text(raw: bytes) -> str:
    """The subject and body a mail reader shows (the headers' dates and ids are random digits)."""
    message = email.message_from_bytes(raw, policy=email.policy.default)
    return f"{message['Subject']}\n{message.get_body().get_content()}"


def test_off_without_smtp(client, analyst):
    analyst.user.email = "analyst@example.org"
    analyst.user.save()
    submit(client)
    assert services.notices_send() == 0


def test_a_notice_says_only_that_there_is_news_and_comes_once_per_interval(client, analyst, smtp_server, settings):
    analyst.user.email = "analyst@example.org"
    analyst.user.save()
    settings.TNR_INTAKE = {**settings.TNR_INTAKE, "notice_interval_minutes": 60}
    # Given a report with canaries in its text, place and file
    submit(client, what_happened=f"They came at night. {CANARY}", city=f"Rotterdam {CANARY}",
           attachments=[SimpleUploadedFile("evidence.jpg", b"x" * 4321, "image/jpeg")])
    # When the housekeeping round sends notices
    assert services.notices_send() == 1
    # Then one plain message arrived, saying only that there is something new
    (message,) = smtp_server
    assert CANARY.encode() not in message and b"Rotterdam" not in message
    assert b"analyst@example.org" in message
    text = readable_text(message)
    assert "There are new reports or replies" in text
    for needle in forbidden_in_notice():
        assert needle not in text, needle
    # and not again within the interval, even with more news
    _, receipt = submit(client)
    assert services.notices_send() == 0 and len(smtp_server) == 1
    # after the interval, a reporter's reply is news again
    client.post(reverse("intake:follow_up"), {"action": "reply", "receipt": receipt, "body": f"More. {CANARY}"})
    assert services.notices_send(now=timezone.now() + timedelta(minutes=61)) == 1
    assert len(smtp_server) == 2 and CANARY.encode() not in smtp_server[1]
    # and with nothing new since, nothing is sent
    assert services.notices_send(now=timezone.now() + timedelta(minutes=200)) == 0
    assert Report.objects.count() == 2
