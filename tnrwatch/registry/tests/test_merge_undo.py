"""A merge and its undo (registry/services/merge.py, the `Merge` model): ties move with the merged entity, and
the undo puts back every row of the affected tables exactly, primary keys and timestamps included.

Fixture: two records of one public actor (a Chinese name entered twice), each with its own claim,
alias and ties (a membership and a leadership of two organisations, and a person tied to it), so
that the merge moves claims, aliases and ties at both ends.
"""

from __future__ import annotations

import json

import pytest
from django.core import serializers

from tnrwatch.audit.models import AuditEntry
from tnrwatch.core.errors import ConflictError, ValidationError
from tnrwatch.registry import models as m
from tnrwatch.registry import services
from tnrwatch.registry.selectors import merge_undone
from tnrwatch.registry.services import entity_merge, entity_unmerge
from tnrwatch.search.models import SearchEntry

pytestmark = pytest.mark.django_db

_TABLES = (m.Person, m.Organization, m.Tie, m.Alias, m.Claim, m.Evidence)


def _dump() -> dict[str, list]:
    """Every row of the record's affected tables, serialised; the search index (derived, its rows of
    the merged entity rebuilt by the undo under new ids) by content."""
    out = {model._meta.label: json.loads(serializers.serialize("json", model.objects.order_by("pk")))
           for model in _TABLES}
    out["search"] = sorted(json.dumps({k: v for k, v in row.items() if k not in ("id", "created")}, sort_keys=True,
                                      default=str) for row in SearchEntry.objects.values())
    return out


@pytest.fixture
def people(db):
    it = m.Country.objects.get(iso2="IT")
    source = services.source_create(actor_label="t", kind="court", title="Indictment", sha256="c" * 64)
    kept = services.person_create(actor_label="t", name_en="Lin Wei", name_zh="林伟", public_basis="court_record",
                                  country=it)
    merged = services.person_create(actor_label="t", name_en="Wei Lin", name_zh="林偉", public_basis="court_record",
                                    country=it, aliases=[("LIN Wei", "en")])
    assoc = services.organization_create(actor_label="t", kind="host_organization", name_en="Fuqing Association of Milan",
                                         country=it)
    chamber = services.organization_create(actor_label="t", kind="host_organization", name_en="Milan Chamber", country=it)
    other = services.person_create(actor_label="t", name_en="Chen Hua", public_basis="court_record", country=it)
    services.tie_create(actor_label="t", kind="membership", from_end=kept, to_end=assoc, source=source,
                        quote="Lin Wei, a member of the association")
    ties = [
        services.tie_create(actor_label="t", kind="directorship", from_end=merged, to_end=chamber, source=source,
                            quote="Wei Lin, its president", role="president"),
        services.tie_create(actor_label="t", kind="membership", from_end=merged, to_end=assoc, source=source,
                            quote="Wei Lin joined in 2019", role="treasurer"),
        services.tie_create(actor_label="t", kind="unknown", from_end=other, to_end=merged, source=source,
                            quote="Chen Hua and Wei Lin met weekly"),
    ]
    services.claim_assert(actor_label="t", subject=merged, prop="position", value="president", source=source,
                          quote="Wei Lin, its president")
    return {"kept": kept, "merged": merged, "ties": ties, "source": source, "assoc": assoc}


def test_merge_moves_ties_and_undo_restores_every_row(people):
    kept, merged = people["kept"], people["merged"]
    before = _dump()

    entry = entity_merge(actor=None, actor_label="t", subject_type="person", kept_id=kept.pk, merged_id=merged.pk,
                         reason="the same defendant")

    record = m.Merge.objects.get()
    assert entry.data["merge"] == record.pk and record.entry_id == entry.pk and "row" not in entry.data
    assert (record.subject_type, record.kept_id, record.merged_id) == ("person", kept.pk, merged.pk)
    assert not m.Person.objects.filter(pk=merged.pk).exists()
    moved = m.Tie.objects.filter(pk__in=[t.pk for t in people["ties"]])
    assert {(t.from_id if t.from_type == "person" and t.kind != "unknown" else t.to_id) for t in moved} == {kept.pk}
    assert not m.Tie.objects.filter(from_type="person", from_id=merged.pk).exists()
    assert not m.Tie.objects.filter(to_type="person", to_id=merged.pk).exists()
    assert len(set(m.Tie.objects.values_list("key", flat=True))) == m.Tie.objects.count()
    assert m.Claim.objects.filter(subject_type="person", subject_id=kept.pk, prop="position").exists()
    assert _dump() != before

    entity_unmerge(actor=None, actor_label="t", merge_entry_id=entry.pk)

    assert _dump() == before  # every row of the affected tables, ids and timestamps included
    record.refresh_from_db()
    assert record.undone_at is not None and merge_undone(entry)
    unmerge = AuditEntry.objects.get(action="entity.unmerge")
    assert record.undo_entry_id == unmerge.pk and unmerge.subject_id == str(entry.pk)
    with pytest.raises(ConflictError):
        entity_unmerge(actor=None, actor_label="t", merge_entry_id=entry.pk)


def test_a_merge_that_would_tie_an_entity_to_itself_or_duplicate_a_tie_is_refused(people):
    kept, merged = people["kept"], people["merged"]
    services.tie_create(actor_label="t", kind="family", from_end=kept, to_end=merged, source=people["source"],
                        quote="his brother Wei Lin")
    before = _dump()
    with pytest.raises(ValidationError, match="tied to each other"):
        entity_merge(actor=None, actor_label="t", subject_type="person", kept_id=kept.pk, merged_id=merged.pk)
    assert _dump() == before and not m.Merge.objects.exists()

    m.Tie.objects.filter(kind="family").delete()
    services.tie_create(actor_label="t", kind="membership", from_end=merged, to_end=people["assoc"],
                        source=people["source"], quote="Wei Lin, a member")
    before = _dump()
    with pytest.raises(ValidationError, match="Both entities have this tie"):
        entity_merge(actor=None, actor_label="t", subject_type="person", kept_id=kept.pk, merged_id=merged.pk)
    assert _dump() == before and not m.Merge.objects.exists()
