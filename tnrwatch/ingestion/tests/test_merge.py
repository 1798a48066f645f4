"""Reviewed, reversible merges of duplicate entities (registry/services/merge.py)."""

from __future__ import annotations

import pytest

from tnrwatch.audit.models import AuditEntry
from tnrwatch.core.errors import ConflictError, ValidationError
from tnrwatch.registry import services
from tnrwatch.registry.models import (
    Alias,
    Claim,
    Country,
    Evidence,
    GovernmentResponse,
    Organization,
    Station,
)
from tnrwatch.registry.selectors import duplicate_pairs
from tnrwatch.registry.services import entity_merge, entity_unmerge


@pytest.fixture
def duplicates(db):
    cn, it = Country.objects.get(iso2="CN"), Country.objects.get(iso2="IT")
    source = services.source_create(actor_label="t", title="Report", sha256="a" * 64)
    other = services.source_create(actor_label="t", title="Other", sha256="b" * 64)
    kept = services.organization_create(actor_label="t", kind="operating_bureau", name_en="Qingtian County Public Security Bureau",
                                        name_zh="青田县公安局", country=cn)
    # the same bureau entered again from a traditional-script document
    merged = services.organization_create(actor_label="t", kind="operating_bureau", name_en="Qingtian PSB",
                                          name_zh="青田縣公安局", country=cn)
    station = services.station_create(actor_label="t", name_en="Milan station", country=it, operator=merged)
    response = services.response_create(actor_label="t", country=it, action="investigation", summary="s")
    response.stations.add(station)
    same_quote = "run by the Qingtian police"
    services.claim_assert(actor_label="t", subject=kept, prop="operates_overseas_station", value="Milan, IT",
                          source=source, quote=same_quote)
    folded = services.claim_assert(actor_label="t", subject=merged, prop="operates_overseas_station", value="Milan, IT",
                                   source=source, quote=same_quote)
    services.claim_assert(actor_label="t", subject=merged, prop="operates_overseas_station", value="Milan, IT",
                          source=other, quote="another quote")
    moved = services.claim_assert(actor_label="t", subject=merged, prop="operates_overseas_station", value="Prato, IT",
                                  source=other, quote="and in Prato")
    return {"kept": kept, "merged": merged, "station": station, "folded": folded, "moved": moved, "response": response}


def _state():
    return {
        "claims": sorted(Claim.objects.values_list("pk", "key", "subject_id")),
        "evidence": sorted(Evidence.objects.values_list("pk", "claim_id", "quote")),
        "aliases": sorted(Alias.objects.values_list("pk", "subject_type", "subject_id", "name")),
        "orgs": sorted(Organization.objects.values_list("pk", "name_en", "name_zh", "created_at")),
        "operators": sorted(Station.objects.values_list("pk", "operator_id")),
    }


def test_duplicates_across_scripts_are_proposed(duplicates):
    pairs = duplicate_pairs()
    assert any(p["subject_type"] == "organization" and p["kept"] == duplicates["kept"]
               and p["merged"] == duplicates["merged"] for p in pairs)


def test_merge_moves_everything_and_unmerge_restores_it(duplicates):
    kept, merged = duplicates["kept"], duplicates["merged"]
    before = _state()
    # When the duplicate is merged into the kept bureau
    entry = entity_merge(actor=None, actor_label="t", subject_type="organization", kept_id=kept.pk,
                         merged_id=merged.pk, reason="same bureau")
    # Then its station, claims and aliases belong to the kept one, and the merged row is gone
    assert not Organization.objects.filter(pk=merged.pk).exists()
    assert Station.objects.get(pk=duplicates["station"].pk).operator_id == kept.pk
    assert not Claim.objects.filter(subject_type="organization", subject_id=merged.pk).exists()
    milan = Claim.objects.get(subject_type="organization", subject_id=kept.pk, value="Milan, IT")
    assert sorted(milan.evidence.values_list("quote", flat=True)) == ["another quote", "run by the Qingtian police"]
    assert Claim.objects.get(pk=duplicates["moved"].pk).subject_id == kept.pk
    assert Alias.objects.filter(subject_type="organization", subject_id=kept.pk, name="青田縣公安局").exists()
    assert entry.action == "entity.merge" and entry.data["merged"] == merged.pk
    # When the merge is undone
    undo = entity_unmerge(actor=None, actor_label="t", merge_entry_id=entry.pk)
    # Then the record is exactly as before, primary keys included
    assert _state() == before
    assert undo.action == "entity.unmerge"
    with pytest.raises(ConflictError):
        entity_unmerge(actor=None, actor_label="t", merge_entry_id=entry.pk)


def test_station_merge_moves_responses_and_history(duplicates):
    it = Country.objects.get(iso2="IT")
    first = duplicates["station"]
    second = services.station_create(actor_label="t", name_en="Milano station", country=it)
    response = duplicates["response"]
    other = services.response_create(actor_label="t", country=it, action="monitoring", summary="s")
    other.stations.add(second)
    entry = entity_merge(actor=None, actor_label="t", subject_type="station", kept_id=first.pk, merged_id=second.pk)
    assert set(other.stations.all()) == {first}
    assert first.status_history.count() == 2
    entity_unmerge(actor=None, actor_label="t", merge_entry_id=entry.pk)
    assert set(other.stations.all()) == {Station.objects.get(pk=second.pk)}
    assert set(response.stations.all()) == {first}
    assert first.status_history.count() == 1
    assert AuditEntry.objects.filter(action__in=["entity.merge", "entity.unmerge"]).count() == 2


def test_merge_refuses_self_and_other_countries(duplicates):
    with pytest.raises(ValidationError):
        entity_merge(actor=None, subject_type="organization", kept_id=duplicates["kept"].pk,
                     merged_id=duplicates["kept"].pk)
    fr = services.station_create(actor_label="t", name_en="Paris station", country=Country.objects.get(iso2="FR"))
    with pytest.raises(ValidationError):
        entity_merge(actor=None, subject_type="station", kept_id=duplicates["station"].pk, merged_id=fr.pk)
    assert GovernmentResponse.objects.count() == 1
