"""The naming standard (sharing/outbound/people.py) through the services and the rule's querysets.

Fixture strategy: one court record and three news sources (two of them from one publisher written
two ways), an association made public, and one person per case of the standard.
"""

import pytest

from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import services
from tnrwatch.registry.models import Alias, Claim, Country, Person, Reply, Tie
from tnrwatch.sharing.outbound import PUBLIC, Audience, outbound_queryset

PARTNER = Audience(name="partner", max_marking="amber")


def _publish(claim):
    return services.claim_publish(actor=None, actor_label="t", claim=claim)


@pytest.fixture
def world(db):
    us = Country.objects.get(iso2="US")
    court = services.source_create(actor_label="t", kind="court", title="Complaint", publisher="US District Court")
    news_a = services.source_create(actor_label="t", title="A1", publisher="Paper A")
    news_a2 = services.source_create(actor_label="t", title="A2", publisher=" paper a ")
    news_b = services.source_create(actor_label="t", title="B1", publisher="Paper B")
    assoc = services.organization_create(actor_label="t", kind="host_organization", name_en="Association", country=us)
    _publish(services.claim_assert(actor_label="t", subject=assoc, prop="kind", value="host_organization",
                                   source=news_a, quote="an association"))

    def person(name, *sources):
        p = services.person_create(actor_label="t", name_en=name, public_basis="court_record",
                                   aliases=[(name + " alias", "en")])
        claim = None
        for src in sources:
            claim = services.claim_assert(actor_label="t", subject=p, prop="position", value="chairman",
                                          source=src, quote=f"{name} is the chairman")
        return p, claim

    return {"us": us, "court": court, "a": news_a, "a2": news_a2, "b": news_b, "assoc": assoc, "person": person}


def _public_persons():
    return set(outbound_queryset(Person, PUBLIC).values_list("name_en", flat=True))


def test_court_record_or_two_publishers_name_a_person(world):
    court_p, court_claim = world["person"]("Court Named", world["court"])
    two_p, two_claim = world["person"]("Two Papers", world["a"], world["b"])
    preview = _publish(court_claim)
    assert preview.naming.condition == "court_or_registry"
    assert _publish(two_claim).naming.condition == "two_publishers"
    assert _public_persons() == {"Court Named", "Two Papers"}
    # Their names in other scripts and their claims follow them out.
    assert set(outbound_queryset(Alias, PUBLIC).filter(subject_type="person").values_list("name", flat=True)) >= {
        "Court Named alias", "Two Papers alias"}
    assert set(outbound_queryset(Claim, PUBLIC).filter(subject_type="person").values_list("pk", flat=True)) == {
        court_claim.pk, two_claim.pk}


def test_one_publisher_written_two_ways_is_not_independent(world):
    _p, one = world["person"]("One Paper", world["a"])
    _q, same = world["person"]("Same Paper Twice", world["a"], world["a2"])
    for claim in (one, same):
        preview = services.claim_publication_preview(claim=claim)
        assert not preview.allowed and preview.naming and not preview.naming.met
        assert "Missing" in preview.refusal
        with pytest.raises(ValidationError):
            _publish(claim)
    # Even marked CLEAR by hand (the marking is not the decision), they stay out: canaries.
    for obj in (*Person.objects.all(), *Claim.objects.filter(subject_type="person"),
                *[e for c in Claim.objects.filter(subject_type="person") for e in c.evidence.all()], world["a"], world["a2"]):
        services.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    assert _public_persons() == set()
    assert not outbound_queryset(Claim, PUBLIC).filter(subject_type="person").exists()
    assert not outbound_queryset(Alias, PUBLIC).filter(subject_type="person").exists()
    # A partner granted AMBER receives them under the ordinary rule.
    assert {"One Paper", "Same Paper Twice"} <= set(outbound_queryset(Person, PARTNER).values_list("name_en", flat=True))


