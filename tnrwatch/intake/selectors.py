"""Reads for the reporting channel and the inbox, including decryption with an unlocked identity."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, cast

from django.db import connection
from django.db.models import Field, Q, QuerySet
from django.utils.translation import get_language, gettext

from tnrwatch.accounts.access import EDITORS
from tnrwatch.accounts.models import User
from tnrwatch.core.errors import NotFoundOrForbiddenError
from tnrwatch.gazetteer.names import normalize_name
from tnrwatch.registry.models import Alias, Country, Organization, Station

from . import crypto
from .blobs import blob_store
from .models import (
    Attachment,
    Message,
    MessageAuthor,
    Note,
    ProtectionResource,
    RecipientKey,
    Report,
    ReportState,
)


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


def recipient_keys_all() -> QuerySet[RecipientKey]:
    """Every recipient key, current ones first (the admins' recipients page)."""
    return RecipientKey.objects.select_related("user").order_by("-active", "label")


def recipient_key_get(key_id: Any) -> RecipientKey | None:
    return RecipientKey.objects.filter(pk=key_id).first() if str(key_id).isdigit() else None


def assignable_analysts() -> QuerySet[User]:
    """Staff a report can be assigned to: active admins and analysts."""
    return User.objects.filter(is_active=True, role__in=EDITORS).order_by("username")


def attachment_get(report_id: Any, position: int) -> Attachment:
    """The report's attachment at `position`, or NotFoundOrForbiddenError."""
    attachment = Attachment.objects.filter(report_id=report_get(report_id).pk, position=position).first()
    if attachment is None:
        raise NotFoundOrForbiddenError()
    return attachment


def resource_get(resource_id: Any) -> ProtectionResource | None:
    return ProtectionResource.objects.filter(pk=resource_id).first()


def recipient_public_keys() -> list[str]:
    return [public_key for _, public_key in recipients_active()]


def recipients_active() -> list[tuple[int, str]]:
    """(id, public key) of every active recipient, in id order.

    Read twice on every submission (before the upload, and again inside the write transaction),
    so it is one fixed statement on the cursor rather than an ORM query, whose compiling cost
    ~0.17 ms against ~0.012 ms for the statement itself (measured in-process, SQLite).
    """
    meta = RecipientKey._meta
    table, quote = meta.db_table, connection.ops.quote_name
    column = {name: quote(cast("Field[Any, Any]", meta.get_field(name)).column) for name in ("id", "public_key", "active")}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {column['id']}, {column['public_key']} FROM {quote(table)} "  # noqa: S608 - names from the model
            f"WHERE {column['active']} = %s ORDER BY {column['id']}", [True],
        )
        return [(int(key_id), str(public_key)) for key_id, public_key in cursor.fetchall()]


def recipient_key_of(user: Any) -> RecipientKey | None:
    return RecipientKey.objects.filter(user=user, active=True).first()


def report_answers(report: Report, identities: Sequence) -> dict[str, Any]:
    """The reporter's answers, decrypted (raises DecryptionError with the wrong key)."""
    return json.loads(crypto.decrypt(bytes(report.answers_ct), identities))


def attachment_meta(attachment: Attachment, answers: dict[str, Any], identities: Sequence) -> dict[str, Any]:
    """An attachment's name, type and size: from its own encrypted record if the reporter added it
    later, else from the answers of the first submission (by position)."""
    if attachment.meta_ct:
        try:
            return json.loads(crypto.decrypt(bytes(attachment.meta_ct), identities))
        except crypto.DecryptionError:
            return {"name": "attachment", "content_type": "", "size": None}
    metas = answers.get("attachments", [])
    return metas[attachment.position] if attachment.position < len(metas) else {"name": "attachment", "content_type": "", "size": None}


REPORTER_STATES = ("received", "read", "replied", "closed")


def reporter_status(report: Report) -> str:
    """What the reporter is told, truthfully: closed; else replied (an analyst wrote to them);
    else read (an analyst opened it); else received."""
    if report.state == ReportState.CLOSED:
        return "closed"
    if Message.objects.filter(report=report, author=MessageAuthor.ANALYST).exists():
        return "replied"
    return "read" if report.read_at else "received"


@dataclass(frozen=True)
class ReporterCopy:
    """What a reporter sent, as they see it with their receipt."""

    answers: dict[str, Any] | None  # None for reports made before the reporter's copy existed
    files: list[dict[str, Any]]  # every file: the first submission's, then those added later
    country_name: str = ""  # the answered country in the reader's language (answers hold its code)


