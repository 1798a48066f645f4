"""The audit row every write leaves, its place in the keyed hash chain, and chain verification.

`audit_record` (and `audit_record_many`, for bulk imports) is the one place an AuditEntry is
written; every app's services call it inside their own transaction. Each row is appended to the
keyed hash chain of `chain.py` under a lock on the chain head, in the same transaction as the row;
`audit_chain_verify` walks the chain (`tnrwatch audit verify`).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.db import connections, router, transaction
from django.db.models import F, Model, Q
from django.utils import timezone

from tnrwatch.core import sql
from tnrwatch.core.keys import instance_secret
from tnrwatch.registry import subjects

from . import chain
from .models import AuditChainHead, AuditCheck, AuditEntry


def _subject_type(model: type[Model]) -> str:
    """A claim subject's type from the table of kinds; any other model (a user, a partner) by name."""
    kind = subjects.of_model(model)
    return kind.subject_type if kind is not None and kind.claim_subject else model.__name__.lower()


def _actor_label(actor: Any, actor_label: str | None) -> str:
    if actor_label:
        return actor_label
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "system"


def audit_key() -> bytes:
    """The audit chain's MAC key: TNR_AUDIT_KEY, else the file `audit_key` in the data folder."""
    return instance_secret("audit_key", getattr(settings, "TNR_AUDIT_KEY", ""))


def audit_record(
    *,
    actor: Any,
    action: str,
    subject: Model | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    data: dict | None = None,
    actor_label: str | None = None,
    raw_insert: bool = False,
) -> AuditEntry:
    """Write one audit row, chained. Call it inside the transaction of the change it records.

    `raw_insert` is for the reporting channel's submission only (`core.sql.ALLOWED_MODELS`): the
    row goes in through `core.sql.insert` (~0.2 ms less than the ORM); every other caller saves it
    through the ORM.
    """
    if subject is not None:
        # The model's own class, not type(): request.user is a SimpleLazyObject around the User.
        subject_type = _subject_type(subject._meta.model)
        subject_id = subject.pk
    entry = audit_entry(actor=actor, action=action, subject_type=subject_type, subject_id=subject_id,
                        data=data, actor_label=actor_label)
    with transaction.atomic(using=router.db_for_write(AuditEntry), savepoint=False):
        _chain_append([entry])
        if raw_insert:
            return sql.insert(entry)
        entry.save(force_insert=True)
        return entry


def audit_entry(*, actor: Any, action: str, subject_type: str = "", subject_id: str | int = "",
                data: dict | None = None, actor_label: str | None = None) -> AuditEntry:
    """An unsaved audit row, for `audit_record_many`."""
    user = actor if (actor is not None and getattr(actor, "is_authenticated", False)) else None
    # The MAC covers the JSON as the database gives it back (keys as text, tuples as lists).
    data = json.loads(json.dumps(data)) if data else {}
    return AuditEntry(actor=user, actor_label=_actor_label(actor, actor_label), action=action,
                      subject_type=subject_type, subject_id=str(subject_id), data=data)


def audit_record_many(entries: list[AuditEntry]) -> None:
    """Write unsaved rows from `audit_entry` in one chained batch (imports). Inside a transaction."""
    if not entries:
        return
    with transaction.atomic(using=router.db_for_write(AuditEntry), savepoint=False):
        _chain_append(entries)
        AuditEntry.objects.bulk_create(entries, batch_size=500)


@lru_cache(maxsize=8)
def _head_sql(vendor: str, for_update: bool) -> tuple[str, str, str]:
    head, quote = AuditChainHead._meta.db_table, connections["default"].ops.quote_name
    select = f"SELECT seq, last_mac FROM {quote(head)} WHERE id = 1"  # noqa: S608 - names from the model
    return (select + (" FOR UPDATE" if for_update else ""),
            f"INSERT INTO {quote(head)} (id, seq, last_mac, head_mac) VALUES (1, %s, %s, %s) ON CONFLICT (id) DO NOTHING",  # noqa: S608
            f"UPDATE {quote(head)} SET seq = %s, last_mac = %s, head_mac = %s WHERE id = 1")  # noqa: S608


