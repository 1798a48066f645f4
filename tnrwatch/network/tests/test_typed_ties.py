"""Typed ties (registry.Tie) in the network view: drawn with their kind and dates, filtered by kind
and period, contested when refuted, and a tie to a person only as the naming standard allows.

Fixture strategy: a public association that is a member (2018 to mid-2021) of a public federation,
is registered at a public address, is funded by a public company (refuted by a second source), and
is led by a person named in a court record (published through `claim_publish`). Canaries: a person
named only by one newspaper (AMBER, never published) who directs the association, and a family tie.
"""

from __future__ import annotations

import re
from datetime import date

import networkx as nx
import pytest
from django.urls import reverse

from tnrwatch.registry import services
from tnrwatch.registry.models import Claim, Country

L = {"actor_label": "test"}
CANARY = "CANARY-NET-UNNAMED-PERSON"


@pytest.fixture
def ties(db):
    nl, cn = Country.objects.get(iso2="NL"), Country.objects.get(iso2="CN")
    news = services.source_create(**L, title="Report", publisher="Newsroom A", marking="clear", kind="news")
    court = services.source_create(**L, title="Indictment", publisher="District Court", marking="clear", kind="court")

    def org(name, zh=""):
        o = services.organization_create(**L, kind="host_organization", name_en=name, name_zh=zh, country=nl,
                                         marking="clear")
        services.claim_assert(**L, subject=o, prop="kind", value="host_organization", source=news,
                              quote=f"{name} is an association", marking="clear")
        return o

    assoc = org("Rotterdam Fujian Association", "鹿特丹福建同乡会")
    federation = org("Overseas Chinese Federation", "海外华人联合会")
    company = org("Harbour Trading BV")
    address = services.address_create(**L, full="Westblaak 1, Rotterdam", country=nl, city="Rotterdam", marking="clear")
    services.claim_assert(**L, subject=address, prop="full", value="Westblaak 1, Rotterdam", source=news,
                          quote="at Westblaak 1", marking="clear")
    member = services.tie_create(**L, kind="membership", from_end=assoc, to_end=federation, source=news,
                                 quote="a member of the federation", start=date(2018, 1, 1), end=date(2021, 6, 30),
                                 marking="clear")
    services.tie_create(**L, kind="registered_at", from_end=assoc, to_end=address, source=news,
                        quote="registered at Westblaak 1", marking="clear")
    funding = services.tie_create(**L, kind="funding", from_end=company, to_end=assoc, source=news,
                                  quote="funded by Harbour Trading", marking="clear")
    services.tie_evidence_add(actor=None, actor_label="test", tie=funding, source=court,
                              quote="no payments from Harbour Trading", stance="refutes")
    for ev_claim in Claim.objects.filter(subject_type="tie", subject_id=funding.pk):
        services.marking_set(actor=None, actor_label="test", obj=ev_claim.evidence.get(stance="refutes"),
                             marking="clear")
    leader = services.person_create(**L, name_en="Chen Leader", name_zh="陈会长", public_basis="court_record",
                                    country=cn)
    person_claim = services.claim_assert(**L, subject=leader, prop="position", value="chairman", source=court,
                                         quote="Chen, the association's chairman")
    lead = services.tie_create(**L, kind="directorship", from_end=leader, to_end=assoc, source=court,
                               quote="Chen chairs the association", role="chairman")
    for claim in (person_claim, Claim.objects.get(subject_type="tie", subject_id=lead.pk)):
        services.claim_publish(actor=None, actor_label="test", claim=claim)
    unnamed = services.person_create(**L, name_en=CANARY, public_basis="organization_leader")
    services.claim_assert(**L, subject=unnamed, prop="position", value="director", source=news, quote="a director")
    services.tie_create(**L, kind="directorship", from_end=unnamed, to_end=assoc, source=news, quote="directs it")
    return {"assoc": assoc, "federation": federation, "company": company, "address": address, "leader": leader,
            "unnamed": unnamed, "member": member, "funding": funding}


def _svg(html: str) -> str:
    return html[html.index("<svg"):html.index("</svg>")]


