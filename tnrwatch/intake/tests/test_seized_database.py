"""A seized copy of the database, with a valid receipt found on a person, and without the server's
receipt key: the report cannot be found and no message decrypts. With the key, both work.

The attacker here has only the database file (no settings, no secrets, no blob folder) and tries
every derivation that does not need the key: plain hashes of the receipt, HMACs under an empty or
public key, and the first (receipt-only) reporter-key derivation.
"""

from __future__ import annotations

import hashlib
import hmac
import sqlite3

import pytest
from django.db import connection
from django.urls import reverse

from tnrwatch.audit.models import AuditEntry
from tnrwatch.intake import crypto, services
from tnrwatch.intake.config import receipt_key
from tnrwatch.intake.models import Message, Report

from .conftest import reporter_identity
from .test_report_flow import submit


def database_rows(tmp_path) -> tuple[list[tuple[str, str]], list[bytes]]:
    """(receipt_hash, reporter_public_key) of every report and every message body, read from a copy
    of the database file with plain sqlite3 (on PostgreSQL: the same rows through a cursor)."""
    if connection.vendor == "sqlite":
        copy = tmp_path / "seized.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("VACUUM INTO %s", [str(copy)])
        conn = sqlite3.connect(copy)
        try:
            reports = conn.execute("SELECT receipt_hash, reporter_public_key FROM intake_report").fetchall()
            bodies = [bytes(b) for (b,) in conn.execute("SELECT body_ct FROM intake_message").fetchall()]
        finally:
            conn.close()
        return reports, bodies
    with connection.cursor() as cursor:
        cursor.execute("SELECT receipt_hash, reporter_public_key FROM intake_report")
        reports = cursor.fetchall()
        cursor.execute("SELECT body_ct FROM intake_message")
        bodies = [bytes(b) for (b,) in cursor.fetchall()]
    return reports, bodies


def keyless_guesses(normalized: str) -> tuple[set[str], list]:
    """Every look-up value and identity an attacker can compute from a receipt without the key."""
    raw = normalized.encode()
    digests = {hashlib.sha256(raw).hexdigest(), hashlib.sha256(b"receipt/v1:" + raw).hexdigest()}
    for public_key in (b"", b"tnrwatch", b"tnrwatch reporter identity/v1", b"receipt/v1:"):
        digests.add(hmac.new(public_key, b"receipt/v1:" + raw, hashlib.sha256).hexdigest())
        digests.add(hmac.new(public_key, raw, hashlib.sha256).hexdigest())
    identities = [crypto.reporter_identity_v1(normalized), crypto.reporter_identity(normalized, b"")]
    identities.append(crypto.identity_from_seed(hashlib.sha256(raw).digest()))
    publics = {str(i.to_public()) for i in identities}
    return digests | publics, identities


@pytest.mark.django_db(transaction=True)
def test_a_copy_of_the_database_and_a_receipt_find_nothing_without_the_server_key(client, analyst, tmp_path):
    # Given two reports, each with an analyst's reply and a reporter's message
    _, receipt = submit(client, what_happened="The first report.")
    submit(client, what_happened="Another report.")
    for report in Report.objects.all():
        services.message_from_analyst(actor=analyst.user, report=report, body="Are you safe? canary-reply")
    client.post(reverse("intake:follow_up"), {"action": "reply", "receipt": receipt, "body": "Yes. canary-answer"})
    normalized = crypto.receipt_normalize(receipt)
    reports, bodies = database_rows(tmp_path)
    assert len(reports) == 2 and len(bodies) == 3

    # When the holder of the copy and the receipt tries everything that needs no key
    lookups, identities = keyless_guesses(normalized)
    stored = {value for row in reports for value in row}
    # Then no stored look-up hash or public key matches, and no message opens
    assert not (lookups & stored)
    for body in bodies:
        with pytest.raises(crypto.DecryptionError):
            crypto.decrypt(body, identities)

    # With the server's key, the same receipt finds exactly its report and reads its thread
    key = receipt_key()
    matches = [row for row in reports if row[0] == crypto.receipt_hash(normalized, key)]
    assert len(matches) == 1 and matches[0][1] == str(crypto.reporter_identity(normalized, key).to_public())
    opened = []
    for body in bodies:
        try:
            opened.append(crypto.decrypt(body, [crypto.reporter_identity(normalized, key)]))
        except crypto.DecryptionError:
            pass
    assert sorted(opened) == [b"Are you safe? canary-reply", b"Yes. canary-answer"]


@pytest.mark.django_db
def test_a_report_from_before_the_change_opens_and_moves_to_the_keyed_derivation(client, analyst):
    # Given a report as the first version made it: reporter key from the receipt alone
    _, receipt = submit(client)
    normalized = crypto.receipt_normalize(receipt)
    old = crypto.reporter_identity_v1(normalized)
    report = Report.objects.get()
    Report.objects.filter(pk=report.pk).update(reporter_key_version=crypto.REPORTER_KEY_V1, reporter_public_key=str(old.to_public()))
    report.refresh_from_db()
    services.message_from_analyst(actor=analyst.user, report=report, body="An old reply.")
    assert crypto.decrypt(bytes(Message.objects.get().body_ct), [old]) == b"An old reply."

    # When its reporter comes back with the receipt
    page = client.post(reverse("intake:follow_up"), {"action": "open", "receipt": receipt})

    # Then the thread reads as before, and the report now needs the server key
    assert page.status_code == 200 and "An old reply." in page.content.decode()
    report.refresh_from_db()
    assert report.reporter_key_version == crypto.REPORTER_KEY_V2
    assert report.reporter_public_key == str(reporter_identity(receipt).to_public())
    body = bytes(Message.objects.get().body_ct)
    with pytest.raises(crypto.DecryptionError):
        crypto.decrypt(body, [old])
    assert crypto.decrypt(body, [reporter_identity(receipt)]) == crypto.decrypt(body, [analyst.identity]) == b"An old reply."
    assert AuditEntry.objects.filter(action="intake.reporter_key_upgraded", subject_id=str(report.pk)).count() == 1
    # and a second visit changes nothing more
    client.post(reverse("intake:follow_up"), {"action": "open", "receipt": receipt})
    assert AuditEntry.objects.filter(action="intake.reporter_key_upgraded").count() == 1
