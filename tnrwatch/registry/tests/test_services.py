import pytest

from tnrwatch.audit.models import AuditEntry
from tnrwatch.core.errors import ValidationError
from tnrwatch.registry import services
from tnrwatch.registry.models import Claim, Country


@pytest.fixture
def source(db):
    return services.source_create(actor_label="test", title="A report", publisher="RFA", marking="clear")


def test_claim_assert_is_idempotent_and_audited(source):
    nl = Country.objects.get(iso2="NL")
    # Given a source that says the Netherlands ordered closure
    claim = services.claim_assert(actor_label="test", subject=nl, prop="response", value="closure_ordered",
                                  source=source, quote="the Dutch ... ordered China to shut down")
    # When the same evidence is asserted again
    again = services.claim_assert(actor_label="test", subject=nl, prop="response", value="closure_ordered",
                                  source=source, quote="the Dutch ... ordered China to shut down")
    # Then it is one claim with one evidence item, and the audit trail has one create
    assert claim.pk == again.pk
    assert claim.evidence.count() == 1
    assert AuditEntry.objects.filter(action="claim.create", subject_id=str(claim.pk)).count() == 1


def test_refuting_evidence_makes_a_claim_disputed(source):
    nl = Country.objects.get(iso2="NL")
    claim = services.claim_assert(actor_label="t", subject=nl, prop="p", value="v", source=source, quote="yes")
    services.claim_assert(actor_label="t", subject=nl, prop="p", value="v", source=source, quote="no", stance="refutes")
    claim.refresh_from_db()
    assert claim.status == "disputed"
    assert Claim.objects.count() == 1


def test_claim_without_quote_is_refused(source):
    nl = Country.objects.get(iso2="NL")
    with pytest.raises(ValidationError):
        services.claim_assert(actor_label="t", subject=nl, prop="p", value="v", source=source, quote="  ")