def _tie(world, kind, a, b, source, **kw):
    tie = services.tie_create(actor_label="t", kind=kind, from_end=a, to_end=b, source=source,
                              quote=f"{a} and {b}", **kw)
    return tie, Claim.objects.get(subject_type="tie", subject_id=tie.pk)


def test_ties_to_people_need_the_standard_and_both_ends_public(world):
    named, named_claim = world["person"]("Named", world["court"])
    hidden, _hidden_claim = world["person"]("Hidden", world["court"])  # never published: AMBER
    _publish(named_claim)
    court_tie, court_tie_claim = _tie(world, "membership", named, world["assoc"], world["court"], role="chair")
    news_tie, news_tie_claim = _tie(world, "directorship", named, world["assoc"], world["a"])
    hidden_tie, hidden_tie_claim = _tie(world, "membership", hidden, world["assoc"], world["court"])
    preview = _publish(court_tie_claim)
    assert preview.naming.met
    assert _publish(hidden_tie_claim).notes == [f"The tie shows once its Person #{hidden.pk} is public too."]
    with pytest.raises(ValidationError):
        _publish(news_tie_claim)
    assert set(outbound_queryset(Tie, PUBLIC).values_list("pk", flat=True)) == {court_tie.pk}
    assert not outbound_queryset(Claim, PUBLIC).filter(subject_type="tie", subject_id=hidden_tie.pk).exists()
    # An AMBER tie stays out even with everything else public.
    services.marking_set(actor=None, actor_label="t", obj=court_tie, marking="amber")
    assert not outbound_queryset(Tie, PUBLIC).exists()


def test_family_ties_never_leave_without_a_recorded_reason(world):
    one, one_claim = world["person"]("Parent", world["court"])
    two, two_claim = world["person"]("Child", world["court"])
    _publish(one_claim), _publish(two_claim)
    tie, claim = _tie(world, "family", one, two, world["court"], role="father of")
    with pytest.raises(ValidationError, match="family"):
        _publish(claim)
    for obj in (tie, claim, *claim.evidence.all()):
        services.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    assert not outbound_queryset(Tie, PUBLIC).exists()
    assert not outbound_queryset(Tie, PARTNER).exists()
    assert not outbound_queryset(Claim, PUBLIC).filter(subject_type="tie").exists()


def test_ties_between_organisations_follow_the_ordinary_rule(world):
    bureau = services.organization_create(actor_label="t", kind="operating_bureau", name_en="Bureau")
    _tie_row, claim = _tie(world, "affiliation", world["assoc"], bureau, world["a"])
    _publish(claim)
    assert not outbound_queryset(Tie, PUBLIC).exists()  # the bureau is not public yet
    _publish(services.claim_assert(actor_label="t", subject=bureau, prop="kind", value="operating_bureau",
                                   source=world["a"], quote="a bureau"))
    assert outbound_queryset(Tie, PUBLIC).count() == 1


def test_replies_follow_their_author_and_claim(world):
    named, claim = world["person"]("Replying", world["court"])
    services.right_of_reply_record(actor=None, subject=named, claim=claim, text="Not true.",
                                   received_on=claim.created_at.date())
    assert not outbound_queryset(Reply, PUBLIC).exists()
    _publish(claim)
    assert outbound_queryset(Reply, PUBLIC).get().text == "Not true."


