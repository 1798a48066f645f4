"""Writes for the reporting channel and the inbox. Each is atomic and leaves an audit row.

Audit rows never carry anything a reporter wrote: only ids, states and counts.
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.db import DatabaseError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from tnrwatch.core import sql
from tnrwatch.core.errors import ConflictError, NotFoundOrForbiddenError, ValidationError
from tnrwatch.registry import services as registry_services
from tnrwatch.registry import vocabulary as registry_vocabulary
from tnrwatch.registry.models import Country, Organization, Station

from . import crypto, selectors
from .blobs import blob_store
from .config import intake_config, receipt_key
from .models import (
    Attachment,
    Message,
    MessageAuthor,
    Note,
    ProtectionResource,
    ReceiptThrottle,
    RecipientKey,
    Report,
    ReportState,
    RiskLevel,
)

REPORTER = "reporter"  # the audit actor label for anonymous reporters


class ReceiptThrottledError(ValidationError):
    """Too many wrong receipts were tried just now; wait a minute and try again."""


class ReceiptInvalidError(NotFoundOrForbiddenError):
    """No report matches this receipt."""


# --- recipient keys -------------------------------------------------------------------------------


@transaction.atomic
def recipient_key_create(*, actor: Any, passphrase: str, label: str = "") -> RecipientKey:
    """A new age identity for `actor`, wrapped under `passphrase`; their older keys stop receiving."""
    if len(passphrase) < 12:
        raise ValidationError(gettext("Choose a passphrase of at least 12 characters."))
    identity, public_key = crypto.identity_generate()
    wrapped = crypto.identity_wrap(identity, passphrase, intake_config().kdf_cost)
    now = timezone.now()
    RecipientKey.objects.filter(user=actor, active=True).update(active=False, retired_at=now)
    key = RecipientKey.objects.create(
        user=actor, label=label or actor.get_username(), public_key=public_key, wrapped_identity=wrapped
    )
    registry_services.audit_record(actor=actor, action="intake.key_created", subject_type="recipient_key", subject_id=key.pk)
    return key


@transaction.atomic
def recipient_key_add_offline(*, actor: Any, label: str, public_key: str) -> RecipientKey:
    """An offline recipient (its private key never touches this server)."""
    crypto.recipient_parse(public_key)
    if RecipientKey.objects.filter(public_key=public_key.strip()).exists():
        raise ConflictError(gettext("This key is already a recipient."))
    key = RecipientKey.objects.create(label=label.strip()[:150] or "offline key", public_key=public_key.strip())
    registry_services.audit_record(actor=actor, action="intake.key_added_offline", subject_type="recipient_key", subject_id=key.pk)
    return key


@transaction.atomic
def recipient_key_retire(*, actor: Any, key: RecipientKey) -> RecipientKey:
    key.active = False
    key.retired_at = timezone.now()
    key.save(update_fields=["active", "retired_at"])
    registry_services.audit_record(actor=actor, action="intake.key_retired", subject_type="recipient_key", subject_id=key.pk)
    return key


def identities_unlock(*, user: Any, passphrase: str) -> list:
    """Every identity of `user` that `passphrase` unwraps (old keys still open old reports).

    Success and failure each leave an audit row; failure raises WrongPassphraseError.
    """
    identities = []
    for key in RecipientKey.objects.filter(user=user).exclude(wrapped_identity=b""):
        try:
            identities.append(crypto.identity_unwrap(bytes(key.wrapped_identity), passphrase))
        except crypto.WrongPassphraseError:
            continue
    if not identities:
        registry_services.audit_record(actor=user, action="intake.unlock_failed", subject_type="recipient_key")
        raise crypto.WrongPassphraseError()
    registry_services.audit_record(actor=user, action="intake.unlocked", subject_type="recipient_key")
    return identities


@dataclass(frozen=True)
class OpenedReport:
    """A report decrypted for one analyst: answers, attachments (each with its `meta`), thread and notes."""

    answers: dict[str, Any]
    attachments: list[Attachment]
    thread: list[Any]
    notes: list[Any]


def report_open(*, actor: Any, report: Report, identities: Sequence) -> OpenedReport:
    """Decrypts `report` with `identities` and records that `actor` opened it.

    Raises DecryptionError (and records nothing) when these identities cannot open the answers.
    """
    answers = selectors.report_answers(report, identities)
    attachments = list(report.attachments.all())
    for attachment, meta in zip(attachments, answers.get("attachments", []), strict=False):
        attachment.meta = meta
    opened = OpenedReport(
        answers=answers, attachments=attachments,
        thread=selectors.thread_decrypted(report, identities), notes=selectors.notes_decrypted(report, identities),
    )
    registry_services.audit_record(actor=actor, action="intake.report_opened", subject_type="report", subject_id=report.pk)
    return opened


def attachment_open(*, actor: Any, attachment: Attachment, identities: Sequence, stripped: bool = False) -> tuple[str, bytes]:
    """The attachment's original file name (from the answers) and its plaintext, recording the download.

    Raises DecryptionError when these identities cannot open it.
    """
    data = selectors.attachment_plaintext(attachment, identities, stripped=stripped)
    metas = selectors.report_answers(attachment.report, identities).get("attachments", [])
    name = metas[attachment.position]["name"] if attachment.position < len(metas) else "attachment"
    registry_services.audit_record(
        actor=actor, action="intake.attachment_downloaded", subject_type="report", subject_id=attachment.report_id,
        data={"position": attachment.position, "stripped": stripped},
    )
    return name, data


# --- reports --------------------------------------------------------------------------------------


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


@transaction.atomic
def note_add(*, actor: Any, report: Report, body: str) -> Note:
    body = _clean_text(body, "note")
    keys = selectors.recipient_public_keys()
    note = Note.objects.create(report=report, author=actor, body_ct=crypto.encrypt(body.encode(), keys))
    registry_services.audit_record(actor=actor, action="intake.note_added", subject_type="report", subject_id=report.pk)
    return note


@transaction.atomic
def report_set_state(*, actor: Any, report: Report, state: str) -> Report:
    if state not in ReportState.values:
        raise ValidationError(gettext("Unknown state."))
    old = report.state
    report.state = state
    report.closed_at = timezone.now() if state == ReportState.CLOSED else None
    report.save(update_fields=["state", "closed_at"])
    registry_services.audit_record(actor=actor, action="intake.state_set", subject_type="report", subject_id=report.pk, data={"from": old, "to": state})
    return report


@transaction.atomic
def report_set_risk(*, actor: Any, report: Report, risk: str) -> Report:
    if risk not in RiskLevel.values:
        raise ValidationError(gettext("Unknown risk level."))
    old = report.risk
    report.risk = risk
    report.save(update_fields=["risk"])
    registry_services.audit_record(actor=actor, action="intake.risk_set", subject_type="report", subject_id=report.pk, data={"from": old, "to": risk})
    return report


@transaction.atomic
def report_assign(*, actor: Any, report: Report, assignee: Any | None) -> Report:
    report.assigned_to = assignee
    report.save(update_fields=["assigned_to"])
    registry_services.audit_record(
        actor=actor, action="intake.assigned", subject_type="report", subject_id=report.pk,
        data={"to": assignee.get_username() if assignee else None},
    )
    return report


@transaction.atomic
def report_link(*, actor: Any, report: Report, station: Station | None = None, organization: Organization | None = None) -> Report:
    if station is None and organization is None:
        raise ValidationError(gettext("Choose a station or an organisation."))
    data: dict[str, Any] = {}
    if station is not None:
        report.stations.add(station)
        data["station"] = station.pk
    if organization is not None:
        report.organizations.add(organization)
        data["organization"] = organization.pk
    registry_services.audit_record(actor=actor, action="intake.linked", subject_type="report", subject_id=report.pk, data=data)
    return report


@transaction.atomic
def report_promote(
    *, actor: Any, report: Report, host_country: Country, tactic: str, summary: str,
    month: date | None = None, target_category: str = "unknown",
) -> Any:
    """Create a de-identified registry Incident from a report (TLP:AMBER, `from_report`).

    The analyst writes the summary; nothing the reporter wrote is copied automatically. The date
    is kept to the month and the place to the country, so the incident cannot point at a person.
    """
    if report.incident_id:
        raise ConflictError(gettext("This report has already been promoted."))
    if tactic not in registry_vocabulary.INCIDENT_TACTICS:
        raise ValidationError(gettext("Unknown tactic."))
    summary = _clean_text(summary, "summary")[:2000]
    incident = registry_services.incident_create(
        actor=actor, date=month.replace(day=1) if month else None, date_precision="month",
        origin_country=registry_services.country_get("CN"), host_country=host_country,
        tactic=tactic, target_category=target_category, summary=summary,
        stations=list(report.stations.all()), from_report=True, marking="amber",
    )
    report.incident = incident
    report.save(update_fields=["incident"])
    registry_services.audit_record(actor=actor, action="intake.promoted", subject_type="report", subject_id=report.pk, data={"incident": incident.pk})
    return incident


@transaction.atomic
def report_delete(*, actor: Any, report: Report, actor_label: str | None = None) -> None:
    """Delete a report, its thread, notes and attachment blobs.

    On SQLite the connection runs with `PRAGMA secure_delete=ON`, so freed pages are zeroed;
    the rows held ciphertext only in any case. Blob files are overwritten, then unlinked, after
    the transaction commits.
    """
    blob_ids = [b for a in report.attachments.all() for b in (a.blob_id, a.stripped_blob_id) if b]
    report_id = report.pk
    report.delete()
    registry_services.audit_record(actor=actor, actor_label=actor_label, action="intake.report_deleted", subject_type="report", subject_id=report_id)
    store = blob_store()
    transaction.on_commit(lambda: [store.delete(b) for b in blob_ids])


def reports_purge_expired(*, now: datetime | None = None) -> int:
    """Delete every report closed more than `retention_days` ago. Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=intake_config().retention_days)
    count = 0
    for report in Report.objects.filter(state=ReportState.CLOSED, closed_at__lt=cutoff):
        report_delete(actor=None, actor_label="retention", report=report)
        count += 1
    if count and connection.vendor == "sqlite" and not connection.in_atomic_block:
        # secure_delete zeroes the freed pages in the database file; the WAL still holds the old
        # page images until a checkpoint, so fold it back and truncate it now (best effort: a
        # reader holding an old snapshot makes it wait for the next run).
        try:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        except DatabaseError:
            pass
    return count


