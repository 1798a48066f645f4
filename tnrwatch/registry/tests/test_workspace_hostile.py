"""Hostile input to every workspace and account form: a form error or a refusal, never a 500.

The test client re-raises any exception a view lets escape, so a 500 fails loudly here.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from tnrwatch.audit.models import AuditEntry

from .test_workspace_writes import EDITS, create_data

MEGABYTE = "x" * 1_000_000
HOSTILE = [
    "\x00",
    "a\x00b",
    MEGABYTE,
    "99999999999999999999999999",
    "-1",
    "2022-02-30",
    "not-a-choice",
    "\u202e<script>alert(1)</script>",
]


def _forms(record) -> list[tuple[str, dict, bool]]:
    """(url, valid data, is_primary): edit forms share their fields with create forms."""
    claim, station, source = record["claim"], record["stations"], record["sources"]
    forms = []
    for kind in EDITS:
        data = create_data(kind, record)
        forms.append((reverse("workspace:entity_create", kwargs={"kind": kind}), data, True))
        edit = {k: v for k, v in data.items() if k != "marking"}
        forms.append((reverse("workspace:entity_edit", kwargs={"kind": kind, "pk": record[kind].pk}), edit, False))
        forms.append((reverse("workspace:entity_marking", kwargs={"kind": kind, "pk": record[kind].pk}),
                      {"marking": "green"}, kind == "stations"))
    forms += [
        (reverse("workspace:station_status", kwargs={"pk": station.pk}),
         {"status": "corroborated", "date": "2022-10-01", "reason": "because"}, True),
        (reverse("workspace:claim_create"),
         {"subject_type": "station", "subject_id": station.pk, "prop": "operator", "value": "v",
          "source": source.pk, "quote": "q", "stance": "supports", "location": "", "marking": "clear"}, True),
        (reverse("workspace:claim_evidence_add", kwargs={"pk": claim.pk}),
         {"source": source.pk, "quote": "another quote", "stance": "refutes", "location": "p. 2"}, True),
        (reverse("workspace:claim_status", kwargs={"pk": claim.pk}), {"status": "corroborated", "reason": "r"}, True),
        (reverse("workspace:claim_marking", kwargs={"pk": claim.pk}), {"marking": "red"}, False),
        (reverse("accounts:user_create"), {"username": "someone", "role": "reviewer", "email": ""}, True),
        (reverse("accounts:password_change"),
         {"old_password": "correct horse battery staple", "new_password1": "a new long passphrase 1",
          "new_password2": "a new long passphrase 1"}, True),
    ]
    return forms


def _post_ok(client, url, data, what) -> None:
    response = client.post(url, data)
    assert response.status_code in (200, 302, 400), (url, what, response.status_code)
    if response.status_code == 400:
        assert b"errorlist" in response.content, (url, what)


@pytest.mark.slow
def test_every_form_field_refuses_hostile_values_without_a_500(role_client, record):
    client = role_client("admin", "hostile-admin")
    for url, valid, primary in _forms(record):
        # Every field hostile at once: each field's own validation must hold
        for value in HOSTILE:
            if value is not MEGABYTE:  # 1 MB in every field would exceed the request size limit
                _post_ok(client, url, {field: value for field in valid}, ("all", value[:20]))
        _post_ok(client, url, {}, ("all", "missing"))
        _post_ok(client, url, {field: ["1", "other"] for field in valid}, ("all", "twice"))
        if not primary:
            continue
        # One field hostile, the others valid: the value reaches cross-field checks and the service
        for field in valid:
            for value in (MEGABYTE, "\u202e<script>alert(1)</script>99999999999999999999999999"):
                _post_ok(client, url, {**valid, field: value}, (field, value[:20]))
    # Nothing hostile slipped into the record as a NUL byte
    assert not AuditEntry.objects.filter(data__icontains="\\u0000").exists()


@pytest.mark.parametrize("value", ["\x00", MEGABYTE, "-1", "abc", "99999999999999999999999", "2022-13-45"])
def test_list_filters_and_pages_take_any_query(role_client, record, value):
    client = role_client("read_only", "hostile-reader")
    urls = [reverse("workspace:entity_list", kwargs={"kind": k}) for k in EDITS]
    urls += [reverse("workspace:claim_list"), reverse("workspace:audit")]
    for url in urls:
        for param in ("q", "marking", "status", "subject_type", "subject", "actor", "action", "page"):
            response = client.get(url, {param: value})
            assert response.status_code == 200, (url, param, value[:20])


def test_claim_form_prefill_ignores_garbage(role_client, record):
    client = role_client("analyst", "hostile-analyst")
    for value in ["\x00", MEGABYTE, "1" * 40, "station"]:
        response = client.get(reverse("workspace:claim_create"), {"subject_type": value, "subject_id": value})
        assert response.status_code == 200


def test_sign_in_refuses_hostile_values(client, db):
    for value in HOSTILE:
        response = client.post(reverse("accounts:login"), {"username": value, "password": value, "next": value})
        assert response.status_code in (400, 429), value[:20]
    response = client.post(reverse("accounts:login"), {"username": ["a", "b"], "password": ""})
    assert response.status_code == 400
