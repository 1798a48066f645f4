"""Reviewed, reversible merges of duplicate entities (organisations, stations, figures, responses).

`entity_merge` folds the merged entity into the kept one: its claims (re-keyed, or folded into
the kept entity's identical claim), aliases, and every relation pointing at it (foreign keys and
many-to-many links, e.g. a station's responses, an organisation's operated stations) move to the
kept entity, and the merged row is deleted. Its ties move with it: each end that was the merged
entity becomes the kept one and the tie is re-keyed (its claims, keyed by the tie's id, stay
attached); a tie between the two, which would become a self-tie, or one the kept entity already has,
refuses the merge with a clear error and nothing written. Everything needed to undo it (the merged
row as serialised by Django, the ids of every row moved, every row deleted) is a `Merge` row
(`registry/merge_models.py`), written in the same transaction as the `entity.merge` audit row that
points to it. `entity_unmerge` reads it and puts everything back, including the original primary
keys and tie ends, so links to the merged entity work again.

The reads (likely duplicates, whether a merge was undone) are in `registry/selectors.py`.
"""

from __future__ import annotations

import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import Any
from uuid import UUID

from django.apps import apps
from django.core import serializers
from django.db import transaction
from django.db.models import Model, Q
from django.utils import timezone
from django.utils.translation import gettext

from tnrwatch.audit.models import AuditEntry
from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, NotFoundOrForbiddenError, ValidationError
from tnrwatch.search import services as search_index

from .. import subjects
from ..models import (
    Alias,
    Claim,
    Evidence,
    Merge,
    Tie,
    claim_key,
    tie_key,
)
from .ties import _date_label

MERGEABLE_TYPES: tuple[str, ...] = subjects.types(mergeable=True)


def mergeable_model(subject_type: str) -> type[Model]:
    """The model of a kind that can be merged (`registry/subjects.py`); ValidationError otherwise."""
    kind = subjects.get(subject_type)
    if kind is None or not kind.mergeable:
        raise ValidationError(gettext("Entities of type %(subject_type)r cannot be merged.") % {"subject_type": subject_type})
    return kind.model


def _dump(objs: list[Model]) -> list[dict[str, Any]]:
    """Rows as JSON-safe dicts; times keep their microseconds (Django's JSON format drops them)."""
    return json.loads(json.dumps(serializers.serialize("python", objs), default=_plain))


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal | UUID):
        return str(value)
    raise TypeError(f"cannot keep {type(value).__name__} in an audit row")


def _load(data: list[dict[str, Any]], *, links: bool = True) -> None:
    for obj in serializers.deserialize("python", data):
        if not links:
            obj.m2m_data = {}  # the link rows are restored one by one, with their own ids
        obj.save()  # a raw save: primary key and timestamps as they were