# --- attachments ----------------------------------------------------------------------------------


@transaction.atomic
def attachment_strip_request(*, actor: Any, attachment: Attachment, identities: Sequence) -> Attachment:
    """Queue a metadata-stripped copy of an attachment (made in a background task)."""
    from . import tasks

    attachment.stripped_state = "queued"
    attachment.save(update_fields=["stripped_state"])
    registry_services.audit_record(actor=actor, action="intake.strip_requested", subject_type="attachment", subject_id=attachment.pk)
    # The identity must reach the task without touching disk or a queue: the task runs in this
    # process, after commit, on a thread (see tasks.py).
    transaction.on_commit(lambda: tasks.attachment_strip_in_background(attachment.pk, list(identities)))
    return attachment


def attachment_strip_record(*, attachment: Attachment, state: str, stripped_blob_id: str = "") -> Attachment:
    """Record the outcome of a stripping job (done, unsupported, failed) with its audit row."""
    with transaction.atomic():
        if stripped_blob_id:
            attachment.stripped_blob_id = stripped_blob_id
        attachment.stripped_state = state
        attachment.save(update_fields=["stripped_blob_id", "stripped_state"])
        registry_services.audit_record(
            actor=None, actor_label="intake.strip", action="intake.strip_finished", subject_type="attachment",
            subject_id=attachment.pk, data={"state": state},
        )
    return attachment


