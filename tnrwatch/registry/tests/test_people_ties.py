"""People, addresses, ties and the right of reply, through the services on the real database.

Fixture strategy: one court record, one news source, an association, a bureau, a station, two
public actors and an address: the smallest record that has a tie of every kind.
"""

from datetime import date

import pytest
from django.test import override_settings

from tnrwatch.audit.models import AuditEntry
from tnrwatch.core.errors import ApplicationError, ConflictError, ValidationError
from tnrwatch.registry import services
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import (
    Address,
    Claim,
    Country,
    Evidence,
    Person,
    Reply,
    Tie,
)

QUOTE = "the defendant served as the association's chairman"


@pytest.fixture
def record(db):
    us = Country.objects.get(iso2="US")
    cn = Country.objects.get(iso2="CN")
    court = services.source_create(actor_label="t", kind="court", title="Complaint", publisher="US District Court")
    news = services.source_create(actor_label="t", title="Report", publisher="A newspaper")
    assoc = services.organization_create(actor_label="t", kind="host_organization", name_en="Hometown Association",
                                         country=us)
    bureau = services.organization_create(actor_label="t", kind="operating_bureau", name_en="City Public Security Bureau",
                                          country=cn)
    station = services.station_create(actor_label="t", name_en="Station", country=us)
    alice = services.person_create(actor_label="t", name_en="Lu Jianwang", name_zh="陆建旺", public_basis="court_record",
                                   country=us, aliases=[("Harry Lu", "en")])
    bob = services.person_create(actor_label="t", name_en="Chen Jinping", public_basis="court_record")
    address = services.address_create(actor_label="t", full="107 East Broadway, New York, NY 10002",
                                      street="107 East Broadway", postcode="10002", city="New York", country=us)
    return {"us": us, "court": court, "news": news, "assoc": assoc, "bureau": bureau, "station": station,
            "alice": alice, "bob": bob, "address": address}


def _tie(r, kind, a, b, **kw):
    return services.tie_create(actor_label="t", kind=kind, from_end=r[a], to_end=r[b], source=r["court"],
                               quote=kw.pop("quote", f"{a} {kind} {b}"), **kw)


EVERY_KIND = [
    ("membership", "alice", "assoc"), ("directorship", "alice", "station"), ("employment", "bob", "assoc"),
    ("ownership", "assoc", "address"), ("registered_at", "assoc", "address"), ("located_at", "station", "address"),
    ("funding", "bureau", "station"), ("affiliation", "station", "bureau"), ("family", "alice", "bob"),
    ("same_address_as", "station", "assoc"), ("unknown", "alice", "bureau"),
]


def test_every_kind_of_tie_is_a_claim_with_evidence_and_an_audit_row(record):
    assert {k for k, _a, _b in EVERY_KIND} == set(v.TIE_KINDS)
    for kind, a, b in EVERY_KIND:
        tie = _tie(record, kind, a, b, role="chairman" if kind == "directorship" else "")
        claim = Claim.objects.get(subject_type="tie", subject_id=tie.pk)
        assert claim.evidence.get().source == record["court"]
        assert AuditEntry.objects.filter(action="tie.create", subject_type="tie", subject_id=str(tie.pk)).exists()
        # A tie naming a person is AMBER, with its claim and quote, whatever the instance default says.
        if tie.involves_person():
            assert tie.marking == claim.marking == claim.evidence.get().marking == "amber"
    assert Tie.objects.count() == len(EVERY_KIND)


@override_settings(TNR_DEFAULT_MARKING="clear")
def test_a_person_is_amber_whatever_the_default_marking(record):
    person = services.person_create(actor_label="t", name_en="An Official", public_basis="official")
    assert person.marking == "amber"
    claim = services.claim_assert(actor_label="t", subject=person, prop="position", value="deputy director",
                                  source=record["news"], quote="deputy director")
    assert claim.marking == "amber" and claim.evidence.get().marking == "amber"
    assert AuditEntry.objects.filter(action="person.create", subject_type="person", subject_id=str(person.pk)).exists()


def test_person_needs_a_public_basis_and_is_never_created_public(record):
    with pytest.raises(services.PersonNotPublicActorError):
        services.person_create(actor_label="t", name_en="A reporter", public_basis="reporter")
    with pytest.raises(ValidationError):
        services.person_create(actor_label="t", name_en="Someone", public_basis="official", marking="clear")
    with pytest.raises(ValidationError):
        services.person_create(actor_label="t", name_en="  ", public_basis="official")
    assert Person.objects.count() == 2


def test_person_update_audits_old_and_new(record):
    services.person_update(actor=None, person=record["alice"], position="chairman")
    row = AuditEntry.objects.get(action="person.update")
    assert row.data["changes"]["position"] == {"from": "", "to": "chairman"}
    with pytest.raises(ValidationError):
        services.person_update(actor=None, person=record["alice"], marking="clear")


