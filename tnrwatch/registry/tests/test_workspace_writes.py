"""Every write from the workspace goes through a service and leaves an AuditEntry naming the actor."""

from __future__ import annotations

import pytest
from django.urls import reverse

from tnrwatch.audit.models import AuditEntry
from tnrwatch.registry.models import (
    Claim,
    Evidence,
    Figure,
    GovernmentResponse,
    Incident,
    Organization,
    Source,
    Station,
)


def _audited(user, action: str, subject_type: str | None = None, subject_id=None) -> AuditEntry:
    entries = AuditEntry.objects.filter(action=action, actor=user, actor_label=user.username)
    if subject_type is not None:
        entries = entries.filter(subject_type=subject_type)
    if subject_id is not None:
        entries = entries.filter(subject_id=str(subject_id))
    assert entries.count() == 1, f"expected one {action} by {user} on {subject_type}:{subject_id}"
    return entries.get()


def create_data(kind: str, record: dict) -> dict:
    nl, cn = record["nl"].pk, record["cn"].pk
    return {
        "stations": {"name_en": "Amsterdam station", "name_zh": "阿姆斯特丹站", "country": nl, "city": "Amsterdam",
                     "operator": record["organizations"].pk, "host_organization": "", "first_reported": "2022-09-01",
                     "description": "Reported by Safeguard Defenders.", "marking": "green"},
        "organizations": {"kind": "operating_bureau", "name_en": "Fuzhou Public Security Bureau", "name_zh": "福州市公安局",
                          "country": cn, "region": "Fujian", "city": "", "description": "", "marking": "amber"},
        "responses": {"country": nl, "action": "investigation", "body_kind": "ministry", "body": "Foreign Ministry",
                      "date": "2022-10-25", "date_precision": "day", "stations": [record["stations"].pk],
                      "summary": "Investigating.", "city": "", "marking": "green"},
        "incidents": {"date": "2017-07-23", "date_precision": "day", "origin_country": record["incidents"].origin_country_id,
                      "host_country": record["incidents"].host_country_id, "tactic": "rendition",
                      "target_category": "accused_fugitive", "stations": [], "summary": "Abducted in Berlin.",
                      "city": "Berlin", "marking": "green"},
        "sources": {"kind": "report", "title": "110 Overseas", "publisher": "Safeguard Defenders", "author": "",
                    "url": "https://safeguarddefenders.com/en/110", "published": "2022-09-12", "language": "en",
                    "marking": "green"},
        "figures": {"kind": "countries", "value": "30", "label": "countries with stations", "period_start": "",
                    "period_end": "2022-09-01", "country": "", "marking": "green"},
    }[kind]


EDITS = {
    "stations": ("description", "Edited description"),
    "organizations": ("region", "Zhejiang Province"),
    "responses": ("summary", "Edited summary"),
    "incidents": ("summary", "Edited summary"),
    "sources": ("title", "Edited title"),
    "figures": ("value", "55"),
}
MODELS = {"stations": Station, "organizations": Organization, "responses": GovernmentResponse,
          "incidents": Incident, "sources": Source, "figures": Figure}
SUBJECT = {"stations": "station", "organizations": "organization", "responses": "response",
           "incidents": "incident", "sources": "source", "figures": "figure"}