# --- protection resources -------------------------------------------------------------------------


@transaction.atomic
def resource_save(*, actor: Any, resource: ProtectionResource | None = None, **fields: Any) -> ProtectionResource:
    resource = resource or ProtectionResource()
    for name, value in fields.items():
        setattr(resource, name, value)
    try:
        resource.full_clean()
    except Exception as exc:  # Django's ValidationError -> ours, with a readable message
        raise ValidationError(gettext("Check the fields of this resource.")) from exc
    created = resource.pk is None
    resource.save()
    registry_services.audit_record(
        actor=actor, action="intake.resource_created" if created else "intake.resource_updated",
        subject_type="protection_resource", subject_id=resource.pk,
    )
    return resource


@transaction.atomic
def resource_delete(*, actor: Any, resource: ProtectionResource) -> None:
    pk = resource.pk
    resource.delete()
    registry_services.audit_record(actor=actor, action="intake.resource_deleted", subject_type="protection_resource", subject_id=pk)


def blobs_sweep(*, older_than_seconds: int = 3600) -> int:
    """Remove blobs no attachment points at (an upload cut off by a crash or a refused form)."""
    store = blob_store()
    cutoff = time.time() - older_than_seconds
    referenced = set(Attachment.objects.values_list("blob_id", flat=True))
    referenced |= set(Attachment.objects.exclude(stripped_blob_id="").values_list("stripped_blob_id", flat=True))
    removed = 0
    for path in store.stale_parts() + [store.root / f"{b}.age" for b in store.all_ids() if b not in referenced]:
        try:
            if path.stat().st_mtime < cutoff:
                store.discard(path.stem)
                removed += 1
        except FileNotFoundError:
            continue
    return removed


