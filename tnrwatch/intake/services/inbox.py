"""The analysts' inbox: opening reports and files, notes, triage, promotion, stripping, rekey, delete.

Each write is atomic and leaves an audit row with ids and states only, never what a reporter wrote.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, ValidationError
from tnrwatch.registry import services as registry_services
from tnrwatch.registry import vocabulary as registry_vocabulary
from tnrwatch.registry.models import Country, Organization, Station

from .. import crypto, selectors
from ..blobs import blob_store
from ..models import Attachment, Message, Note, Report, ReportState, RiskLevel
from .reports import _clean_text


@dataclass(frozen=True)
class OpenedReport:
    """A report decrypted for one analyst: answers, attachments (each with its `meta`), thread and notes."""

    answers: dict[str, Any]
    attachments: list[Attachment]
    thread: list[Any]
    notes: list[Any]


def _blobs_delete(store: Any, blob_ids: Iterable[str]) -> None:
    for blob_id in blob_ids:
        store.delete(blob_id)


def report_open(*, actor: Any, report: Report, identities: Sequence) -> OpenedReport:
    """Decrypts `report` with `identities` and records that `actor` opened it.

    Raises DecryptionError (and records nothing) when these identities cannot open the answers.
    """
    answers = selectors.report_answers(report, identities)
    attachments = list(report.attachments.all())
    for attachment in attachments:
        attachment.meta = selectors.attachment_meta(attachment, answers, identities)  # type: ignore[attr-defined]  # read by the inbox template
    if report.read_at is None:
        report.read_at = timezone.now()
        Report.objects.filter(pk=report.pk, read_at__isnull=True).update(read_at=report.read_at)
    opened = OpenedReport(
        answers=answers, attachments=attachments,
        thread=selectors.thread_decrypted(report, identities), notes=selectors.notes_decrypted(report, identities),
    )
    audit_record(actor=actor, action="intake.report_opened", subject_type="report", subject_id=report.pk)
    return opened


def attachment_open(*, actor: Any, attachment: Attachment, identities: Sequence, stripped: bool = False) -> tuple[str, bytes]:
    """The attachment's original file name (from the answers) and its plaintext, recording the download.

    Raises DecryptionError when these identities cannot open it.
    """
    data = selectors.attachment_plaintext(attachment, identities, stripped=stripped)
    name = selectors.attachment_meta(attachment, selectors.report_answers(attachment.report, identities), identities)["name"]
    audit_record(
        actor=actor, action="intake.attachment_downloaded", subject_type="report", subject_id=attachment.report_id,
        data={"position": attachment.position, "stripped": stripped},
    )
    return name, data


@transaction.atomic
def note_add(*, actor: Any, report: Report, body: str) -> Note:
    body = _clean_text(body, "note")
    keys = selectors.recipient_public_keys()
    note = Note.objects.create(report=report, author=actor, body_ct=crypto.encrypt(body.encode(), keys))
    audit_record(actor=actor, action="intake.note_added", subject_type="report", subject_id=report.pk)
    return note


@transaction.atomic
def report_set_state(*, actor: Any, report: Report, state: str) -> Report:
    if state not in ReportState.values:
        raise ValidationError(gettext("Unknown state."))
    old = report.state
    report.state = state
    report.closed_at = timezone.now() if state == ReportState.CLOSED else None
    report.save(update_fields=["state", "closed_at"])
    audit_record(actor=actor, action="intake.state_set", subject_type="report", subject_id=report.pk, data={"from": old, "to": state})
    return report


@transaction.atomic
def report_set_risk(*, actor: Any, report: Report, risk: str) -> Report:
    if risk not in RiskLevel.values:
        raise ValidationError(gettext("Unknown risk level."))
    old = report.risk
    report.risk = risk
    report.save(update_fields=["risk"])
    audit_record(actor=actor, action="intake.risk_set", subject_type="report", subject_id=report.pk, data={"from": old, "to": risk})
    return report


@transaction.atomic
def report_assign(*, actor: Any, report: Report, assignee: Any | None) -> Report:
    report.assigned_to = assignee
    report.save(update_fields=["assigned_to"])
    audit_record(
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
    audit_record(actor=actor, action="intake.linked", subject_type="report", subject_id=report.pk, data=data)
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
    audit_record(actor=actor, action="intake.promoted", subject_type="report", subject_id=report.pk, data={"incident": incident.pk})
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
    audit_record(actor=actor, actor_label=actor_label, action="intake.report_deleted", subject_type="report", subject_id=report_id)
    store = blob_store()
    transaction.on_commit(lambda: _blobs_delete(store, blob_ids))


@transaction.atomic
def attachment_strip_request(*, actor: Any, attachment: Attachment, identities: Sequence) -> Attachment:
    """Queue a metadata-stripped copy of an attachment (made in a background task)."""
    from .. import tasks

    attachment.stripped_state = "queued"
    attachment.save(update_fields=["stripped_state"])
    audit_record(actor=actor, action="intake.strip_requested", subject_type="attachment", subject_id=attachment.pk)
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
        audit_record(
            actor=None, actor_label="intake.strip", action="intake.strip_finished", subject_type="attachment",
            subject_id=attachment.pk, data={"state": state},
        )
    return attachment


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
    metas = [(a.pk, crypto.encrypt(crypto.decrypt(bytes(a.meta_ct), identities), public_keys + [report.reporter_public_key]))
             for a in report.attachments.exclude(meta_ct=b"")]
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
        for attachment_id, meta_ct in metas:
            Attachment.objects.filter(pk=attachment_id).update(meta_ct=meta_ct)
        for attachment, blob_id, size, stripped_id, _ in new_blobs:
            Attachment.objects.filter(pk=attachment.pk).update(blob_id=blob_id, ciphertext_size=size, stripped_blob_id=stripped_id)
        audit_record(actor=actor, action="intake.rekeyed", subject_type="report", subject_id=report.pk,
                                       data={"recipients": len(key_ids)})
        transaction.on_commit(lambda: _blobs_delete(store, old_blobs))
    return report