def _chain_append(entries: list[AuditEntry]) -> None:
    """Give each entry its place and MAC, and move the head; the caller inserts the entries.

    Concurrent writers are serialised on the head row: PostgreSQL by SELECT ... FOR UPDATE, held
    until the transaction ends; SQLite by its one writer at a time (IMMEDIATE transactions). The
    MAC covers `created_at`, so it is set here, after the lock, and never decreases along the chain.
    """
    key = audit_key()
    connection = connections[router.db_for_write(AuditEntry)]
    select, create, update = _head_sql(connection.vendor, connection.features.has_select_for_update)
    with connection.cursor() as cursor:
        cursor.execute(select)
        row = cursor.fetchone()
        if row is None:
            # A fresh (or flushed) database: start the head at the last chained row, if any.
            last = AuditEntry.objects.filter(seq__isnull=False).order_by("-seq").values_list("seq", "mac").first()
            seq, last_mac = (int(last[0] or 0), last[1]) if last else (0, chain.GENESIS)
            cursor.execute(create, [seq, last_mac, chain.head_mac(key, seq, last_mac)])
            cursor.execute(select)
            row = cursor.fetchone()
        seq, last_mac = int(row[0]), row[1] or chain.GENESIS
        now = timezone.now()
        for entry in entries:
            seq += 1
            entry.seq, entry.created_at = seq, now
            entry.mac = last_mac = chain.row_mac(
                key, last_mac, seq=seq, actor_id=entry.actor_id, actor_label=entry.actor_label,
                action=entry.action, subject_type=entry.subject_type, subject_id=entry.subject_id,
                data=entry.data, created_at=now)
        cursor.execute(update, [seq, last_mac, chain.head_mac(key, seq, last_mac)])


def _check_mac(key: bytes, check: AuditCheck) -> str:
    message = f"tnrwatch-audit-check/1|{check.checked_at.astimezone(UTC).isoformat()}|{check.rows}|{check.head_seq}|{int(check.ok)}"
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def audit_chain_verify() -> tuple[AuditCheck, list[chain.Problem]]:
    """Walk the whole audit chain; record the run (an AuditCheck under its own MAC) and return it.

    Takes no lock, so writers carry on: it reads the committed head, walks the rows up to it
    (streamed, so memory stays flat on a long log), then reads the head again and reports any row
    past that as inserted, since only an append that moved the head may create one.
    """
    key = audit_key()
    using = router.db_for_write(AuditEntry)
    heads = AuditChainHead.objects.using(using).filter(pk=1).values_list("seq", "last_mac", "head_mac")
    entries = AuditEntry.objects.using(using)
    head = heads.first()
    head_seq = head[0] if head else 0
    rows = (
        chain.ChainRow(*values)
        for values in entries.filter(Q(seq__lte=head_seq) | Q(seq__isnull=True))
        .order_by(F("seq").asc(nulls_last=True), "id")
        .values_list("id", "seq", "mac", "actor_id", "actor_label", "action", "subject_type",
                     "subject_id", "data", "created_at")
        .iterator(chunk_size=2000)
    )
    checked, problems = chain.verify(key, rows, head)
    now_head = heads.first()
    beyond = entries.filter(seq__gt=now_head[0] if now_head else 0).order_by("seq").values_list("id", "seq").first()
    if beyond is not None:
        problems.append(chain.Problem("inserted", beyond[0], beyond[1],
                                            f"row {beyond[0]} sits past the chain head: inserted"))
    check = AuditCheck(checked_at=timezone.now(), rows=checked, head_seq=head_seq,
                       ok=not problems, first_problem=problems[0].message if problems else "")
    check.mac = _check_mac(key, check)
    check.save(using=using)
    return check, problems


def audit_check_valid(check: AuditCheck) -> bool:
    """Whether an AuditCheck row was written by `audit_chain_verify` under this instance's key."""
    return bool(check.mac) and hmac.compare_digest(_check_mac(audit_key(), check), check.mac)
