"""Partners are managed by admins: token shown once and stored hashed, grants, audit rows."""

from __future__ import annotations

import hashlib
import re

import pytest

from tnrwatch.audit.models import AuditEntry
from tnrwatch.sharing.models import Partner
from tnrwatch.sharing.services import partner_by_token

pytestmark = pytest.mark.django_db


def test_admin_creates_a_partner_and_sees_the_token_once(staff_client):
    client = staff_client("admin")
    response = client.post("/partners/", {"name": "Safeguard partner", "max_marking": "amber", "read": ["record"],
                                          "write": ["stations"], "active": "on"})
    assert response.status_code == 200
    token = re.search(r'<code class="token">([^<]+)</code>', response.content.decode()).group(1)
    partner = Partner.objects.get(name="Safeguard partner")
    assert partner.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(Partner.objects.values_list())  # never stored in clear
    assert partner_by_token(token) == partner
    grants = {(g.collection.slug, g.can_read, g.can_write) for g in partner.grants.select_related("collection")}
    assert grants == {("record", True, False), ("stations", False, True)}
    assert AuditEntry.objects.filter(action="partner.create", subject_id=str(partner.pk)).exists()
    listing = client.get("/partners/").content.decode()
    assert "Safeguard partner" in listing and token not in listing
    detail = client.get(f"/partners/{partner.pk}/").content.decode()
    assert token not in detail


def test_red_cannot_be_granted_and_bad_input_is_a_form_error(staff_client):
    client = staff_client("admin")
    assert client.post("/partners/", {"name": "X", "max_marking": "red"}).status_code == 400
    assert client.post("/partners/", {"name": "x\x00y", "max_marking": "clear"}).status_code == 400
    assert client.post("/partners/", {"name": "y" * 1000000, "max_marking": "clear"}).status_code == 400
    assert client.post("/partners/", {"name": "Z", "max_marking": "clear", "read": ["nope"]}).status_code == 400
    assert not Partner.objects.exists()


def test_rotating_the_token_and_updating_rights(staff_client):
    client = staff_client("admin")
    client.post("/partners/", {"name": "P", "max_marking": "clear", "read": ["record"]})
    partner = Partner.objects.get()
    old = partner.token_hash
    response = client.post(f"/partners/{partner.pk}/", {"action": "rotate"})
    new_token = re.search(r'<code class="token">([^<]+)</code>', response.content.decode()).group(1)
    partner.refresh_from_db()
    assert partner.token_hash != old and partner_by_token(new_token) == partner
    response = client.post(f"/partners/{partner.pk}/", {"action": "update", "name": "P", "max_marking": "green",
                                                        "read": ["stations"], "active": ""})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.max_marking == "green" and not partner.active
    assert partner_by_token(new_token) is None  # inactive partners cannot authenticate


def test_only_admins_manage_partners(staff_client):
    assert staff_client("analyst").get("/partners/").status_code == 403


def test_an_admin_trusts_a_partner_for_publication_with_a_reason_audited_and_shown(staff_client):
    from tnrwatch.audit.models import AuditEntry

    client = staff_client("admin")
    client.post("/partners/", {"name": "Trusted NGO", "max_marking": "clear", "read": ["record"]})
    partner = Partner.objects.get()
    page = client.get(f"/partners/{partner.pk}/").content.decode()
    assert "Held for review" in page
    # Trust needs a reason.
    assert client.post(f"/partners/{partner.pk}/", {"action": "trust", "trusted": "on", "reason": ""}).status_code == 400
    response = client.post(f"/partners/{partner.pk}/", {"action": "trust", "trusted": "on", "reason": "Signed MoU, own review"})
    assert response.status_code == 302
    partner.refresh_from_db()
    assert partner.trusted_for_publication and partner.trust_reason == "Signed MoU, own review"
    entry = AuditEntry.objects.get(action="partner.trust")
    assert entry.data == {"from": False, "to": True, "reason": "Signed MoU, own review"}
    page = client.get(f"/partners/{partner.pk}/").content.decode()
    assert "Trusted for publication" in page and "Signed MoU, own review" in page
