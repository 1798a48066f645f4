"""Reads for the reporting channel and the inbox, including decryption with an unlocked identity."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.db.models import QuerySet

from tnrwatch.core.errors import NotFoundOrForbiddenError

from . import crypto
from .models import Attachment, Message, Note, ProtectionResource, RecipientKey, Report
from .services import blob_store


def report_get(report_id: Any) -> Report:
    """The report with this id, or NotFoundOrForbiddenError (callers have checked the role)."""
    try:
        return Report.objects.get(pk=int(report_id))
    except (Report.DoesNotExist, ValueError, TypeError, OverflowError) as exc:
        raise NotFoundOrForbiddenError() from exc


def report_list(*, state: str = "", risk: str = "", assigned_to: Any = None) -> QuerySet[Report]:
    qs = Report.objects.select_related("assigned_to", "incident").prefetch_related("attachments")
    if state:
        qs = qs.filter(state=state)
    if risk:
        qs = qs.filter(risk=risk)
    if assigned_to is not None:
        qs = qs.filter(assigned_to=assigned_to)
    return qs


def recipient_keys_active() -> list[RecipientKey]:
    return list(RecipientKey.objects.filter(active=True).select_related("user"))


def recipient_public_keys() -> list[str]:
    return [public_key for _, public_key in recipients_active()]


def recipients_active() -> list[tuple[int, str]]:
    """(id, public key) of every active recipient, in id order."""
    return list(RecipientKey.objects.filter(active=True).order_by("id").values_list("id", "public_key"))


def recipient_key_of(user: Any) -> RecipientKey | None:
    return RecipientKey.objects.filter(user=user, active=True).first()


def report_answers(report: Report, identities: Sequence) -> dict[str, Any]:
    """The reporter's answers, decrypted (raises DecryptionError with the wrong key)."""
    return json.loads(crypto.decrypt(bytes(report.answers_ct), identities))


def attachment_plaintext(attachment: Attachment, identities: Sequence, *, stripped: bool = False) -> bytes:
    blob_id = attachment.stripped_blob_id if stripped else attachment.blob_id
    if not blob_id:
        raise NotFoundOrForbiddenError()
    with blob_store().open(blob_id) as handle:
        return crypto.decrypt(handle, identities)


@dataclass(frozen=True)
class ThreadEntry:
    author: str
    analyst: str
    body: str | None  # None when this key cannot open the message
    created_at: datetime


def thread_decrypted(report: Report, identities: Sequence) -> list[ThreadEntry]:
    entries = []
    for message in Message.objects.filter(report=report).select_related("analyst"):
        try:
            body: str | None = crypto.decrypt(bytes(message.body_ct), identities).decode()
        except crypto.DecryptionError:
            body = None
        entries.append(ThreadEntry(
            author=message.author, analyst=message.analyst.get_username() if message.analyst else "",
            body=body, created_at=message.created_at,
        ))
    return entries


def notes_decrypted(report: Report, identities: Sequence) -> list[ThreadEntry]:
    entries = []
    for note in Note.objects.filter(report=report).select_related("author"):
        try:
            body: str | None = crypto.decrypt(bytes(note.body_ct), identities).decode()
        except crypto.DecryptionError:
            body = None
        entries.append(ThreadEntry(author="analyst", analyst=note.author.get_username() if note.author else "", body=body, created_at=note.created_at))
    return entries


def resources_by_country(country_iso2: str = "") -> QuerySet[ProtectionResource]:
    qs = ProtectionResource.objects.select_related("country")
    if country_iso2:
        qs = qs.filter(country__iso2=country_iso2.upper()[:2])
    return qs