def test_a_refuting_quote_does_not_count_towards_the_standard(world, client):
    """A second publisher that reports a denial, or a court record that refutes the claim, does not
    corroborate it: the person is not named on one supporting publisher plus a refutation (the
    denial would otherwise be what publishes the name). Through the preview and every public path."""
    p, claim = world["person"]("CANARY-REFUTED-PERSON", world["a"])
    for source in (world["b"], world["court"]):
        services.claim_assert(actor_label="t", subject=p, prop="position", value="chairman", source=source,
                              quote="he denies being the chairman", stance="refutes")
    preview = services.claim_publication_preview(claim=claim)
    assert not preview.allowed and not preview.naming.met, preview.naming
    with pytest.raises(ValidationError):
        _publish(claim)
    # Marked CLEAR by hand: the marking is not the decision, the rule still holds the person back.
    claim.refresh_from_db()
    for obj in (p, claim, *claim.evidence.all(), world["b"], world["court"]):
        services.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    assert "CANARY-REFUTED-PERSON" not in _public_persons()
    for path in (f"/people/{p.pk}/", f"/api/v1/people/{p.pk}", "/api/v1/people", "/api/v1/export/claims.csv",
                 "/search/?q=chairman", f"/people/{p.pk}/network/stix/"):
        response = client.get(path)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        assert response.status_code in (200, 404), (path, response.status_code)
        assert b"CANARY-REFUTED-PERSON" not in body, path
    # A second supporting publisher meets it, the refutations shown beside it.
    services.claim_assert(actor_label="t", subject=p, prop="position", value="chairman", source=world["b"],
                          quote="CANARY-REFUTED-PERSON chairs the association")
    services.marking_set(actor=None, actor_label="t", marking="clear",
                         obj=claim.evidence.get(quote="CANARY-REFUTED-PERSON chairs the association"))
    assert "CANARY-REFUTED-PERSON" in _public_persons()


@pytest.mark.parametrize(("first", "second"), [
    (("Reuters", ""), ("Reuters.", "")),
    (("Reuters", ""), ("Reuters News", "")),
    (("The Guardian", ""), ("Guardian News & Media Ltd", "")),
    (("reuters.com", ""), ("REUTERS", "")),
    (("Thomson Reuters", "https://www.reuters.com/world/a"), ("Reuters Staff", "https://reuters.com/b")),
])
def test_one_publisher_under_other_names_or_on_one_site_is_not_independent(world, first, second):
    sources = [services.source_create(actor_label="t", title=f"S{i}", publisher=name, url=url)
               for i, (name, url) in enumerate((first, second))]
    _p, claim = world["person"]("Twice Reported", *sources)
    preview = services.claim_publication_preview(claim=claim)
    assert not preview.allowed and not preview.naming.met
    with pytest.raises(ValidationError):
        _publish(claim)
    for obj in (*Person.objects.all(), *Claim.objects.filter(subject_type="person"),
                *[e for c in Claim.objects.filter(subject_type="person") for e in c.evidence.all()], *sources):
        services.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    assert "Twice Reported" not in _public_persons()


def test_two_sites_are_two_publishers_and_the_key_follows_an_edit(world):
    one = services.source_create(actor_label="t", title="S1", publisher="Reuters", url="https://www.reuters.com/a")
    two = services.source_create(actor_label="t", title="S2", publisher="Reuters", url="https://apnews.com/b")
    assert (one.publisher_key, two.publisher_key) == ("reuters", "apnews")
    _p, claim = world["person"]("Two Sites", one, two)
    assert _publish(claim).naming.condition == "two_publishers"
    services.source_update(actor=None, actor_label="t", source=two, url="https://reuters.com/c")
    two.refresh_from_db()
    assert two.publisher_key == "reuters"
    assert "Two Sites" not in _public_persons()  # the querysets count publishers as the preview does


def test_a_court_record_by_a_partners_word_names_no_one_until_an_analyst_confirms_it(world):
    stated = services.source_create(actor_label="t", kind="court", title="Filing", publisher="A court",
                                    kind_confirmed=False)
    person, claim = world["person"]("Partner Court", stated)
    preview = services.claim_publication_preview(claim=claim)
    assert not preview.allowed and not preview.naming.met
    assert "not confirmed" in preview.naming.explanation
    for obj in (person, claim, *claim.evidence.all(), stated):
        services.marking_set(actor=None, actor_label="t", obj=obj, marking="clear")
    assert "Partner Court" not in _public_persons()
    services.source_update(actor=None, actor_label="t", source=stated, kind_confirmed=True)
    assert "Partner Court" in _public_persons()