def reporter_copy(report: Report, identity: Any, *, language: str = "en") -> ReporterCopy:
    answers = None
    country_name = ""
    files: list[dict[str, Any]] = []
    if report.reporter_copy_ct:
        answers = json.loads(crypto.decrypt(bytes(report.reporter_copy_ct), [identity]))
        files = list(answers.pop("attachments", []))
        code = answers.get("country") or ""
        country = Country.objects.filter(iso2=code).first() if code else None
        country_name = country.name_for(language) if country else code
    for attachment in report.attachments.exclude(meta_ct=b""):
        try:
            files.append(json.loads(crypto.decrypt(bytes(attachment.meta_ct), [identity])))
        except crypto.DecryptionError:
            continue
    return ReporterCopy(answers=answers, files=files, country_name=country_name)


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


LINK_CANDIDATES = 20


def link_candidates(query: str, limit: int = LINK_CANDIDATES) -> tuple[list[Station], list[Organization]]:
    """Stations and organisations an analyst may link a report to, found by name in any script
    (through their aliases) or by "#id". Bounded: the report page never lists the whole registry."""
    query = (query or "").strip()[:100]
    if not query:
        return [], []
    if query.lstrip("#").isdigit():
        pk = int(query.lstrip("#"))
        wanted = {"station": Q(pk=pk), "organization": Q(pk=pk)}
    else:
        key = normalize_name(query)
        if not key:
            return [], []
        matches = list(Alias.objects.filter(normalized__contains=key, subject_type__in=("station", "organization"))
                       .values_list("subject_type", "subject_id").distinct()[: limit * 4])
        by_name = Q(name_en__icontains=query) | Q(name_zh__icontains=query)
        wanted = {kind: by_name | Q(pk__in=[pk for k, pk in matches if k == kind]) for kind in ("station", "organization")}
    stations = list(Station.objects.filter(wanted["station"]).select_related("country").order_by("country__name_en", "name_en")[:limit])
    organizations = list(Organization.objects.filter(wanted["organization"]).order_by("name_en")[:limit])
    return stations, organizations


@dataclass(frozen=True)
class PublicResource:
    """A protection resource as the public pages show it."""

    name: str
    kind_label: str
    country_name: str
    contact: str
    url: str
    how_to_report: str
    is_example: bool


def resources_public(country_iso2: str = "") -> list[PublicResource]:
    """Protection resources for one country (or every country), for the receipt and help pages.

    The receipt page is on the submit path, so this is one fixed statement on the cursor: the ORM
    query with its join took ~0.38 ms against ~0.03 ms for the statement (measured in-process,
    SQLite), more than a tenth of a whole submission.
    """
    resource, country = ProtectionResource._meta, Country._meta
    quote = connection.ops.quote_name

    def col(meta, name: str) -> str:
        return f"{quote(meta.db_table)}.{quote(meta.get_field(name).column)}"

    where, params = "", []
    if country_iso2:
        where, params = f" WHERE {col(country, 'iso2')} = %s", [country_iso2.upper()[:2]]
    columns = ", ".join([col(resource, "name"), col(resource, "kind"), col(country, "iso2"), col(country, "name_en"),
                         col(country, "name_zh_hans"), col(country, "name_zh_hant"), col(resource, "contact"),
                         col(resource, "url"), col(resource, "how_to_report"), col(resource, "is_example")])
    sql = (
        f"SELECT {columns} FROM {quote(resource.db_table)} JOIN {quote(country.db_table)} "  # noqa: S608 - names from the models
        f"ON {col(resource, 'country')} = {col(country, 'id')}{where} "
        f"ORDER BY {col(country, 'name_en')}, {col(resource, 'kind')}, {col(resource, 'name')}"
    )
    kinds = dict(resource.get_field("kind").flatchoices)
    language = get_language() or "en"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [
            # Names and how-to texts are shown translated where the catalogue has them (the example
            # entries); an organisation's own entries are shown as they were written.
            PublicResource(name=gettext(name), kind_label=str(kinds.get(kind, kind)),
                           country_name=Country(iso2=iso2, name_en=en, name_zh_hans=hans, name_zh_hant=hant).name_for(language),
                           contact=contact, url=url, how_to_report=gettext(how_to_report) if how_to_report else "",
                           is_example=bool(is_example))
            for name, kind, iso2, en, hans, hant, contact, url, how_to_report, is_example in cursor.fetchall()
        ]


def resources_by_country(country_iso2: str = "") -> QuerySet[ProtectionResource]:
    """The resources as model instances, for the inbox's editing page."""
    qs = ProtectionResource.objects.select_related("country")
    if country_iso2:
        qs = qs.filter(country__iso2=country_iso2.upper()[:2])
    return qs
