"""People, addresses and ties in the STIX and FtM exports, checked with the partners' libraries
(stix2-validator, followthemoney), with canaries that must never leave.

Fixture strategy: the smallest record with a tie of every kind, all resting on a court record and
published, plus a person named by one newspaper and a family tie (marked CLEAR by hand: canaries).
"""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
from followthemoney import model
from stix2validator import ValidationOptions, validate_string

from tnrwatch.registry import services
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import Claim, Country
from tnrwatch.sharing.exporters import export_ftm, export_stix
from tnrwatch.sharing.services import partner_create

pytestmark = pytest.mark.django_db
CANARY = "Canary Onesource"


def _publish_about(subject, source, prop="described_as", value="recorded"):
    claim = services.claim_assert(actor_label="t", subject=subject, prop=prop, value=value, source=source,
                                  quote=f"{subject} as the record says")
    services.claim_publish(actor=None, actor_label="t", claim=claim)
    return claim


@pytest.fixture
def network():
    us = Country.objects.get(iso2="US")
    court = services.source_create(actor_label="t", kind="court", title="Complaint", publisher="US District Court")
    paper = services.source_create(actor_label="t", title="Story", publisher="Paper")
    assoc = services.organization_create(actor_label="t", kind="host_organization", name_en="Association", country=us)
    bureau = services.organization_create(actor_label="t", kind="operating_bureau", name_en="Bureau")
    station = services.station_create(actor_label="t", name_en="Station", country=us)
    lu = services.person_create(actor_label="t", name_en="Lu Jianwang", public_basis="court_record", country=us,
                                birth_date=date(1961, 5, 4), birth_date_precision="year")
    chen = services.person_create(actor_label="t", name_en="Chen Jinping", public_basis="court_record")
    addr = services.address_create(actor_label="t", full="107 East Broadway, New York", city="New York", country=us)
    for obj in (assoc, bureau, station, lu, chen, addr):
        _publish_about(obj, court)
    ends = {"lu": lu, "chen": chen, "assoc": assoc, "bureau": bureau, "station": station, "addr": addr}
    kinds = [("membership", "lu", "assoc"), ("directorship", "lu", "station"), ("employment", "chen", "assoc"),
             ("ownership", "assoc", "addr"), ("registered_at", "assoc", "addr"), ("located_at", "station", "addr"),
             ("funding", "bureau", "station"), ("affiliation", "station", "bureau"),
             ("same_address_as", "station", "assoc"), ("unknown", "lu", "bureau")]
    for kind, a, b in kinds:
        tie = services.tie_create(actor_label="t", kind=kind, from_end=ends[a], to_end=ends[b], source=court,
                                  quote=f"{a} {kind} {b}", role="chair" if kind == "directorship" else "",
                                  start=date(2018, 1, 1), start_precision="year", end=date(2022, 10, 1),
                                  end_precision="month")
        services.claim_publish(actor=None, actor_label="t", claim=Claim.objects.get(subject_type="tie", subject_id=tie.pk))
    canary = services.person_create(actor_label="t", name_en=CANARY, public_basis="official")
    canary_claim = services.claim_assert(actor_label="t", subject=canary, prop="position", value="canary-post",
                                         source=paper, quote="canary quote")
    family = services.tie_create(actor_label="t", kind="family", from_end=lu, to_end=chen, source=court,
                                 quote="canary-family", role="canary-brother")
    family_claim = Claim.objects.get(subject_type="tie", subject_id=family.pk)
    for obj in (canary, canary_claim, *canary_claim.evidence.all(), paper, family, family_claim,
                *family_claim.evidence.all()):
        services.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    return {"kinds": [k for k, _a, _b in kinds]}


def _stix(partner=None) -> str:
    out = io.StringIO()
    export_stix(out, partner=partner)
    return out.getvalue()


def _tie_relationships(objects: list[dict]) -> list[dict]:
    """The relationships of the bundle that carry a tie (their extension's kind is "tie")."""
    return [o for o in objects if o["type"] == "relationship"
            and (o.get("extensions") or {}).get(next(iter(o.get("extensions") or {"": 0})), {}).get("kind") == "tie"]


def test_stix_carries_people_addresses_and_ties_and_validates(network):
    partner_create(actor=None, name="Partner A", max_marking="amber", read=["record", "network"])
    partner_create(actor=None, name="Partner B", max_marking="amber", read=["record"])
    assert "Lu Jianwang" not in _stix("Partner B")
    for partner in (None, "Partner A"):
        text = _stix(partner)
        result = validate_string(text, ValidationOptions(version="2.1"))
        assert result.is_valid, [str(e) for e in result.errors]
        objects = json.loads(text)["objects"]
        people = [o for o in objects if o["type"] == "identity" and o.get("identity_class") == "individual"]
        if partner is None:
            assert {p["name"] for p in people} == {"Lu Jianwang", "Chen Jinping"}
            assert "1961" not in json.dumps(people)  # never a birth date in public
            assert CANARY not in text and "canary" not in text
        address = [o for o in objects if o["type"] == "location" and o.get("street_address") is None
                   and o.get("name", "").startswith("107 East Broadway")]
        assert address and address[0]["country"] == "US", [o for o in objects if o["type"] == "location"]
        ties = _tie_relationships(objects)
        kinds = {next(iter(t["extensions"].values()))["tie_kind"] for t in ties}
        assert set(network["kinds"]) <= kinds
        assert "family" not in kinds  # not even to a partner, without a recorded reason
        assert {t["relationship_type"] for t in ties} >= {"located-at", "owns", "related-to", "member-of"}
        assert all(t["start_time"] == "2018-01-01T00:00:00.000Z" for t in ties)


def test_ftm_export_uses_the_interval_schemata_and_validates(network):
    out = io.StringIO()
    export_ftm(out)
    text = out.getvalue()
    entities = [json.loads(line) for line in text.splitlines()]
    for entity in entities:
        body = {k: val for k, val in entity.items() if k != "datasets"}
        model.get(entity["schema"]).validate(body)
        model.get_proxy(body, cleaned=False)
    schemata = {e["schema"] for e in entities}
    assert {"Person", "Address", "Membership", "Directorship", "Employment", "UnknownLink"} <= schemata
    assert "Family" not in schemata and CANARY not in text and "canary" not in text
    directorship = next(e for e in entities if e["schema"] == "Directorship")
    assert directorship["properties"]["role"] == ["chair"]
    assert directorship["properties"]["startDate"] == ["2018"]
    assert directorship["properties"]["endDate"] == ["2022-10"]
    assert set(v.TIE_KINDS) - {"family"} == set(network["kinds"])


def test_importing_a_bundle_with_people_skips_them_with_a_warning(network):
    from tnrwatch.registry.models import Person, Tie
    from tnrwatch.sharing.services import stix_import

    people, ties = Person.objects.count(), Tie.objects.count()
    result = stix_import(data=_stix(), actor_label="test")
    assert (Person.objects.count(), Tie.objects.count()) == (people, ties)
    skipped = {w["id"].split("--")[0] for w in result.warnings if w.get("id")}
    assert {"identity", "relationship"} <= skipped
