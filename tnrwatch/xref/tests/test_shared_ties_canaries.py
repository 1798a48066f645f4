"""An accepted candidate tie publishes nothing its basis kept back.

A "both tied to a person" proposal rests on two ties to a person; accepted, its claim cites their
quotes. A quote keeps its own marking wherever it is copied: a RED quote stays RED, so publishing
the new tie (a reviewer's act, `claim_publish`) never makes it public.

Fixture strategy: two public associations, a person named by one publisher only (below the naming
standard) who directs one and belongs to the other (both ties AMBER, as ties to a person start),
the directorship's first quote RED; canaries in the person's name, the basis quotes and the RED quote.
"""

from __future__ import annotations

import pytest
from django.test import Client

from tnrwatch.registry import models as m
from tnrwatch.registry import services as registry
from tnrwatch.xref.models import TieProposal

pytestmark = pytest.mark.django_db

L = {"actor_label": "t"}
CANARIES = ("CANARY-SHARED-PERSON", "CANARY-SHARED-QUOTE", "CANARY-SHARED-RED")


def _publish(subject_type: str, pk: int) -> None:
    for claim in m.Claim.objects.filter(subject_type=subject_type, subject_id=pk):
        registry.claim_publish(actor=None, actor_label="t", claim=claim)


@pytest.fixture
def record(db):
    it = m.Country.objects.get(iso2="IT")
    paper = registry.source_create(**L, title="Feature", publisher="One Paper")
    orgs = []
    for name in ("Canary Association One", "Canary Association Two"):
        org = registry.organization_create(**L, kind="host_organization", name_en=name, country=it)
        registry.claim_assert(**L, subject=org, prop="kind", value="host_organization", source=paper, quote=name)
        _publish("organization", org.pk)
        orgs.append(org)
    person = registry.person_create(**L, name_en=CANARIES[0], public_basis="organization_leader")
    registry.claim_assert(**L, subject=person, prop="position", value="chair", source=paper, quote=CANARIES[0])
    first = registry.tie_create(**L, kind="directorship", from_end=person, to_end=orgs[0], source=paper,
                                quote=f"{CANARIES[2]}: the chair's private number")
    registry.tie_evidence_add(actor=None, **L, tie=first, source=paper, quote=f"{CANARIES[1]} chairs One")
    red = m.Evidence.objects.get(quote__startswith=CANARIES[2])
    registry.marking_set(actor=None, actor_label="t", obj=red, marking="red")
    second = registry.tie_create(**L, kind="membership", from_end=person, to_end=orgs[1], source=paper,
                                 quote=f"{CANARIES[1]} is a member of Two")
    return {"one": orgs[0].pk, "two": orgs[1].pk, "person": person.pk, "basis": (first.pk, second.pk)}


def _public_texts(record: dict, tie_pk: int) -> dict[str, str]:
    client = Client()
    paths = [f"/organisations/{record['one']}/", f"/organisations/{record['two']}/",
             f"/organisations/{record['one']}/network/?hops=2", f"/organisations/{record['one']}/network/stix/?hops=2",
             f"/organisations/{record['one']}/network/ftm/", f"/organisations/{record['one']}/network/graphml/",
             "/api/v1/ties", f"/api/v1/claims?subject_type=tie&subject_id={tie_pk}", "/api/v1/export/claims.csv",
             "/search/?q=private+number", "/search/?q=chairs"]  # words of the quotes, not the canaries
    paths += [f"/claims/{pk}/" for pk in m.Claim.objects.filter(subject_type="tie", subject_id=tie_pk).values_list("pk", flat=True)]
    out = {}
    for path in paths:
        response = client.get(path)
        assert response.status_code in (200, 404), (path, response.status_code)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        out[path] = body.decode("utf-8", "replace")
    return out


