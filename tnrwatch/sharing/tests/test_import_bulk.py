"""The STIX import's bulk writes: the search index rows it writes are those the per-record services
would write, every record it creates has its own audit row, and a failure after the records were
written leaves nothing (one transaction).

Fixture strategy: the sharing record (factories.build_record) exported for an AMBER partner,
then the database emptied (countries stay) and the bundle imported, as into a new instance.
"""

from __future__ import annotations

import json

import pytest
from django.db import DatabaseError, connection

from tnrwatch.audit.models import AuditEntry
from tnrwatch.registry import models as m
from tnrwatch.search.models import SearchEntry
from tnrwatch.search.tests.test_index_bulk import _engine_consistent, _index_one_by_one, _snapshot
from tnrwatch.sharing.models import KnownIdentity, StixObjectRef
from tnrwatch.sharing.services import partner_create, stix_import

from .factories import build_record
from .test_stix import _empty_the_record, export

pytestmark = pytest.mark.django_db


@pytest.fixture
def bundle() -> str:
    partner_create(actor=None, name="Partner A", max_marking="amber", read=["record"])
    build_record()
    text = json.dumps(export("Partner A"))
    _empty_the_record()
    return text


def test_an_import_indexes_its_records_as_the_per_record_services_would(bundle):
    result = stix_import(data=bundle, actor_label="test", trusted=True)
    assert result.created["station"] == 2 and result.created["claim"] == 6
    _engine_consistent()
    imported = _snapshot()
    assert {k for k, _i in imported} == {"station", "organization", "response", "claim", "source"}
    _index_one_by_one()
    assert _snapshot() == imported


def test_every_record_an_import_creates_has_one_audit_row(bundle):
    result = stix_import(data=bundle, actor_label="import", trusted=True)
    ours = AuditEntry.objects.filter(actor_label="import")
    for kind, count in result.created.items():
        if kind == "evidence":  # evidence rides with its claim's row
            continue
        created = set(StixObjectRef.objects.filter(subject_type=kind, imported=True).values_list("subject_id", flat=True))
        rows = list(ours.filter(action=f"{kind}.create").values_list("subject_id", flat=True))
        assert len(rows) == count == len(created), kind
        assert {int(r) for r in rows} == created, kind
    assert ours.filter(action="sharing.import").count() == 1


def _refuse_audit_rows() -> None:
    """Make the database itself refuse the import's audit rows: the last thing an import writes,
    after its records, links, aliases and index rows."""
    with connection.cursor() as c:
        if connection.vendor == "sqlite":
            c.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON registry_auditentry WHEN NEW.action = 'claim.create' "
                      "BEGIN SELECT RAISE(ABORT, 'refused by the test'); END")
        else:
            c.execute("CREATE FUNCTION refuse_audit() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                      "IF NEW.action = 'claim.create' THEN RAISE EXCEPTION 'refused by the test'; END IF; RETURN NEW; END $$")
            c.execute("CREATE TRIGGER refuse_audit BEFORE INSERT ON registry_auditentry FOR EACH ROW EXECUTE FUNCTION refuse_audit()")


def _everything() -> tuple:
    models = (m.Station, m.Organization, m.GovernmentResponse, m.Incident, m.Campaign, m.Source, m.Claim, m.Evidence,
              m.Place, m.Alias, m.StationStatusChange, AuditEntry, StixObjectRef, KnownIdentity, SearchEntry)
    return tuple(model.objects.count() for model in models)


def test_an_import_failing_after_its_records_were_written_leaves_nothing(bundle):
    # Given a database that refuses the import's audit rows (written last)
    before = _everything()
    _refuse_audit_rows()
    # When the import runs, it fails after every record, link and index row was written
    with pytest.raises(DatabaseError):
        stix_import(data=bundle, actor_label="test", trusted=True)
    # Then nothing of it is left
    assert _everything() == before
    _engine_consistent()
