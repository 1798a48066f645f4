"""People, addresses and ties through the real stack: workspace forms, public pages, search, API.

Fixture strategy: one public association and one public station, a person named by a court
record (public), a person named by one newspaper only (a canary: never on any public output), a
family tie between them (a canary too), and an AMBER tie.
"""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tnrwatch.audit.models import AuditEntry
from tnrwatch.registry import services
from tnrwatch.registry.models import Claim, Country, Person, Reply, Tie

CANARY = "Canaryname Onesource"
FAMILY_ROLE = "canary-family-role"


def _publish(claim):
    return services.claim_publish(actor=None, actor_label="t", claim=claim)


@pytest.fixture
def network(db):
    us = Country.objects.get(iso2="US")
    court = services.source_create(actor_label="t", kind="court", title="Indictment", publisher="US District Court")
    paper = services.source_create(actor_label="t", title="Feature", publisher="One Paper")
    assoc = services.organization_create(actor_label="t", kind="host_organization", name_en="Fujian Association", country=us)
    _publish(services.claim_assert(actor_label="t", subject=assoc, prop="kind", value="host_organization",
                                   source=paper, quote="the association"))
    named = services.person_create(actor_label="t", name_en="Publicly Named", name_zh="公开名", public_basis="court_record",
                                   birth_date="1961-02-03")
    named_claim = services.claim_assert(actor_label="t", subject=named, prop="position", value="association president",
                                        source=court, quote="the president of the association")
    _publish(named_claim)
    canary = services.person_create(actor_label="t", name_en=CANARY, public_basis="organization_leader")
    canary_claim = services.claim_assert(actor_label="t", subject=canary, prop="position", value="secretary",
                                         source=paper, quote="the secretary")
    tie = services.tie_create(actor_label="t", kind="directorship", from_end=named, to_end=assoc, source=court,
                              quote="he led the association", role="president")
    _publish(Claim.objects.get(subject_type="tie", subject_id=tie.pk))
    family = services.tie_create(actor_label="t", kind="family", from_end=named, to_end=canary, source=court,
                                 quote="his brother", role=FAMILY_ROLE)
    # Canaries marked CLEAR by hand: the marking alone never names anyone.
    for obj in (canary, canary_claim, *canary_claim.evidence.all(), family,
                *Claim.objects.get(subject_type="tie", subject_id=family.pk).evidence.all(),
                Claim.objects.get(subject_type="tie", subject_id=family.pk)):
        services.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    services.right_of_reply_record(actor=None, subject=named, claim=named_claim, text="I deny this entirely.",
                                   received_on=named_claim.created_at.date())
    return {"named": named, "canary": canary, "assoc": assoc, "tie": tie, "family": family, "court": court}


def test_public_person_page_shows_what_the_rule_allows(network, client):
    page = client.get(reverse("atlas:person", args=[network["named"].pk])).content.decode()
    assert "Publicly Named" in page and "公开名" in page
    assert "I deny this entirely." in page  # the reply beside the claim
    assert "Fujian Association" in page and "president" in page  # the public tie
    assert "1961" not in page  # never the birth date
    assert CANARY not in page and FAMILY_ROLE not in page
    org_page = client.get(reverse("atlas:organization", args=[network["assoc"].pk])).content.decode()
    assert "Publicly Named" in org_page and CANARY not in org_page


def test_hidden_person_is_the_same_404_as_a_missing_one(network, client):
    hidden = client.get(reverse("atlas:person", args=[network["canary"].pk]))
    missing = client.get(reverse("atlas:person", args=[999999]))
    assert hidden.status_code == missing.status_code == 404
    def strip(body: bytes, pk: int) -> str:
        # Everything but the per-request CSRF token and the number asked for.
        return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", body.decode()).replace(str(pk), "")

    assert strip(hidden.content, network["canary"].pk) == strip(missing.content, 999999)


