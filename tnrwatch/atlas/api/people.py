"""The API's people and ties: `/people`, `/people/{id}`, `/ties`. Only what the publication rule
and its naming standard let the public see (`sharing/outbound/people.py`); a person it holds back
is the same 404 as a missing one. No birth date: the public record names, it does not profile.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Literal, TypeAlias

from django.db.models import Q
from ninja import Path, Query
from ninja import Schema as NinjaSchema

from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import Person, Reply, Tie

from .. import schemas as s
from ..api_selectors import public
from ..selectors.people import end_labels
from . import ERRORS, _missing, _only_known, api
from .serialize import _claim_refs, _page

if TYPE_CHECKING:  # Literals of the vocabularies at run time (see schemas.py); strings to a type checker
    TieKind: TypeAlias = str
    EndType: TypeAlias = str
else:
    TieKind = Literal[tuple(v.TIE_KINDS)]
    EndType = Literal[tuple(v.TIE_END_TYPES)]


class PersonFilter(s.PageQuery):
    country: s.Iso2 | None = None
    q: s.Text | None = None


class TieFilter(s.PageQuery):
    kind: TieKind | None = None  # type: ignore[valid-type]
    end_type: EndType | None = None  # type: ignore[valid-type]
    end_id: s.Id | None = None


class PersonOut(NinjaSchema):
    id: int
    name_en: str
    name_zh: str
    public_basis: str
    position: str
    country: str | None
    updated_at: dt.datetime


class TieEnd(NinjaSchema):
    type: str
    id: int
    label: str


class TieOut(NinjaSchema):
    id: int
    kind: str
    source: TieEnd
    target: TieEnd
    role: str
    start: str | None
    end: str | None
    claims: list[s.ClaimRef]


class ReplyOut(NinjaSchema):
    claim: int | None
    text: str
    requested_on: dt.date | None
    received_on: dt.date | None


class PersonDetailOut(PersonOut):
    claims: list[s.ClaimRef]
    ties: list[TieOut]
    replies: list[ReplyOut]


def _person(p: Person) -> dict:
    return {"id": p.pk, "name_en": p.name_en, "name_zh": p.name_zh, "public_basis": p.public_basis,
            "position": p.position, "country": p.country.iso2 if p.country is not None else None, "updated_at": p.updated_at}


def _date(day: dt.date | None, precision: str) -> str | None:
    if day is None:
        return None
    return {"year": day.isoformat()[:4], "month": day.isoformat()[:7]}.get(precision, day.isoformat())


def _ties(rows: list[Tie]) -> list[dict]:
    labels = end_labels([(t.from_type, t.from_id) for t in rows] + [(t.to_type, t.to_id) for t in rows])
    return [{
        "id": t.pk, "kind": t.kind, "role": t.role,
        "source": {"type": t.from_type, "id": t.from_id, "label": labels.get((t.from_type, t.from_id), ("", ""))[0]},
        "target": {"type": t.to_type, "id": t.to_id, "label": labels.get((t.to_type, t.to_id), ("", ""))[0]},
        "start": _date(t.start_date, t.start_precision), "end": _date(t.end_date, t.end_precision),
        "claims": _claim_refs("tie", t.pk),
    } for t in rows]


@api.get("/people", response={200: s.page_of(PersonOut, "PersonPage"), **ERRORS}, tags=["people"])
def person_list(request, filters: Query[PersonFilter]):
    _only_known(request, PersonFilter)
    qs = public(Person).select_related("country").order_by("name_en", "id")
    if filters.country:
        qs = qs.filter(country__iso2=filters.country.upper())
    if filters.q:
        qs = qs.filter(Q(name_en__icontains=filters.q) | Q(name_zh__icontains=filters.q))
    return _page(request, qs, filters, _person)


@api.get("/people/{person_id}", response={200: PersonDetailOut, **ERRORS}, tags=["people"])
def person_detail(request, person_id: Path[s.Id]):
    _only_known(request, s.NoQuery)
    person = public(Person).select_related("country").filter(pk=person_id).first()
    if person is None:
        raise _missing("person")
    out = _person(person)
    mine = Q(from_type="person", from_id=person.pk) | Q(to_type="person", to_id=person.pk)
    out["claims"] = _claim_refs("person", person.pk)
    out["ties"] = _ties(list(public(Tie).filter(mine).order_by("kind", "id")[:s.MAX_LIMIT]))
    out["replies"] = [{"claim": r.claim_id, "text": r.text, "requested_on": r.requested_on, "received_on": r.received_on}
                      for r in public(Reply).filter(subject_type="person", subject_id=person.pk).order_by("id")]
    return out


@api.get("/ties", response={200: s.page_of(TieOut, "TiePage"), **ERRORS}, tags=["ties"])
def tie_list(request, filters: Query[TieFilter]):
    _only_known(request, TieFilter)
    qs = public(Tie).order_by("kind", "id")
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.end_type and filters.end_id:
        qs = qs.filter(Q(from_type=filters.end_type, from_id=filters.end_id) | Q(to_type=filters.end_type, to_id=filters.end_id))
    return _page(request, qs, filters, lambda t: _ties([t])[0])
