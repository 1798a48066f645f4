"""The audit log's keyed hash chain: how a row's MAC is computed and how a chain is checked.

Threat model: the adversary has a copy of the database and a script, and may edit it (re-attribute
an action, delete, backdate, insert or re-order rows) and put it back. Each row carries
`mac = HMAC-SHA256(key, previous row's mac || the row's fields)`, and a chain-head row carries the
last sequence number under its own MAC. A plain hash chain would not do: whoever edits the database
can recompute plain hashes from the edited row onwards. The key (`TNR_AUDIT_KEY`, else the file
`audit_key` in the data folder) is kept out of the database, so without it no edited, inserted or
re-ordered row gets a valid MAC, and deleting rows (even the newest ones) leaves a gap the keyed
head exposes.

What it cannot show: an adversary who holds the key (a compromised running server can write rows
itself), or one who puts back a complete *older* copy of the database (a valid, shorter chain):
compare `tnrwatch audit verify`'s head (sequence and MAC) with one recorded elsewhere to see that.

No Django import: the service writes with it and `tnrwatch audit verify` checks with it.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

GENESIS = "0" * 64  # the "previous MAC" of the first row


@dataclass(frozen=True)
class ChainRow:
    """The fields of one audit row that the chain covers, in the order the MAC reads them."""

    id: int
    seq: int | None
    mac: str
    actor_id: int | None
    actor_label: str
    action: str
    subject_type: str
    subject_id: str
    data: Any
    created_at: datetime


@dataclass(frozen=True)
class Problem:
    """One place where the stored log and the chain disagree."""

    kind: str  # changed | deleted | inserted | head
    row_id: int | None
    seq: int | None
    message: str


def canonical_data(data: Any) -> str:
    # Sorted keys, no spaces: the same text whether the JSON came back from SQLite or PostgreSQL's jsonb.
    return json.dumps(data if data is not None else {}, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _timestamp(value: datetime) -> str:
    return value.astimezone(UTC).isoformat(timespec="microseconds")


def row_mac(key: bytes, prev_mac: str, *, seq: int, actor_id: int | None, actor_label: str, action: str,
            subject_type: str, subject_id: str, data: Any, created_at: datetime) -> str:
    """The MAC of one row, bound to the row before it by `prev_mac`."""
    message = json.dumps(
        ["tnrwatch-audit/1", prev_mac, seq, actor_id, actor_label, action, subject_type, subject_id,
         canonical_data(data), _timestamp(created_at)],
        separators=(",", ":"), ensure_ascii=False,
    )
    return hmac.new(key, message.encode(), hashlib.sha256).hexdigest()


def head_mac(key: bytes, seq: int, last_mac: str) -> str:
    """The MAC of the chain head: the last sequence number and the last row's MAC."""
    return hmac.new(key, f"tnrwatch-audit-head/1|{seq}|{last_mac}".encode(), hashlib.sha256).hexdigest()


def verify(key: bytes, rows: Iterable[ChainRow], head: tuple[int, str, str] | None) -> tuple[int, list[Problem]]:
    """Walk `rows` (ordered by seq, unchained rows last) against `head` = (seq, last_mac, head_mac).

    Returns (rows checked, problems in chain order). After a problem the walk carries on from the
    stored MAC, so one edit is reported once and later rows are still checked.
    """
    problems: list[Problem] = []
    checked = 0
    expected_seq = 1
    prev_mac: str | None = GENESIS
    for row in rows:
        checked += 1
        if row.seq is None or not row.mac:
            problems.append(Problem("inserted", row.id, None,
                                    f"row {row.id} is not in the chain: it was inserted outside the audit service"))
            continue
        if row.seq > expected_seq:
            missing = (f"row {expected_seq}" if row.seq == expected_seq + 1
                       else f"rows {expected_seq} to {row.seq - 1}")
            problems.append(Problem("deleted", row.id, row.seq,
                                    f"chain {missing} missing before row {row.id}: deleted"))
            prev_mac = None  # the deleted row's MAC is unknown; judge this row by its stored MAC only
        elif row.seq < expected_seq:
            problems.append(Problem("inserted", row.id, row.seq,
                                    f"row {row.id} repeats chain position {row.seq}: inserted or copied"))
            continue
        expected = row_mac(key, prev_mac or "", seq=row.seq, actor_id=row.actor_id, actor_label=row.actor_label,
                           action=row.action, subject_type=row.subject_type, subject_id=row.subject_id,
                           data=row.data, created_at=row.created_at)
        if prev_mac is not None and not hmac.compare_digest(expected, row.mac):
            problems.append(Problem("changed", row.id, row.seq,
                                    f"row {row.id} (chain position {row.seq}) was changed, forged or moved: "
                                    "its MAC does not match its fields and the row before it"))
        expected_seq = row.seq + 1
        prev_mac = row.mac
    last_seq, last_mac = expected_seq - 1, prev_mac or GENESIS
    if head is None:
        if last_seq:
            problems.append(Problem("head", None, None, "the chain head is missing"))
    else:
        head_seq, head_last, stored_head_mac = head
        if not hmac.compare_digest(head_mac(key, head_seq, head_last), stored_head_mac):
            problems.append(Problem("head", None, head_seq, "the chain head was changed: its MAC does not match"))
        elif head_seq > last_seq:
            missing = f"row {head_seq}" if head_seq == last_seq + 1 else f"rows {last_seq + 1} to {head_seq}"
            problems.append(Problem("deleted", None, head_seq, f"chain {missing} missing at the end: deleted"))
        elif head_seq < last_seq or head_last != last_mac:
            problems.append(Problem("head", None, head_seq,
                                    f"the chain head (position {head_seq}) does not match the last row"))
    return checked, problems


def chain(key: bytes, rows: Iterable[dict[str, Any]], prev_mac: str = GENESIS, start_seq: int = 1) -> Iterator[tuple[int, str]]:
    """(seq, mac) for each row dict in order, continuing a chain whose last MAC is `prev_mac`."""
    seq = start_seq
    for row in rows:
        prev_mac = row_mac(key, prev_mac, seq=seq, **row)
        yield seq, prev_mac
        seq += 1