def report_rekey(*, actor: Any, report: Report, identities: Sequence) -> Report:
    """Re-encrypt a report (answers, thread, notes, files) to the recipients active now.

    Reports are encrypted to the keys active when they arrive, so an analyst who sets up a key
    later cannot read older ones until a colleague who can runs this. New ciphertext is written
    first; the old blobs are deleted only after the database commit.
    """
    recipients = selectors.recipients_active()
    if not recipients:
        raise crypto.EncryptionError(gettext("There are no active recipients."))
    key_ids = [key_id for key_id, _ in recipients]
    public_keys = [public_key for _, public_key in recipients]
    store = blob_store()
    answers_ct = crypto.encrypt(crypto.decrypt(bytes(report.answers_ct), identities), public_keys)
    messages = [(m, crypto.encrypt(crypto.decrypt(bytes(m.body_ct), identities), public_keys + [report.reporter_public_key]))
                for m in report.messages.all()]
    notes = [(n, crypto.encrypt(crypto.decrypt(bytes(n.body_ct), identities), public_keys)) for n in report.notes.all()]
    new_blobs: list[tuple[Attachment, str, int, str, str]] = []
    try:
        for attachment in report.attachments.all():
            with store.open(attachment.blob_id) as handle:
                blob_id, size = store.write(crypto.encrypt(crypto.decrypt(handle, identities), public_keys))
            stripped_id = ""
            if attachment.stripped_blob_id:
                with store.open(attachment.stripped_blob_id) as handle:
                    stripped_id, _ = store.write(crypto.encrypt(crypto.decrypt(handle, identities), public_keys))
            new_blobs.append((attachment, blob_id, size, stripped_id, attachment.blob_id))
    except Exception:
        for _, blob_id, _, stripped_id, _ in new_blobs:
            store.discard(blob_id)
            if stripped_id:
                store.discard(stripped_id)
        raise
    old_blobs = [b for a, _, _, _, old in new_blobs for b in (old, a.stripped_blob_id) if b]
    with transaction.atomic():
        report.answers_ct = answers_ct
        report.save(update_fields=["answers_ct"])
        report.recipients.set(key_ids)
        for message, body_ct in messages:
            Message.objects.filter(pk=message.pk).update(body_ct=body_ct)
        for note, body_ct in notes:
            Note.objects.filter(pk=note.pk).update(body_ct=body_ct)
        for attachment, blob_id, size, stripped_id, _ in new_blobs:
            Attachment.objects.filter(pk=attachment.pk).update(blob_id=blob_id, ciphertext_size=size, stripped_blob_id=stripped_id)
        registry_services.audit_record(actor=actor, action="intake.rekeyed", subject_type="report", subject_id=report.pk,
                                       data={"recipients": len(key_ids)})
        transaction.on_commit(lambda: [store.delete(b) for b in old_blobs])
    return report
