"""The reporter's side: submission (the hot path), receipts and the message thread.

Submission: see docs/architecture.md "The reporting channel's hot path". The thread is encrypted
to the current recipients and to the reporter's key. Audit rows carry ids and counts only.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils.translation import gettext, gettext_lazy

from tnrwatch.audit.services import audit_record
from tnrwatch.core import sql
from tnrwatch.core.errors import ConflictError, NotFoundOrForbiddenError, ValidationError

from .. import crypto, selectors
from ..config import intake_config, receipt_key
from ..models import Attachment, Message, MessageAuthor, Report, ReportState
from .budget import budget_reserve

REPORTER = "reporter"  # the audit actor label for anonymous reporters


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
    receipt: str | None = None,
) -> tuple[Report, str]:
    """Store a report encrypted to the current recipients; returns it and the receipt (shown once).

    The receipt itself is not stored: only its HMAC (for look-up) and the public half of the
    reporter key derived from it (so replies can be encrypted to the reporter), both keyed with
    the server's receipt key. The crypto work
    happens before the transaction, which then only inserts rows (SQLite holds its write lock
    for the whole transaction). `recipients` are the (id, public key) pairs the caller already read
    for its upload handler (saves a query); the transaction checks they are still exactly the
    active recipients. `receipt` is a fresh one from `crypto.receipt_generate` when the caller
    renders the receipt page before storing (so a failure there stores nothing); else one is made.
    Raises IntakeBusyError, storing nothing, when the intake budget cannot take the report.
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
    receipt = receipt or crypto.receipt_generate()
    normalized = crypto.receipt_normalize(receipt)
    assert normalized is not None
    payload = dict(answers)
    payload["attachments"] = [
        {"name": u.name, "content_type": u.content_type, "size": u.size} for u in uploads
    ]
    key = receipt_key()
    reporter_public_key = str(crypto.reporter_identity(normalized, key).to_public())
    plaintext = json.dumps(payload).encode()
    report = Report(
        receipt_hash=crypto.receipt_hash(normalized, key),
        reporter_public_key=reporter_public_key,
        answers_ct=crypto.encrypt(plaintext, public_keys),
        # the reporter's own copy of what they sent, for the follow-up page (their key only)
        reporter_copy_ct=crypto.encrypt(plaintext, [reporter_public_key]),
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
    budget_reserve(stored_bytes=len(report.answers_ct) + len(report.reporter_copy_ct) + sum(u.ciphertext_size for u in uploads))
    sql.insert(report)
    through = Report.recipients.through
    for key_id in key_ids:
        sql.insert(through(report_id=report.pk, recipientkey_id=key_id))
    for i, upload in enumerate(uploads):
        sql.insert(Attachment(report=report, position=i, blob_id=upload.blob_id, ciphertext_size=upload.ciphertext_size))
    audit_record(
        actor=None, actor_label=REPORTER, action="intake.report_submitted", subject_type="report",
        subject_id=report.pk, data={"attachments": len(uploads)}, raw_insert=True,
    )


@dataclass(frozen=True)
class ReporterAccess:
    """A report opened with its receipt, and the reporter's identity that opens its thread."""

    report: Report
    identity: Any  # x25519.Identity


def receipt_check(*, receipt: str) -> ReporterAccess:
    """The report a receipt opens, with the reporter's identity, or ReceiptInvalidError.

    Nothing is counted or throttled, and nothing about the client is kept: a wrong receipt costs
    one keyed hash and one index look-up, and a right one is never refused because of what others
    tried (a global throttle let anyone lock every reporter out; see SECURITY.md, "Receipts", for
    why 140 random bits need no throttle). A report made before the reporter key needed the
    server's key is re-encrypted to its new key now (`_reporter_key_upgrade`).
    """
    normalized = crypto.receipt_normalize(receipt or "")
    if normalized is None:
        raise ReceiptInvalidError()
    key = receipt_key()
    report = Report.objects.filter(receipt_hash=crypto.receipt_hash(normalized, key)).first()
    if report is None:
        raise ReceiptInvalidError()
    if report.reporter_key_version != crypto.REPORTER_KEY_V2:
        report = _reporter_key_upgrade(report, normalized, key)
    return ReporterAccess(report=report, identity=crypto.reporter_identity(normalized, key))


@transaction.atomic
def _reporter_key_upgrade(report: Report, normalized: str, key: bytes) -> Report:
    """Move a version-1 report (reporter key from the receipt alone) to the version-2 key.

    Only the reporter's visit can do this: the new key needs the receipt, which is never stored.
    Every message (each is encrypted to the recipients and the reporter) is decrypted with the old
    key and encrypted again to the report's recipients, the recipients active now and the new key;
    then the old public key is replaced. Audited; the audit row has no content.
    """
    report = Report.objects.select_for_update().get(pk=report.pk)
    if report.reporter_key_version == crypto.REPORTER_KEY_V2:
        return report  # another request upgraded it first
    old_identity = crypto.reporter_identity_v1(normalized)
    new_public = str(crypto.reporter_identity(normalized, key).to_public())
    keys = sorted(set(report.recipients.values_list("public_key", flat=True)) | set(selectors.recipient_public_keys()))
    messages = list(report.messages.all())
    for message in messages:
        plaintext = crypto.decrypt(bytes(message.body_ct), [old_identity])
        Message.objects.filter(pk=message.pk).update(body_ct=crypto.encrypt(plaintext, keys + [new_public]))
    report.reporter_public_key, report.reporter_key_version = new_public, crypto.REPORTER_KEY_V2
    report.save(update_fields=["reporter_public_key", "reporter_key_version"])
    audit_record(
        actor=None, actor_label=REPORTER, action="intake.reporter_key_upgraded", subject_type="report",
        subject_id=report.pk, data={"messages": len(messages)},
    )
    return report


def _thread_keys(report: Report) -> list[str]:
    return selectors.recipient_public_keys() + [report.reporter_public_key]


def message_from_reporter(*, report: Report, body: str) -> Message:
    """A message from the reporter (no files); see `reporter_add`."""
    message = reporter_add(report=report, body=body)
    assert message is not None
    return message


@transaction.atomic
def reporter_add(*, report: Report, body: str = "", uploads: Sequence[StoredUpload] = ()) -> Message | None:
    """What a reporter adds later with their receipt: a message, files (already streamed and
    encrypted to the recipients by the upload handler), or both. Returns the message, if any.

    The message is encrypted to the recipients and the reporter; each file's name, type and size to
    the same keys (Attachment.meta_ct), so the reporter sees what they added. Counted against the
    intake budget (IntakeBusyError, nothing stored). A closed report is reopened. Audited.
    """
    body = (body or "").strip()
    if not body and not uploads:
        raise ValidationError(gettext("Write a message or choose a file."))
    keys = selectors.recipient_public_keys()
    for upload in uploads:
        if sorted(upload.public_keys) != sorted(keys):
            raise ConflictError(gettext("The recipients changed during the upload; please send again."))
    thread_keys = keys + [report.reporter_public_key]
    body_ct = crypto.encrypt(_clean_text(body, "message").encode(), thread_keys) if body else b""
    metas = [crypto.encrypt(json.dumps({"name": u.name, "content_type": u.content_type, "size": u.size}).encode(), thread_keys)
             for u in uploads]
    budget_reserve(stored_bytes=len(body_ct) + sum(len(m) for m in metas) + sum(u.ciphertext_size for u in uploads), reports=0)
    message = Message.objects.create(report=report, author=MessageAuthor.REPORTER, body_ct=body_ct) if body else None
    last = report.attachments.order_by("-position").values_list("position", flat=True).first()
    position = 0 if last is None else last + 1
    for offset, (upload, meta_ct) in enumerate(zip(uploads, metas, strict=True)):
        Attachment.objects.create(report=report, position=position + offset, blob_id=upload.blob_id,
                                  ciphertext_size=upload.ciphertext_size, meta_ct=meta_ct)
    if report.state == ReportState.CLOSED:
        report.state, report.closed_at = ReportState.IN_PROGRESS, None
        report.save(update_fields=["state", "closed_at"])
    audit_record(actor=None, actor_label=REPORTER, action="intake.reporter_replied", subject_type="report",
                                   subject_id=report.pk, data={"message": bool(body), "files": len(uploads)})
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
    audit_record(actor=actor, action="intake.analyst_replied", subject_type="report", subject_id=report.pk)
    return message