def test_public_view_draws_typed_ties_with_kinds_dates_and_the_named_person_only(client, ties):
    html = client.get(reverse("atlas:network", args=["organisations", ties["assoc"].pk])).content.decode()
    svg = _svg(html)
    for name in ("Overseas Chinese Federation", "Harbour Trading BV", "Westblaak 1, Rotterdam", "Chen Leader"):
        assert name in svg, name
    assert CANARY not in html
    assert "Member of" in svg and "Registered at" in svg and "2018-01-01" in svg and "2021-06-30" in svg
    contested = re.findall(r'<a class="tie contested" href="([^"]+)"', svg)
    assert contested == [reverse("atlas:claim", args=[Claim.objects.get(subject_type="tie", subject_id=ties["funding"].pk).pk])]


def test_staff_see_the_unnamed_person(staff_client, ties):
    ws = staff_client("analyst")
    page = ws.get(reverse("workspace:network", args=["organizations", ties["assoc"].pk])).content.decode()
    assert CANARY in page


def test_kind_and_period_filters_apply_to_typed_ties(client, ties):
    url = reverse("atlas:network", args=["organisations", ties["assoc"].pk])
    svg = _svg(client.get(url + "?type=registered_at").content.decode())
    assert "Westblaak 1" in svg and "Overseas Chinese Federation" not in svg
    svg = _svg(client.get(url + "?from=2022-01-01").content.decode())
    assert "Overseas Chinese Federation" not in svg  # the membership ended in mid-2021
    assert "Harbour Trading BV" in svg  # undated: in every window


def test_graphml_carries_typed_ties_and_no_canary(client, ties, tmp_path):
    url = reverse("atlas:network_export", args=["organisations", ties["assoc"].pk, "graphml"]) + "?hops=2"
    body = client.get(url).content.decode()
    assert CANARY not in body
    path = tmp_path / "t.graphml"
    path.write_text(body, encoding="utf-8")
    g = nx.read_graphml(path)
    edge = g.edges[f"organization:{ties['assoc'].pk}", f"organization:{ties['federation'].pk}"]
    assert edge["tie_type"] == "membership" and edge["start"] == "2018-01-01" and edge["end"] == "2021-06-30"
    assert f"person:{ties['leader'].pk}" in g.nodes and f"person:{ties['unnamed'].pk}" not in g.nodes


def test_the_rule_compiled_once_is_the_rule_compiled_now(ties):
    # The network view filters with the rule compiled once per process; after the record changes,
    # a fresh compile gives the same statement (it depends on the model and audience only).
    from tnrwatch.registry.models import Evidence, Organization, Station, Tie
    from tnrwatch.sharing.outbound import PUBLIC, compiled, outbound_queryset

    for model in (Tie, Claim, Evidence, Station, Organization):
        before = compiled.rule_condition(model, PUBLIC)
        services.organization_create(**L, kind="ngo", name_en=f"Later {model.__name__}", marking="clear")
        assert compiled._compile(model, PUBLIC) == before
        assert set(compiled.compiled_queryset(model, PUBLIC).values_list("pk", flat=True)) == set(
            outbound_queryset(model, PUBLIC).values_list("pk", flat=True))


def test_stix_and_ftm_exports_carry_typed_ties_and_the_named_person(client, ties):
    import io
    import json

    from followthemoney import model as ftm_model
    from stix2validator import ValidationOptions, validate_string

    url = reverse("atlas:network_export", args=["organisations", ties["assoc"].pk, "stix"])
    text = client.get(url).content.decode()
    assert CANARY not in text
    assert validate_string(text, ValidationOptions(strict=False)).is_valid
    objects = json.loads(text)["objects"]
    assert "Chen Leader" in {o.get("name") for o in objects if o["type"] == "identity"}
    assert sum(o["type"] == "relationship" for o in objects) >= 4  # the four public ties at least
    ftm = client.get(reverse("atlas:network_export", args=["organisations", ties["assoc"].pk, "ftm"])).content.decode()
    assert CANARY not in ftm
    entities = [json.loads(line) for line in io.StringIO(ftm) if line.strip()]
    for entity in entities:
        ftm_model.get_proxy(entity)
    schemata = {e["schema"] for e in entities}
    assert {"Membership", "Directorship", "Person"} <= schemata, schemata
