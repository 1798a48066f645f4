"""Who an export is for and the per-run context it reads through.

The record kinds that leave as STIX (`KIND_MODELS`, in `KIND_ORDER`), this instance's identity row,
the `Audience` of a partner or of the public, the kinds an audience's collections hold, `Unit` (one
record as STIX objects) and `ExportContext`, the caches of one export run.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Model

from tnrwatch.registry import models as m
from tnrwatch.registry import subjects

from .. import stix
from ..models import Collection, Partner, SharingInstance, StixObjectRef
from ..outbound import PUBLIC, Audience, incident_rows

# The kinds that leave as STIX, in the order of an export (`registry/subjects.py`: `stix_type`; new
# kinds go at the end: a kind's place here is its rank in TAXII paging cursors).
KIND_MODELS: dict[str, type[Model]] = {k.subject_type: k.model for k in subjects.kinds(exported=True)}
KIND_ORDER = list(KIND_MODELS)
ALL_KINDS = tuple(KIND_ORDER)


def instance() -> SharingInstance:
    """This instance's identity row, which migration `sharing/0002_defaults` writes (a read: a
    database without it was not migrated)."""
    inst = SharingInstance.objects.order_by("pk").first()
    if inst is None:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("No sharing instance row: run `tnrwatch migrate`.")
    return inst


def partner_audience(partner: Partner) -> Audience:
    collections = frozenset(partner.grants.filter(can_read=True).values_list("collection__slug", flat=True))
    return Audience(name=f"partner:{partner.name}", max_marking=partner.max_marking, collections=collections)


def audience_for(partner_name: str | None) -> Audience:
    """The audience of an export: a named partner's grants, or (no name) the public."""
    if not partner_name:
        return PUBLIC
    partner = Partner.objects.filter(name=partner_name, active=True).first()
    if partner is None:
        from tnrwatch.core.errors import NotFoundOrForbiddenError

        raise NotFoundOrForbiddenError(f"No active partner called {partner_name!r}.")
    return partner_audience(partner)


@dataclass(frozen=True)
class Unit:
    """One record as STIX: its object first, then its locations and relationships."""

    date_added: datetime
    rank: int
    pk: int
    objects: list[dict]

    @property
    def key(self) -> tuple:
        return (self.date_added, self.rank, self.pk)


@dataclass
class ExportContext:
    """Caches for one export run (countries, ids, incident rows)."""

    audience: Audience
    instance_uuid: str = ""
    creators: set[str] = field(default_factory=set)
    # The kinds this run exports (None: all); claims about a person, address or tie leave only
    # with that kind (a partner not granted the "network" collection gets none of them).
    kinds: set[str] | None = None
    _countries: dict[int, tuple[str, str]] = field(default_factory=dict)
    _incidents: dict[int, Any] | None = None

    def __post_init__(self) -> None:
        self.instance_uuid = str(instance().uuid)
        self._countries = {pk: (iso2, name) for pk, iso2, name in m.Country.objects.values_list("pk", "iso2", "name_en")}

    @property
    def own_identity(self) -> str:
        return stix.instance_identity_id(self.instance_uuid)

    def country(self, pk: int | None) -> tuple[str, str] | None:
        return self._countries.get(pk) if pk is not None else None

    def incident_row(self, pk: int):
        if self._incidents is None:
            self._incidents = {row.pk: row for row in incident_rows(self.audience)}
        return self._incidents.get(pk)

    def refs(self, kind: str, pks: Iterable[int]) -> dict[int, StixObjectRef]:
        pks = [p for p in set(pks) if p is not None]
        out: dict[int, StixObjectRef] = {}
        for i in range(0, len(pks), 900):
            for ref in StixObjectRef.objects.filter(subject_type=kind, subject_id__in=pks[i:i + 900]):
                out.setdefault(ref.subject_id, ref)
        return out

    def ids(self, kind: str, pks: Iterable[int]) -> dict[int, str]:
        pks = {p for p in pks if p is not None}
        refs = self.refs(kind, pks)
        return {p: refs[p].stix_id if p in refs else stix.record_id(self.instance_uuid, kind, p) for p in pks}

    def markings(self, kind: str, pks: Iterable[int]) -> dict[int, str]:
        """The markings of records another record links to (a link takes the strictest of its ends)."""
        pks = {p for p in pks if p is not None}
        if not pks:
            return {}
        return dict(KIND_MODELS[kind]._default_manager.filter(pk__in=pks).values_list("pk", "marking"))

    def meta(self, kind: str, obj: Any, ref: StixObjectRef | None, changed_at: datetime | None = None) -> dict:
        """id, author, timestamps and marking of a record; imported records keep theirs until the
        record changes here (after `synced_at`): then it leaves as a newer version of the object."""
        if ref is not None:
            creator = ref.created_by_ref or self.own_identity
            modified: Any = ref.modified or obj.updated_at
            changed_at = changed_at or obj.updated_at
            if ref.synced_at is not None and changed_at > ref.synced_at and stix.timestamp(changed_at) > stix.timestamp(modified):
                modified = changed_at
            meta = {"id": ref.stix_id, "created_by_ref": creator, "created": ref.created or obj.created_at,
                    "modified": modified}
        else:
            creator = self.own_identity
            meta = {"id": stix.record_id(self.instance_uuid, kind, obj.pk), "created_by_ref": creator,
                    "created": obj.created_at, "modified": obj.updated_at}
        self.creators.add(creator)
        meta["marking"] = obj.marking
        return meta

    def place(self, place: m.Place | None) -> dict | None:
        if place is None:
            return None
        iso2 = self.country(place.country_id)
        return {"name": place.name_en, "country": iso2[0] if iso2 else "", "latitude": place.latitude,
                "longitude": place.longitude}

    def aliases(self, subject_type: str, objs: list[Any]) -> dict[int, list[str]]:
        out: dict[int, list[str]] = {}
        own = {o.pk: {o.name_en, getattr(o, "name_zh", "")} for o in objs}
        for sid, name in m.Alias.objects.filter(subject_type=subject_type, subject_id__in=list(own)).order_by("name").values_list("subject_id", "name"):
            if name not in own[sid]:
                out.setdefault(sid, []).append(name)
        return out


def kinds_for(audience: Audience) -> list[str]:
    """The record kinds an export for `audience` holds: all for the public (CLEAR only anyway), for
    a partner those of the collections it may read."""
    if audience.is_public:
        return list(KIND_ORDER)
    kinds: set[str] = set()
    for collection in Collection.objects.filter(slug__in=audience.collections):
        kinds |= set(collection.kinds or [])
    return [k for k in KIND_ORDER if k in kinds]


def collection_kinds(collection: Collection) -> list[str]:
    return [k for k in KIND_ORDER if k in set(collection.kinds or [])]