def _entity(subject_type: str, pk: Any) -> Model:
    model = mergeable_model(subject_type)
    try:
        return model.objects.select_for_update().get(pk=int(pk))
    except (model.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundOrForbiddenError() from exc


def _label(obj: Model) -> str:
    return str(getattr(obj, "name_en", "") or getattr(obj, "label", "") or obj)[:200]


@transaction.atomic
def entity_merge(*, actor: Any, subject_type: str, kept_id: Any, merged_id: Any, reason: str = "",
                 actor_label: str | None = None) -> AuditEntry:
    """Merge entity `merged_id` into `kept_id`; the audit row returned is what `entity_unmerge` takes
    (its data names the `Merge` row that holds the undo data)."""
    kept = _entity(subject_type, kept_id)
    merged = _entity(subject_type, merged_id)
    if kept.pk == merged.pk:
        raise ValidationError(gettext("An entity cannot be merged into itself."))
    if getattr(kept, "country_id", None) != getattr(merged, "country_id", None) and subject_type != "organization":
        raise ValidationError(gettext("Only entities of the same country can be merged."))
    undo: dict[str, Any] = {"subject_type": subject_type, "kept": kept.pk, "merged": merged.pk,
                            "row": _dump([merged]), "claims_moved": [], "claims_folded": [], "ties_moved": [],
                            "aliases_moved": [], "aliases_deleted": [], "fk": [], "m2m": []}
    label = _label(merged)
    _merge_ties(subject_type, kept, merged, undo)
    _merge_claims(subject_type, kept, merged, undo)
    _merge_aliases(subject_type, kept, merged, undo)
    _merge_relations(kept, merged, undo)
    merged.delete()
    search_index.index_subject(subject_type=subject_type, subject_id=kept.pk, with_claims=True)
    record = Merge.objects.create(subject_type=subject_type, kept_id=kept.pk, merged_id=undo["merged"],
                                  merged_label=label, reason=(reason or "")[:1000], undo=undo,
                                  created_by=actor if getattr(actor, "is_authenticated", False) else None)
    entry = audit_record(actor=actor, actor_label=actor_label, action="entity.merge", subject=kept, data={
        "merge": record.pk, "subject_type": subject_type, "kept": kept.pk, "merged": undo["merged"],
        "merged_label": label, "reason": record.reason,
        "moved": {"claims": len(undo["claims_moved"]) + len(undo["claims_folded"]), "ties": len(undo["ties_moved"]),
                  "aliases": len(undo["aliases_moved"]) + len(undo["aliases_deleted"])}})
    Merge.objects.filter(pk=record.pk).update(entry_id=entry.pk)
    return entry


def _merge_ties(subject_type: str, kept: Model, merged: Model, undo: dict[str, Any]) -> None:
    """Move the merged entity's ties to the kept one, re-keyed; refuse before anything is lost."""
    ties = Tie.objects.filter(Q(from_type=subject_type, from_id=merged.pk) | Q(to_type=subject_type, to_id=merged.pk))
    for tie in ties.order_by("pk"):
        ends = [(end_type, kept.pk if (end_type, end_id) == (subject_type, merged.pk) else end_id)
                for end_type, end_id in ((tie.from_type, tie.from_id), (tie.to_type, tie.to_id))]
        if ends[0] == ends[1]:
            raise ValidationError(gettext("The two entities are tied to each other (tie #%(tie)s); merged, it would tie "
                                          "an entity to itself. Retract that tie first.") % {"tie": tie.pk})
        key = tie_key(tie.kind, ends[0], ends[1], tie.role, _date_label(tie.start_date, tie.start_precision))
        twin = Tie.objects.filter(key=key).exclude(pk=tie.pk).first()
        if twin is not None:
            raise ValidationError(gettext("Both entities have this tie (ties #%(twin)s and #%(tie)s); retract one, or "
                                          "add its quote to the other's claim, before merging.") % {"twin": twin.pk,
                                                                                                  "tie": tie.pk})
        undo["ties_moved"].append({"id": tie.pk, "key": tie.key, "from_id": tie.from_id, "to_id": tie.to_id})
        Tie.objects.filter(pk=tie.pk).update(from_id=ends[0][1], to_id=ends[1][1], key=key)


def _merge_claims(subject_type: str, kept: Model, merged: Model, undo: dict[str, Any]) -> None:
    for claim in Claim.objects.filter(subject_type=subject_type, subject_id=merged.pk).order_by("pk"):
        new_key = claim_key(subject_type, kept.pk, claim.prop, claim.value)
        target = Claim.objects.filter(key=new_key).first()
        if target is None:
            undo["claims_moved"].append({"id": claim.pk, "key": claim.key})
            Claim.objects.filter(pk=claim.pk).update(subject_id=kept.pk, key=new_key)
            continue
        # The kept entity already has this very claim: its evidence joins the kept claim.
        folded: dict[str, Any] = {"claim": _dump([claim]), "evidence_moved": [], "evidence_deleted": [], "refs": []}
        duplicates = []
        for evidence in claim.evidence.all():
            if Evidence.objects.filter(claim=target, source_id=evidence.source_id, quote=evidence.quote,
                                       stance=evidence.stance).exists():
                duplicates.append(evidence)
            else:
                folded["evidence_moved"].append(evidence.pk)
        folded["evidence_deleted"] = _dump(duplicates)
        Evidence.objects.filter(pk__in=folded["evidence_moved"]).update(claim=target)
        for rel in Claim._meta.related_objects:
            if rel.one_to_many and rel.related_model is not Evidence:
                manager = rel.related_model._base_manager
                ids = list(manager.filter(**{rel.field.name: claim}).values_list("pk", flat=True))
                if ids:
                    folded["refs"].append({"model": rel.related_model._meta.label, "field": rel.field.name, "ids": ids})
                    manager.filter(pk__in=ids).update(**{rel.field.name: target})
        Evidence.objects.filter(pk__in=[e.pk for e in duplicates]).delete()
        claim.delete()
        undo["claims_folded"].append(folded)


def _merge_aliases(subject_type: str, kept: Model, merged: Model, undo: dict[str, Any]) -> None:
    kept_names = set(Alias.objects.filter(subject_type=subject_type, subject_id=kept.pk).values_list("name", flat=True))
    clashing = []
    for alias in Alias.objects.filter(subject_type=subject_type, subject_id=merged.pk):
        if alias.name in kept_names:
            clashing.append(alias)
        else:
            undo["aliases_moved"].append(alias.pk)
    undo["aliases_deleted"] = _dump(clashing)
    Alias.objects.filter(pk__in=undo["aliases_moved"]).update(subject_id=kept.pk)
    Alias.objects.filter(pk__in=[a.pk for a in clashing]).delete()


def _merge_relations(kept: Model, merged: Model, undo: dict[str, Any]) -> None:
    for rel in merged._meta.related_objects:
        if rel.one_to_many or rel.one_to_one:
            manager = rel.related_model._base_manager
            ids = list(manager.filter(**{rel.field.name: merged}).values_list("pk", flat=True))
            if ids:
                undo["fk"].append({"model": rel.related_model._meta.label, "field": rel.field.name, "ids": ids})
                manager.filter(pk__in=ids).update(**{rel.field.name: kept})
        elif rel.many_to_many:  # another model's many-to-many to this one (possibly with no accessor)
            through = rel.through
            undo["m2m"].append(_move_links(through, rel.field.m2m_reverse_field_name(), rel.field.m2m_field_name(),
                                           kept, merged))
    for field in merged._meta.many_to_many:
        through = field.remote_field.through
        undo["m2m"].append(_move_links(through, field.m2m_field_name(), field.m2m_reverse_field_name(), kept, merged))


def _move_links(through: type[Model], own: str, other: str, kept: Model, merged: Model) -> dict[str, Any]:
    """Point the link rows of `merged` at `kept`; links `kept` already has are deleted (and kept in the dump)."""
    manager = through._base_manager
    kept_others = set(manager.filter(**{own: kept}).values_list(f"{other}_id", flat=True))
    rows = list(manager.filter(**{own: merged}))
    clashing = [row for row in rows if getattr(row, f"{other}_id") in kept_others]
    moved = [row.pk for row in rows if getattr(row, f"{other}_id") not in kept_others]
    manager.filter(pk__in=moved).update(**{own: kept})
    dump = _dump(clashing)
    manager.filter(pk__in=[row.pk for row in clashing]).delete()
    return {"through": through._meta.label, "field": own, "moved": moved, "deleted": dump}


@transaction.atomic
def entity_unmerge(*, actor: Any, merge_entry_id: Any, actor_label: str | None = None) -> AuditEntry:
    """Undo the merge recorded by audit row `merge_entry_id`: the merged entity comes back with its
    primary key, claims, aliases, ties and links. Refused when already undone."""
    try:
        record = Merge.objects.select_for_update().get(entry_id=int(merge_entry_id))
    except (Merge.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundOrForbiddenError() from exc
    if record.undone_at is not None:
        raise ConflictError(gettext("This merge was already undone."))
    undo = record.undo
    subject_type = undo["subject_type"]
    model = mergeable_model(subject_type)
    kept = model.objects.filter(pk=undo["kept"]).first()
    if kept is None:
        raise ConflictError(gettext("The kept entity no longer exists (merged again?); undo the later merge first."))
    if model.objects.filter(pk=undo["merged"]).exists():
        raise ConflictError(gettext("An entity with the merged entity's id exists again."))
    _load(undo["row"], links=False)
    merged = model.objects.get(pk=undo["merged"])
    for link in undo["m2m"]:
        apps.get_model(link["through"])._base_manager.filter(pk__in=link["moved"]).update(**{link["field"]: merged})
        _load(link["deleted"])
    for fk in undo["fk"]:
        related = apps.get_model(fk["model"])
        related._base_manager.filter(pk__in=fk["ids"]).update(**{fk["field"]: merged})
    Alias.objects.filter(pk__in=undo["aliases_moved"]).update(subject_id=merged.pk)
    if undo["aliases_deleted"]:
        _load(undo["aliases_deleted"])
    for moved in undo["claims_moved"]:
        Claim.objects.filter(pk=moved["id"]).update(subject_id=merged.pk, key=moved["key"])
    for tie in undo.get("ties_moved", []):
        Tie.objects.filter(pk=tie["id"]).update(from_id=tie["from_id"], to_id=tie["to_id"], key=tie["key"])
    for folded in undo["claims_folded"]:
        _load(folded["claim"])
        claim_id = folded["claim"][0]["pk"]
        Evidence.objects.filter(pk__in=folded["evidence_moved"]).update(claim_id=claim_id)
        if folded["evidence_deleted"]:
            _load(folded["evidence_deleted"])
        for ref in folded["refs"]:
            apps.get_model(ref["model"])._base_manager.filter(pk__in=ref["ids"]).update(**{f"{ref['field']}_id": claim_id})
    for pk in (kept.pk, merged.pk):
        search_index.index_subject(subject_type=subject_type, subject_id=pk, with_claims=True)
    entry = audit_record(actor=actor, actor_label=actor_label, action="entity.unmerge", subject_type="entity_merge",
                         subject_id=record.entry_id, data={"subject_type": subject_type, "kept": kept.pk,
                                                           "merged": merged.pk, "merge": record.pk})
    Merge.objects.filter(pk=record.pk).update(undone_at=timezone.now(), undo_entry_id=entry.pk)
    return entry