def _accept(staff_client) -> m.Tie:
    reviewer = staff_client("analyst")
    assert reviewer.post("/workspace/xref/ties/").status_code == 302
    proposal = TieProposal.objects.get(kind="unknown")
    assert reviewer.post(f"/workspace/xref/ties/{proposal.pk}/", {"action": "accept"}).status_code == 302
    proposal.refresh_from_db()
    assert proposal.tie_id is not None
    return m.Tie.objects.get(pk=proposal.tie_id)


def _markings(tie: m.Tie) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for quote, marking in m.Evidence.objects.filter(claim__subject_type="tie", claim__subject_id=tie.pk).values_list(
            "quote", "marking"):
        out.setdefault(quote, set()).add(marking)
    return out


def test_a_red_quote_stays_red_in_the_accepted_tie_and_never_becomes_public(record, staff_client):
    tie = _accept(staff_client)
    markings = _markings(tie)
    red = [q for q in markings if q.startswith(CANARIES[2])]
    assert red and all(markings[q] == {"red"} for q in red), markings
    assert tie.marking == "amber"  # the stricter of the basis ties (AMBER, as ties to a person start)
    claim = m.Claim.objects.get(subject_type="tie", subject_id=tie.pk)
    registry.claim_publish(actor=None, actor_label="t", claim=claim)  # a reviewer publishes the new tie
    for path, text in _public_texts(record, tie.pk).items():
        assert CANARIES[2] not in text, path
        assert CANARIES[0] not in text, path  # the person stays below the standard


def test_an_amber_quote_on_a_clear_basis_keeps_its_marking(record, staff_client):
    """The copied quote is as strict as the quote it copies, even when the ties it rests on are looser."""
    for tie_pk in record["basis"]:
        registry.marking_set(actor=None, actor_label="t", obj=m.Tie.objects.get(pk=tie_pk), marking="green")
    tie = _accept(staff_client)
    markings = _markings(tie)
    assert tie.marking == "amber"  # never looser than every quote behind it (all AMBER or RED here)
    for quote, marks in markings.items():
        original = set(m.Evidence.objects.filter(claim__subject_type="tie", claim__subject_id__in=record["basis"],
                                                 quote=quote).values_list("marking", flat=True))
        assert marks == original, (quote, marks, original)


def test_a_tie_through_a_person_below_the_standard_stays_out_even_with_every_quote_clear(record, staff_client):
    """Its quotes name the person: the naming standard applies to them, not only the ordinary rule."""
    for tie_pk in record["basis"]:
        tie = m.Tie.objects.get(pk=tie_pk)
        registry.marking_set(actor=None, actor_label="t", obj=tie, marking="clear")
        for ev in m.Evidence.objects.filter(claim__subject_type="tie", claim__subject_id=tie_pk):
            registry.marking_set(actor=None, actor_label="t", obj=ev, marking="clear")
    tie = _accept(staff_client)
    for obj in (tie, *m.Evidence.objects.filter(claim__subject_type="tie", claim__subject_id=tie.pk),
                *m.Claim.objects.filter(subject_type="tie", subject_id=tie.pk)):
        registry.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    from tnrwatch.sharing.outbound import PUBLIC, outbound_queryset

    assert not outbound_queryset(m.Tie, PUBLIC).filter(pk=tie.pk).exists()
    for path, text in _public_texts(record, tie.pk).items():
        assert CANARIES[1] not in text, path
        assert CANARIES[0] not in text, path
    # Once the person is named under the standard (a court record), the tie may be shown.
    court = registry.source_create(**L, kind="court", title="Indictment", publisher="A court")
    person = m.Person.objects.get(pk=record["person"])
    claim = registry.claim_assert(**L, subject=person, prop="position", value="chair", source=court,
                                  quote=f"{CANARIES[0]}, chair")
    for obj in (claim, *claim.evidence.all(), court):
        registry.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    assert not outbound_queryset(m.Tie, PUBLIC).filter(pk=tie.pk).exists()  # the person is still AMBER
    registry.marking_set(actor=None, actor_label="t", obj=person, marking="clear")
    assert outbound_queryset(m.Tie, PUBLIC).filter(pk=tie.pk).exists()
