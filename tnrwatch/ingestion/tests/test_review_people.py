"""Accepting the people and addresses the extractor proposes: a Person (AMBER, public actors
only) with a claim and a tie to the organisation the text names; an Address with its claim."""

from __future__ import annotations

import pytest

from tnrwatch.audit.models import AuditEntry
from tnrwatch.core.errors import ValidationError
from tnrwatch.extraction import extract
from tnrwatch.ingestion.models import Candidate
from tnrwatch.ingestion.services import candidates_propose, review
from tnrwatch.registry import services
from tnrwatch.registry.models import Address, Claim, Organization, Person, Tie

TEXT = ("Il ministro dell'Interno Marco Bellini ha annunciato verifiche sulla sede di Via Pistoiese 150 a Prato. "
        "Un connazionale, la vittima Li Wei, ha denunciato minacce.")


@pytest.fixture
def source(db):
    src = services.source_create(actor_label="t", title="Verifiche", sha256="9" * 64, text=TEXT, language="it")
    candidates_propose(source=src, document=None, candidates=[c.to_dict() for c in extract(TEXT, "it")])
    return src


def test_the_extractor_proposes_the_minister_and_the_address_not_the_victim(source):
    kinds = {c.kind: c for c in Candidate.objects.filter(source=source)}
    assert kinds["person"].fields["name"] == "Marco Bellini"
    assert kinds["person"].fields["basis"] == "official"
    assert kinds["address"].fields["address"] == "Via Pistoiese 150"
    assert not Candidate.objects.filter(source=source, kind="person", fields__name="Li Wei").exists()


def test_accepting_a_person_creates_an_amber_person_its_claim_and_a_tie(source, django_user_model):
    actor = django_user_model.objects.create_user("rev", password="x" * 20)
    candidate = Candidate.objects.get(source=source, kind="person")
    claim = review.candidate_accept(actor=actor, candidate=candidate)
    person = Person.objects.get()
    assert (person.name_en, person.public_basis, person.marking) == ("Marco Bellini", "official", "amber")
    assert (claim.subject_type, claim.subject_id, claim.marking) == ("person", person.pk, "amber")
    assert claim.evidence.get().quote == candidate.quote
    tie = Tie.objects.get()
    org = Organization.objects.get(pk=tie.to_id)
    assert (tie.kind, tie.from_type, tie.from_id, tie.marking) == ("employment", "person", person.pk, "amber")
    assert org.name_en == "Ministry of Interior" and org.kind == "government_body"
    assert Claim.objects.filter(subject_type="tie", subject_id=tie.pk).exists()
    for action in ("candidate.accept", "person.create", "tie.create"):
        assert AuditEntry.objects.filter(action=action).exists()


def test_accepting_an_address(source, django_user_model):
    actor = django_user_model.objects.create_user("rev", password="x" * 20)
    claim = review.candidate_accept(actor=actor, candidate=Candidate.objects.get(source=source, kind="address"))
    address = Address.objects.get()
    assert (address.full, address.country.iso2, address.city) == ("Via Pistoiese 150", "IT", "Prato")
    assert (claim.subject_type, claim.prop, claim.value) == ("address", "address", "Via Pistoiese 150")


def test_a_person_is_accepted_only_as_a_public_actor(source, django_user_model):
    actor = django_user_model.objects.create_user("rev", password="x" * 20)
    candidate = Candidate.objects.get(source=source, kind="person")
    with pytest.raises(ValidationError, match="public actor"):
        review.candidate_accept(actor=actor, candidate=candidate, corrections={"basis": "victim"})
    assert not Person.objects.exists() and not Tie.objects.exists()
    candidate.refresh_from_db()
    assert candidate.status == "pending"
