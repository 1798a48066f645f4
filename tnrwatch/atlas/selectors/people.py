"""The public pages of people and addresses, the ties of any record, and the right of reply.

Which persons, ties and replies are public is decided by `sharing.outbound` (the publication rule
with its naming standard, `sharing/outbound/people.py`); this module shapes what it returns. A
person's birth date never appears on a public page (data minimisation: the naming standard lets a
public actor be named, not profiled).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext

from tnrwatch.core.errors import NotFoundOrForbiddenError
from tnrwatch.registry import subjects
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import (
    Address,
    Alias,
    Claim,
    Person,
    Reply,
    Tie,
)

from ..api_selectors import public
from .claims import claims_for

TIES_PER_PAGE = 200  # a record's page lists at most this many ties (the network view pages them)


@dataclass
class TieView:
    """One public tie as a record's page shows it: the other end, the kind, role, dates, claims."""

    tie: Tie
    outgoing: bool  # True when the page's record is the tie's "from" end
    other_type: str
    other_label: str
    other_url: str
    claims: list[Claim] = field(default_factory=list)

    @property
    def kind_label(self) -> str:
        return v.TIE_KINDS[self.tie.kind]

    @property
    def period(self) -> str:
        return tie_period(self.tie)


def _date(day: Any, precision: str) -> str:
    if day is None:
        return ""
    return {"year": f"{day:%Y}", "month": f"{day:%Y-%m}"}.get(precision, day.isoformat())


def tie_period(tie: Tie) -> str:
    start, end = _date(tie.start_date, tie.start_precision), _date(tie.end_date, tie.end_precision)
    return f"{start or '…'} – {end or '…'}" if (start or end) else ""


def end_labels(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], tuple[str, str]]:
    """{(type, id): (label, public page)} of the public records among `pairs`; others left out."""
    by_type: dict[str, set[int]] = defaultdict(set)
    for end_type, end_id in pairs:
        by_type[end_type].add(end_id)
    out: dict[tuple[str, int], tuple[str, str]] = {}
    for end_type, ids in by_type.items():
        model = subjects.subject(end_type).model if end_type in subjects.types(tie_end=True) else None
        if model is None:
            continue
        for obj in public(model).filter(pk__in=ids):
            label = obj.full if end_type == "address" else obj.name_en
            out[(end_type, obj.pk)] = (label, reverse(subjects.subject(end_type).public_page, args=[obj.pk]))
    return out


def public_ties(end_type: str, end_id: int, limit: int = TIES_PER_PAGE) -> list[TieView]:
    """The public ties of one public record, each with its other end and its public claims."""
    mine = Q(from_type=end_type, from_id=end_id) | Q(to_type=end_type, to_id=end_id)
    ties = list(public(Tie).filter(mine).order_by("kind", "start_date", "id")[:limit])
    others = [(t.to_type, t.to_id) if (t.from_type, t.from_id) == (end_type, end_id) else (t.from_type, t.from_id)
              for t in ties]
    labels = end_labels(others)
    claims = claims_for("tie", [t.pk for t in ties])
    views = []
    for tie, other in zip(ties, others, strict=True):
        label, url = labels.get(other, ("", ""))
        if not url:
            continue  # the rule checked both ends; a race with an unpublish drops the row
        views.append(TieView(tie=tie, outgoing=(tie.from_type, tie.from_id) == (end_type, end_id),
                             other_type=other[0], other_label=label, other_url=url,
                             claims=claims.get(tie.pk, [])))
    return views


def public_replies(subject_type: str, subject_id: int) -> tuple[list[Reply], dict[int, list[Reply]]]:
    """The public replies of one record: (those answering the record as a whole, {claim id: replies})."""
    general: list[Reply] = []
    by_claim: dict[int, list[Reply]] = defaultdict(list)
    rows = public(Reply).filter(subject_type=subject_type, subject_id=subject_id).select_related("source")
    for reply in rows.order_by("received_on", "id"):
        (by_claim[reply.claim_id] if reply.claim_id else general).append(reply)
    return general, dict(by_claim)


def person_get(pk: int) -> Person:
    person = public(Person).select_related("country").filter(pk=pk).first()
    if person is None:
        raise NotFoundOrForbiddenError(gettext("There is no public record with this number."))
    person.aliases = list(Alias.objects.filter(subject_type="person", subject_id=person.pk)
                          .exclude(name__in=[person.name_en, person.name_zh]).order_by("name"))
    person.ties = public_ties("person", person.pk)
    return person


def address_get(pk: int) -> Address:
    address = public(Address).select_related("country", "place").filter(pk=pk).first()
    if address is None:
        raise NotFoundOrForbiddenError(gettext("There is no public record with this number."))
    address.ties = public_ties("address", address.pk)
    return address