def test_address_is_geocoded_from_the_gazetteer_and_duplicates_refused(record):
    address = record["address"]
    assert address.place is not None and address.geo_precision == "city"
    assert address.latitude == pytest.approx(40.7, abs=0.5)
    with pytest.raises(ConflictError):
        services.address_create(actor_label="t", full=address.full, country=record["us"])
    with pytest.raises(ValidationError):
        services.address_create(actor_label="t", full="x", country=record["us"], latitude=91, longitude=0)
    with pytest.raises(ValidationError):
        services.address_create(actor_label="t", full="y", country=record["us"], latitude=10)
    assert Address.objects.count() == 1


@pytest.mark.parametrize(("case", "error"), [
    ("self", services.SelfTieError),
    ("missing", services.TieEndMissingError),
    ("bad type", services.TieEndKindError),
    ("kind misfit", services.TieEndKindError),
    ("unknown kind", ValidationError),
    ("date order", services.TieDateOrderError),
    ("no quote", ValidationError),
    ("public person tie", ValidationError),
])
def test_bad_ties_are_refused_and_nothing_is_written(record, case, error):
    before = (Tie.objects.count(), Claim.objects.count(), Evidence.objects.count(), AuditEntry.objects.count())
    kw = {"kind": "membership", "from_end": record["alice"], "to_end": record["assoc"], "source": record["court"],
          "quote": QUOTE}
    kw.update({
        "self": {"kind": "same_address_as", "from_end": record["station"], "to_end": ("station", record["station"].pk)},
        "missing": {"to_end": ("organization", 999999)},
        "bad type": {"to_end": ("country", record["us"].pk)},
        "kind misfit": {"kind": "family", "to_end": record["assoc"]},
        "unknown kind": {"kind": "friendship"},
        "date order": {"start": date(2020, 5, 1), "end": date(2019, 1, 1)},
        "no quote": {"quote": " "},
        "public person tie": {"marking": "clear"},
    }[case])
    with pytest.raises(error) as exc:
        services.tie_create(actor_label="t", **kw)
    assert isinstance(exc.value, ApplicationError) and exc.value.message
    assert (Tie.objects.count(), Claim.objects.count(), Evidence.objects.count(), AuditEntry.objects.count()) == before


def test_dates_compare_at_the_coarser_precision(record):
    tie = _tie(record, "membership", "alice", "assoc", start=date(2019, 3, 1), start_precision="month",
               end=date(2019, 1, 1), end_precision="year")
    assert tie.end_date.year == 2019
    assert "2019-03 to 2019" in Claim.objects.get(subject_type="tie", subject_id=tie.pk).value


def test_duplicate_ties_are_refused_symmetric_kinds_in_either_order(record):
    _tie(record, "membership", "alice", "assoc")
    with pytest.raises(services.DuplicateTieError):
        _tie(record, "membership", "alice", "assoc", quote="another quote")
    _tie(record, "same_address_as", "station", "assoc")
    with pytest.raises(services.DuplicateTieError):
        _tie(record, "same_address_as", "assoc", "station")
    # A different role is a different tie; so is the reverse of a directed kind.
    _tie(record, "membership", "alice", "assoc", role="treasurer")
    assert Tie.objects.count() == 3


def test_cycles_are_allowed(record):
    _tie(record, "affiliation", "station", "bureau")
    _tie(record, "funding", "bureau", "station")
    _tie(record, "same_address_as", "station", "assoc")
    _tie(record, "directorship", "assoc", "station")
    assert Tie.objects.count() == 4


def test_tie_evidence_add_and_refutation(record):
    tie = _tie(record, "membership", "alice", "assoc")
    claim = services.tie_evidence_add(actor=None, tie=tie, source=record["news"], quote="he was never a member",
                                      stance="refutes")
    assert claim.status == "disputed" and claim.evidence.count() == 2


def test_right_of_reply(record):
    tie = _tie(record, "membership", "alice", "assoc")
    claim = Claim.objects.get(subject_type="tie", subject_id=tie.pk)
    reply = services.right_of_reply_record(actor=None, subject=record["alice"], claim=claim,
                                           text="I resigned in 2021.", received_on=date(2024, 1, 5),
                                           requested_on=date(2024, 1, 2))
    assert reply.marking == "clear"
    assert AuditEntry.objects.filter(action="reply.record", subject_type="person").count() == 1
    silent = services.right_of_reply_record(actor=None, subject=record["assoc"], requested_on=date(2024, 1, 2))
    assert silent.text == ""
    bad = [
        {"subject": record["alice"]},  # neither words nor the date asked
        {"subject": record["bob"], "claim": claim, "text": "x", "received_on": date(2024, 1, 1)},  # not about him
        {"subject": record["address"], "text": "x", "received_on": date(2024, 1, 1)},
        {"subject": record["alice"], "text": "x", "requested_on": date(2024, 2, 1), "received_on": date(2024, 1, 1)},
        {"subject": record["alice"], "text": "x"},  # when?
    ]
    for kw in bad:
        with pytest.raises(ValidationError):
            services.right_of_reply_record(actor=None, **kw)
    assert Reply.objects.count() == 2