def test_canaries_never_reach_search_api_or_claim_pages(network, client):
    for query in ("Canaryname", "Publicly"):
        body = client.get(reverse("atlas:search"), {"q": query}).content.decode()
        assert CANARY not in body
    assert "Publicly Named" in client.get(reverse("atlas:search"), {"q": "Publicly"}).content.decode()
    api = client.get("/api/v1/claims", {"limit": 200}).content.decode()
    assert "secretary" not in api and FAMILY_ROLE not in api and "his brother" not in api
    assert "association president" in api
    people = client.get("/api/v1/people").json()
    assert [p["name_en"] for p in people["results"]] == ["Publicly Named"]
    assert "1961" not in json.dumps(people)
    assert client.get(f"/api/v1/people/{network['canary'].pk}").status_code == 404
    detail = client.get(f"/api/v1/people/{network['named'].pk}").json()
    assert [t["kind"] for t in detail["ties"]] == ["directorship"] and detail["replies"][0]["text"] == "I deny this entirely."
    ties = client.get("/api/v1/ties").json()
    assert {t["kind"] for t in ties["results"]} == {"directorship"}
    assert client.get("/api/v1/ties", {"kind": "friendship"}).status_code == 400
    for claim in Claim.objects.filter(subject_type__in=["person", "tie"]):
        shown = client.get(reverse("atlas:claim", args=[claim.pk])).status_code
        public = claim.subject_id in (network["named"].pk, network["tie"].pk)
        assert shown == (200 if public else 404), claim


def test_workspace_creates_people_addresses_ties_and_replies(network, role_client):
    client: Client = role_client("analyst")
    us = Country.objects.get(iso2="US")
    r = client.post(reverse("workspace:entity_create", args=["people"]), {
        "name_en": "New Official", "name_zh": "", "public_basis": "official", "position": "consul",
        "country": us.pk, "birth_date": "", "birth_date_precision": "day", "description": "", "marking": "amber"})
    assert r.status_code == 302, r.content.decode()[:2000]
    person = Person.objects.get(name_en="New Official")
    assert person.marking == "amber" and AuditEntry.objects.filter(action="person.create", actor=client.user).exists()
    r = client.post(reverse("workspace:entity_create", args=["addresses"]), {
        "full": "1 Main St, Flushing", "street": "1 Main St", "postcode": "", "city": "New York", "country": us.pk,
        "latitude": "", "longitude": "", "marking": "amber"})
    assert r.status_code == 302
    tie_form = {"kind": "employment", "from_type": "person", "from_id": person.pk, "to_type": "organization",
                "to_id": network["assoc"].pk, "role": "clerk", "start_date": "2019-01-01", "start_precision": "year",
                "end_date": "", "end_precision": "day", "source": network["court"].pk, "quote": "employed as a clerk",
                "location": "p. 3", "marking": "amber"}
    r = client.post(reverse("workspace:entity_create", args=["ties"]), tie_form)
    assert r.status_code == 302, r.content.decode()[:3000]
    tie = Tie.objects.get(kind="employment")
    assert Claim.objects.get(subject_type="tie", subject_id=tie.pk).evidence.get().location == "p. 3"
    detail = client.get(reverse("workspace:entity_detail", args=["people", person.pk])).content.decode()
    assert "Fujian Association" in detail
    # Bad input: a missing end and dates in the wrong order are form errors; nothing is written.
    before = (Tie.objects.count(), Claim.objects.count(), AuditEntry.objects.count())
    for bad in ({"to_id": 999999}, {"start_date": "2020-01-01", "end_date": "2010-01-01", "start_precision": "day"},
                {"from_id": network["assoc"].pk, "from_type": "organization"}):
        r = client.post(reverse("workspace:entity_create", args=["ties"]), {**tie_form, **bad})
        assert r.status_code == 400
    assert (Tie.objects.count(), Claim.objects.count(), AuditEntry.objects.count()) == before
    r = client.post(reverse("workspace:reply_create", args=["people", person.pk]),
                    {"text": "", "requested_on": "2024-03-01", "received_on": "", "source": "", "claim": ""})
    assert r.status_code == 302 and Reply.objects.filter(subject_id=person.pk, text="").exists()
    r = client.post(reverse("workspace:entity_edit", args=["ties", network["family"].pk]), {
        "role": FAMILY_ROLE, "start_date": "", "start_precision": "day", "end_date": "", "end_precision": "day",
        "public_reason": "Both are defendants; the relation is in the judgment."})
    assert r.status_code == 302
    assert AuditEntry.objects.filter(action="tie.update", subject_id=str(network["family"].pk)).exists()


def test_publish_preview_names_the_condition(network, role_client):
    client = role_client("reviewer")
    named_claim = Claim.objects.get(subject_type="person", subject_id=network["named"].pk)
    canary_claim = Claim.objects.get(subject_type="person", subject_id=network["canary"].pk)
    services.marking_set(actor=None, actor_label="t", obj=named_claim, marking="amber")
    ok = client.get(reverse("workspace:claim_publish", args=[named_claim.pk])).content.decode()
    assert "Naming standard" in ok and "court record" in ok
    refused = client.get(reverse("workspace:claim_publish", args=[canary_claim.pk])).content.decode()
    assert "cannot be published" in refused and "Missing" in refused
