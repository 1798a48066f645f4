"""Candidate ties from shared addresses and shared people, reviewed on the cross-reference page.

Fixture strategy: two associations registered at one address, a station located there too, and a
public actor who leads one association and belongs to the other: the smallest record with both kinds.
"""

from __future__ import annotations

import pytest

from tnrwatch.audit.models import AuditEntry
from tnrwatch.registry import models as m
from tnrwatch.registry import services as registry
from tnrwatch.xref.models import TieProposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def record(db):
    it = m.Country.objects.get(iso2="IT")
    source = registry.source_create(actor_label="t", kind="registry", title="Register of associations")
    one = registry.organization_create(actor_label="t", kind="host_organization", name_en="Association One", country=it)
    two = registry.organization_create(actor_label="t", kind="host_organization", name_en="Association Two", country=it)
    address = registry.address_create(actor_label="t", full="Via Nazionale 12, Roma", country=it, city="Rome")
    registry.tie_create(actor_label="t", kind="registered_at", from_end=one, to_end=address, source=source,
                        quote="One: seat at Via Nazionale 12", marking="green")
    registry.tie_create(actor_label="t", kind="registered_at", from_end=two, to_end=address, source=source,
                        quote="Two: seat at Via Nazionale 12", marking="amber")
    chair = registry.person_create(actor_label="t", name_en="Chen Hua", public_basis="organization_leader")
    registry.tie_create(actor_label="t", kind="directorship", from_end=chair, to_end=one, source=source,
                        quote="chairman: Chen Hua")
    registry.tie_create(actor_label="t", kind="membership", from_end=chair, to_end=two, source=source,
                        quote="members: Chen Hua")
    return {"one": one, "two": two, "address": address, "chair": chair}


def test_shared_address_and_person_are_proposed_then_accepted_as_ties(record, staff_client):
    client = staff_client("analyst")
    assert client.post("/workspace/xref/ties/").status_code == 302
    assert TieProposal.objects.count() == 2
    client.post("/workspace/xref/ties/")  # again: nothing new
    assert TieProposal.objects.count() == 2
    page = client.get("/workspace/xref/").content.decode()
    assert "Association One and Association Two: same address (Via Nazionale 12, Roma)" in page

    same = TieProposal.objects.get(kind="same_address_as")
    assert client.post(f"/workspace/xref/ties/{same.pk}/", {"action": "accept"}).status_code == 302
    same.refresh_from_db()
    tie = m.Tie.objects.get(pk=same.tie_id)
    assert (tie.kind, tie.marking) == ("same_address_as", "amber")  # the stricter of the two it rests on
    quotes = set(m.Evidence.objects.filter(claim__subject_type="tie", claim__subject_id=tie.pk).values_list("quote", flat=True))
    assert quotes == {"One: seat at Via Nazionale 12", "Two: seat at Via Nazionale 12"}

    shared_person = TieProposal.objects.get(kind="unknown")
    assert client.post(f"/workspace/xref/ties/{shared_person.pk}/", {"action": "reject"}).status_code == 302
    shared_person.refresh_from_db()
    assert shared_person.status == "rejected"
    assert "Chen Hua" not in m.Tie.objects.get(pk=same.tie_id).role
    actions = set(AuditEntry.objects.filter(action__startswith="xref.").values_list("action", flat=True))
    assert actions == {"xref.shared_propose", "xref.tie_accept", "xref.tie_reject"}
    client.post("/workspace/xref/ties/")
    assert TieProposal.objects.count() == 2  # the accepted tie exists now, the rejected one stays rejected


def test_only_reviewers_decide(record, staff_client):
    reader = staff_client("read_only")
    assert reader.post("/workspace/xref/ties/").status_code == 403
    assert not TieProposal.objects.exists()