@pytest.mark.parametrize("kind", list(EDITS))
def test_create_and_edit_are_audited_with_the_actor(role_client, record, kind):
    client = role_client("analyst")
    model = MODELS[kind]
    before = set(model.objects.values_list("pk", flat=True))
    # When an analyst creates a record through the form
    response = client.post(reverse("workspace:entity_create", kwargs={"kind": kind}), create_data(kind, record))
    assert response.status_code == 302, response.content.decode()[:2000]
    (pk,) = set(model.objects.values_list("pk", flat=True)) - before
    obj = model.objects.get(pk=pk)
    # Then it exists with the chosen marking, and the audit names the analyst
    assert obj.marking == create_data(kind, record)["marking"]
    _audited(client.user, f"{SUBJECT[kind]}.create", SUBJECT[kind], pk)
    # When they edit one field
    field, value = EDITS[kind]
    data = {k: v for k, v in create_data(kind, record).items() if k != "marking"}
    data[field] = value
    response = client.post(reverse("workspace:entity_edit", kwargs={"kind": kind, "pk": pk}), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    # Then only that field changed, and the audit row holds old and new values
    entry = _audited(client.user, f"{SUBJECT[kind]}.update", SUBJECT[kind], pk)
    assert set(entry.data["changes"]) == {field}
    obj.refresh_from_db()
    assert str(getattr(obj, field)) == value
    # Saving the unchanged form writes nothing
    client.post(reverse("workspace:entity_edit", kwargs={"kind": kind, "pk": pk}), data)
    assert AuditEntry.objects.filter(action=f"{SUBJECT[kind]}.update", subject_id=str(pk)).count() == 1


def test_city_becomes_a_place_with_gazetteer_coordinates(role_client, record):
    client = role_client("analyst")
    client.post(reverse("workspace:entity_create", kwargs={"kind": "stations"}), create_data("stations", record))
    station = Station.objects.get(name_en="Amsterdam station")
    assert station.place.name_en == "Amsterdam" and station.place.country.iso2 == "NL"
    assert station.place.latitude is not None


def test_marking_change_is_audited(role_client, record):
    client = role_client("admin")
    station = record["stations"]
    response = client.post(reverse("workspace:entity_marking", kwargs={"kind": "stations", "pk": station.pk}),
                           {"marking": "red"})
    assert response.status_code == 302
    station.refresh_from_db()
    assert station.marking == "red"
    entry = _audited(client.user, "marking.set", "station", station.pk)
    assert entry.data["to"] == "red"


def test_station_status_needs_a_reason_and_is_audited(role_client, record):
    client = role_client("reviewer")
    station = record["stations"]
    url = reverse("workspace:station_status", kwargs={"pk": station.pk})
    # Without a reason: a form error, nothing changes
    assert client.post(url, {"status": "closed", "reason": "   "}).status_code == 400
    station.refresh_from_db()
    assert station.status == "reported"
    # With a reason
    assert client.post(url, {"status": "closure_ordered", "reason": "Dutch government ordered closure",
                             "date": "2022-11-01"}).status_code == 302
    station.refresh_from_db()
    assert station.status == "closure_ordered"
    assert station.status_history.first().reason == "Dutch government ordered closure"
    assert station.status_history.first().created_by == client.user
    entry = _audited(client.user, "station.status", "station", station.pk)
    assert entry.data["reason"] == "Dutch government ordered closure"


def test_claim_lifecycle_through_the_workspace(role_client, record):
    analyst = role_client("analyst", "analyst-one")
    reviewer = role_client("reviewer", "reviewer-one")
    station, source = record["stations"], record["sources"]
    # An analyst records a claim with a quote
    response = analyst.post(reverse("workspace:claim_create"), {
        "subject_type": "station", "subject_id": station.pk, "prop": "operator", "value": "Qingtian County PSB",
        "source": source.pk, "quote": "run by the Qingtian County Public Security Bureau", "stance": "supports",
        "location": "paragraph 3", "marking": "green",
    })
    assert response.status_code == 302
    claim = Claim.objects.get(subject_type="station", subject_id=station.pk, prop="operator")
    _audited(analyst.user, "claim.create", "claim", claim.pk)
    assert claim.evidence.get().created_by == analyst.user
    # Then adds a refuting quote from another source: the claim becomes disputed
    other = Source.objects.create(title="Embassy statement", marking="clear")
    response = analyst.post(reverse("workspace:claim_evidence_add", kwargs={"pk": claim.pk}), {
        "source": other.pk, "quote": "There is no such police station", "stance": "refutes", "location": "",
    })
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.status == "disputed"
    _audited(analyst.user, "claim.evidence_add", "claim", claim.pk)
    # The review page shows both sides
    page = reviewer.get(reverse("workspace:claim_detail", kwargs={"pk": claim.pk})).content.decode()
    assert "run by the Qingtian County Public Security Bureau" in page and "There is no such police station" in page
    assert page.index("Evidence for") < page.index("run by the Qingtian") < page.index("Evidence against") \
        < page.index("There is no such police station")
    # A reviewer changes the status, with a reason (required)
    url = reverse("workspace:claim_status", kwargs={"pk": claim.pk})
    assert reviewer.post(url, {"status": "corroborated", "reason": ""}).status_code == 400
    assert reviewer.post(url, {"status": "corroborated", "reason": "Two independent reports"}).status_code == 302
    claim.refresh_from_db()
    assert claim.status == "corroborated"
    entry = _audited(reviewer.user, "claim.status", "claim", claim.pk)
    assert entry.data == {"from": "disputed", "to": "corroborated", "reason": "Two independent reports"}
    # The reviewer may not add evidence or change the marking
    assert reviewer.post(reverse("workspace:claim_marking", kwargs={"pk": claim.pk}), {"marking": "red"}).status_code == 403
    # The analyst changes the marking
    assert analyst.post(reverse("workspace:claim_marking", kwargs={"pk": claim.pk}), {"marking": "amber"}).status_code == 302
    _audited(analyst.user, "marking.set", "claim", claim.pk)
    assert Evidence.objects.filter(claim=claim).count() == 2


def test_claim_about_a_missing_record_is_a_form_error(role_client, record):
    client = role_client("analyst")
    response = client.post(reverse("workspace:claim_create"), {
        "subject_type": "station", "subject_id": 987654, "prop": "p", "value": "v",
        "source": record["sources"].pk, "quote": "q", "stance": "supports", "marking": "green",
    })
    assert response.status_code == 400
    assert b"No such record" in response.content


def test_audit_log_filters_by_subject_and_actor(role_client, record):
    client = role_client("read_only")
    station = record["stations"]
    page = client.get(reverse("workspace:audit"), {"subject": f"station:{station.pk}"}).content.decode()
    assert "station.create" in page and "claim.create" not in page
    page = client.get(reverse("workspace:audit"), {"actor": "fixture", "action": "claim"}).content.decode()
    assert "claim.create" in page and "station.create" not in page
    page = client.get(reverse("workspace:audit"), {"actor": "nobody"}).content.decode()
    assert "No entries" in page


def test_user_management_is_audited(role_client):
    from tnrwatch.accounts.models import User

    admin = role_client("admin", "the-admin")
    response = admin.post(reverse("accounts:user_create"), {"username": "new-analyst", "role": "analyst", "email": ""})
    assert response.status_code == 200
    user = User.objects.get(username="new-analyst")
    password = response.context["password"]
    assert user.check_password(password) and user.role == "analyst"
    _audited(admin.user, "account.create", "user", user.pk)
    # Duplicate usernames and unknown roles are form errors
    assert admin.post(reverse("accounts:user_create"), {"username": "New-Analyst", "role": "analyst"}).status_code == 400
    assert admin.post(reverse("accounts:user_create"), {"username": "x", "role": "superuser"}).status_code == 400
    # Role, deactivation, second-factor reset, password reset
    admin.post(reverse("accounts:user_role", kwargs={"pk": user.pk}), {"role": "reviewer"})
    admin.post(reverse("accounts:user_active", kwargs={"pk": user.pk}), {"active": "0"})
    from django_otp.plugins.otp_totp.models import TOTPDevice

    TOTPDevice.objects.create(user=user, name="phone", confirmed=True)
    admin.post(reverse("accounts:user_reset_otp", kwargs={"pk": user.pk}))
    admin.post(reverse("accounts:user_reset_password", kwargs={"pk": user.pk}))
    user.refresh_from_db()
    assert user.role == "reviewer" and not user.is_active
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert not user.check_password(password)
    for action in ("account.role", "account.deactivate", "account.otp_reset", "account.password_reset"):
        _audited(admin.user, action, "user", user.pk)
    # An admin cannot lock themselves out
    admin.post(reverse("accounts:user_active", kwargs={"pk": admin.user.pk}), {"active": "0"})
    admin.user.refresh_from_db()
    assert admin.user.is_active


def test_claim_about_a_country_by_iso_code(role_client, record):
    client = role_client("analyst")
    for code in ("cz", "CZE"):
        response = client.post(reverse("workspace:claim_create"), {
            "subject_type": "country", "subject_id": code, "prop": "response", "value": "investigation",
            "source": record["sources"].pk, "quote": f"Czech police investigating ({code})", "stance": "supports",
            "marking": "green",
        })
        assert response.status_code == 302
    claim = Claim.objects.get(subject_type="country", prop="response", value="investigation")
    assert claim.subject_id == record["nl"].__class__.objects.get(iso2="CZ").pk
    assert claim.evidence.count() == 2
    bad = client.post(reverse("workspace:claim_create"), {
        "subject_type": "country", "subject_id": "XX", "prop": "p", "value": "v",
        "source": record["sources"].pk, "quote": "q", "stance": "supports", "marking": "green"})
    assert bad.status_code == 400
