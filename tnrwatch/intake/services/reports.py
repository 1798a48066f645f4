"""The reporter's side: submission (the hot path), receipts and the message thread.

Submission: see docs/architecture.md "The reporting channel's hot path". The thread is encrypted
to the current recipients and to the reporter's key. Audit rows carry ids and counts only.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext, gettext_lazy

from tnrwatch.core import sql
from tnrwatch.core.errors import ConflictError, NotFoundOrForbiddenError, ValidationError
from tnrwatch.registry import services as registry_services

from .. import crypto, selectors
from ..config import intake_config, receipt_key
from ..models import Attachment, Message, MessageAuthor, ReceiptThrottle, Report, ReportState

REPORTER = "reporter"  # the audit actor label for anonymous reporters


class ReceiptThrottledError(ValidationError):
    """Too many wrong receipts were tried just now; wait a minute and try again."""


class ReceiptInvalidError(NotFoundOrForbiddenError):
    """No report matches this receipt."""


@dataclass(frozen=True)
class StoredUpload:
    """An attachment the upload handler has already encrypted to `public_keys` and stored."""

    blob_id: str
    name: str
    content_type: str
    size: int
    ciphertext_size: int
    public_keys: tuple[str, ...]


def report_submit(
    *, answers: dict[str, Any], uploads: Sequence[StoredUpload] = (), recipients: Sequence[tuple[int, str]] | None = None,
) -> tuple[Report, str]:
    """Store a report encrypted to the current recipients; returns it and the receipt (shown once).

    The receipt itself is not stored: only its HMAC (for look-up) and the public half of the
    reporter key derived from it (so replies can be encrypted to the reporter). The crypto work
    happens before the transaction, which then only inserts rows (SQLite holds its write lock
    for the whole transaction). `recipients` are the (id, public key) pairs the caller already read
    for its upload handler (saves a query); the transaction checks they are still exactly the
    active recipients.
    """
    if recipients is None:
        recipients = selectors.recipients_active()
    if not recipients:
        raise crypto.EncryptionError(gettext("The reporting channel has no recipients yet."))
    key_ids = [key_id for key_id, _ in recipients]
    public_keys = [public_key for _, public_key in recipients]
    for upload in uploads:
        # The handler encrypted attachments to the keys current when the upload began; if they
        # changed in between, refuse rather than store something a recipient cannot open.
        if sorted(upload.public_keys) != sorted(public_keys):
            raise ConflictError(gettext("The recipients changed during the upload; please send again."))
    receipt = crypto.receipt_generate()
    normalized = crypto.receipt_normalize(receipt)
    assert normalized is not None
    payload = dict(answers)
    payload["attachments"] = [
        {"name": u.name, "content_type": u.content_type, "size": u.size} for u in uploads
    ]
    report = Report(
        receipt_hash=crypto.receipt_hash(normalized, receipt_key()),
        reporter_public_key=str(crypto.reporter_identity(normalized).to_public()),
        answers_ct=crypto.encrypt(json.dumps(payload).encode(), public_keys),
    )
    _report_insert(report, key_ids, uploads)
    return report, receipt


@transaction.atomic
def _report_insert(report: Report, key_ids: list[int], uploads: Sequence[StoredUpload]) -> None:
    """The submission's rows in one transaction. The hot path of the reporting channel: each row
    goes through `core.sql.insert` (the model's own columns and conversions, without the ORM
    compiling every statement; see that module for the figures)."""
    if sorted(key_id for key_id, _ in selectors.recipients_active()) != sorted(key_ids):
        raise ConflictError(gettext("The recipients changed during the submission; please send again."))
    sql.insert(report)
    through = Report.recipients.through
    for key_id in key_ids:
        sql.insert(through(report_id=report.pk, recipientkey_id=key_id))
    for i, upload in enumerate(uploads):
        sql.insert(Attachment(report=report, position=i, blob_id=upload.blob_id, ciphertext_size=upload.ciphertext_size))
    registry_services.audit_record(
        actor=None, actor_label=REPORTER, action="intake.report_submitted", subject_type="report",
        subject_id=report.pk, data={"attachments": len(uploads)},
    )


def _window(now: float, seconds: int) -> int:
    return int(now // seconds)


def receipt_check(*, receipt: str, now: float | None = None) -> tuple[Report, str]:
    """The report a receipt opens and the normalized receipt, or an error.

    Wrong receipts count against an instance-wide budget per short window (we keep no client
    identifier to throttle by). When it is spent, every receipt check is refused until the window
    ends, so a guessing attack stops and the real reporter waits at most one window.
    """
    config = intake_config()
    now = time.time() if now is None else now
    window = _window(now, config.receipt_window_seconds)
    throttle = ReceiptThrottle.objects.filter(window=window).first()
    if throttle and throttle.failures >= config.receipt_failures_per_window:
        raise ReceiptThrottledError()
    normalized = crypto.receipt_normalize(receipt or "")
    report = None
    if normalized:
        report = Report.objects.filter(receipt_hash=crypto.receipt_hash(normalized, receipt_key())).first()
    if report is None or normalized is None:
        with transaction.atomic():
            ReceiptThrottle.objects.get_or_create(window=window)
            ReceiptThrottle.objects.filter(window=window).update(failures=F("failures") + 1)
            ReceiptThrottle.objects.filter(window__lt=window - 1).delete()
        raise ReceiptInvalidError()
    return report, normalized


def _thread_keys(report: Report) -> list[str]:
    return selectors.recipient_public_keys() + [report.reporter_public_key]


@transaction.atomic
def message_from_reporter(*, report: Report, body: str) -> Message:
    body = _clean_text(body, "message")
    message = Message.objects.create(
        report=report, author=MessageAuthor.REPORTER,
        body_ct=crypto.encrypt(body.encode(), _thread_keys(report)),
    )
    if report.state == ReportState.CLOSED:
        report.state, report.closed_at = ReportState.IN_PROGRESS, None
        report.save(update_fields=["state", "closed_at"])
    registry_services.audit_record(actor=None, actor_label=REPORTER, action="intake.reporter_replied", subject_type="report", subject_id=report.pk)
    return message


# What can be wrong with a text an analyst or a reporter wrote, per kind of text (whole sentences,
# so each language can word them its own way).
_TEXT_ERRORS = {
    "message": (gettext_lazy("The message is empty."), gettext_lazy("The message contains a NUL character."),
                gettext_lazy("The message is too long.")),
    "note": (gettext_lazy("The note is empty."), gettext_lazy("The note contains a NUL character."),
             gettext_lazy("The note is too long.")),
    "summary": (gettext_lazy("The summary is empty."), gettext_lazy("The summary contains a NUL character."),
                gettext_lazy("The summary is too long.")),
}


def _clean_text(text: str, what: str) -> str:
    empty, nul, too_long = _TEXT_ERRORS[what]
    text = (text or "").strip()
    if not text:
        raise ValidationError(str(empty))
    if "\x00" in text:
        raise ValidationError(str(nul))
    if len(text) > intake_config().max_text_chars:
        raise ValidationError(str(too_long))
    return text


@transaction.atomic
def message_from_analyst(*, actor: Any, report: Report, body: str) -> Message:
    body = _clean_text(body, "message")
    message = Message.objects.create(
        report=report, author=MessageAuthor.ANALYST, analyst=actor,
        body_ct=crypto.encrypt(body.encode(), _thread_keys(report)),
    )
    registry_services.audit_record(actor=actor, action="intake.analyst_replied", subject_type="report", subject_id=report.pk)
    return message
