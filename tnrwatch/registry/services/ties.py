"""Typed ties between entities, each backed by a claim with evidence.

`tie_create` writes the Tie row, the claim about it (subject type "tie", property "tie") and the
first quote, in one transaction with one audit row; it refuses (nothing written) a self-tie, an
end that does not exist or does not fit the kind, a duplicate tie, dates in the wrong order, and
a tie without a verbatim quote. Cycles are allowed. A tie to a person starts AMBER, like the
person; a family tie is only between persons and is never CLEAR when created.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, ValidationError

from .. import subjects
from .. import vocabulary as v
from ..models import Claim, Evidence, Source, Tie, tie_key
from .audit import _check_choice
from .claims import claim_assert
from .people import _marking_not_public, _text

END_TYPES = subjects.types(tie_end=True)  # the kinds a tie can join (`registry/subjects.py`)


def _end_type(obj: Model) -> str | None:
    kind = subjects.of_model(obj)
    return kind.subject_type if kind is not None and kind.tie_end else None
TIE_PROP = "tie"


class TieEndMissingError(ValidationError):
    """A tie's end is not a record in the registry."""


class TieEndKindError(ValidationError):
    """This kind of tie cannot link these kinds of record."""


class SelfTieError(ValidationError):
    """A record cannot be tied to itself."""


class TieDateOrderError(ValidationError):
    """A tie cannot end before it starts."""


class DuplicateTieError(ConflictError):
    """This tie is already recorded."""


def tie_end(end: Model | tuple[str, Any]) -> Model:
    """The record at one end of a tie, from a model instance or a (type, id) pair."""
    if isinstance(end, Model):
        end_type = _end_type(end)
        if end_type is None or end.pk is None:
            raise TieEndKindError(gettext("A %(type)s cannot be the end of a tie.") % {"type": type(end).__name__})
        end = (end_type, end.pk)
    try:
        end_type, raw_id = end
        end_id = int(raw_id)
    except (TypeError, ValueError) as exc:
        raise TieEndMissingError(gettext("A tie's end is a (type, id) pair.")) from exc
    if end_type not in END_TYPES:
        raise TieEndKindError(gettext("Unknown end type %(end_type)r; expected one of: %(names)s.") % {"end_type": end_type, "names": ', '.join(END_TYPES)})
    model = subjects.subject(end_type).model
    obj = model._default_manager.filter(pk=end_id).first()
    if obj is None:
        raise TieEndMissingError(gettext("There is no %(end_type)s #%(end_id)s.") % {"end_type": end_type, "end_id": end_id})
    return obj


def _truncated(day: date, precision: str) -> tuple[int, ...]:
    return {"year": (day.year,), "month": (day.year, day.month)}.get(precision, (day.year, day.month, day.day))


def _check_dates(start: date | None, start_precision: str, end: date | None, end_precision: str) -> None:
    _check_choice(start_precision, v.DATE_PRECISIONS, "date precision")
    _check_choice(end_precision, v.DATE_PRECISIONS, "date precision")
    for value in (start, end):
        if value is not None and not isinstance(value, date):
            raise ValidationError(gettext("Tie dates must be dates."))
    if start is None or end is None:
        return
    # Compared at the coarser of the two precisions: "2019" to "2019-03" is in order.
    coarse = max((start_precision, end_precision), key=["day", "month", "year"].index)
    if _truncated(end, coarse) < _truncated(start, coarse):
        raise TieDateOrderError(gettext("The tie ends (%(end)s) before it starts (%(start)s).") % {"end": end.isoformat(), "start": start.isoformat()})


def _date_label(day: date | None, precision: str) -> str:
    if day is None:
        return ""
    return {"year": f"{day:%Y}", "month": f"{day:%Y-%m}"}.get(precision, day.isoformat())


def tie_statement(tie: Tie, from_obj: Model, to_obj: Model) -> str:
    """The claim's value: what the source says, in words a reader of the claim page follows."""
    text = f"{from_obj} — {v.TIE_KINDS[tie.kind].lower()} — {to_obj}"
    if tie.role:
        text += f" (role: {tie.role})"
    start, end = _date_label(tie.start_date, tie.start_precision), _date_label(tie.end_date, tie.end_precision)
    if start or end:
        text += f", {start or '?'} to {end or '?'}"
    return text


@transaction.atomic
def tie_create(
    *, actor: Any = None, actor_label: str | None = None, kind: str, from_end: Model | tuple[str, Any],
    to_end: Model | tuple[str, Any], source: Source, quote: str, location: str = "",
    quote_start: int | None = None, quote_end: int | None = None, role: str = "",
    start: date | None = None, start_precision: str = "day", end: date | None = None,
    end_precision: str = "day", status: str | None = None, marking: str | None = None,
) -> Tie:
    """Record that `source` says `from_end` has a tie of `kind` to `to_end`: the Tie, its claim and
    the quote, or nothing (each refusal is an ApplicationError saying why)."""
    _check_choice(kind, v.TIE_KINDS, "tie kind")
    from_obj, to_obj = tie_end(from_end), tie_end(to_end)
    from_key = (_end_type(from_obj), from_obj.pk)
    to_key = (_end_type(to_obj), to_obj.pk)
    if from_key == to_key:
        raise SelfTieError()
    allowed_from, allowed_to = v.TIE_ENDS[kind]
    fits = from_key[0] in allowed_from and to_key[0] in allowed_to
    if not fits and kind in v.SYMMETRIC_TIES:
        fits = to_key[0] in allowed_from and from_key[0] in allowed_to
    if not fits:
        raise TieEndKindError(
            gettext("A %(kind)s tie links %(allowed_from)s to %(allowed_to)s, not %(from_type)s to %(to_type)s.")
            % {"kind": kind, "allowed_from": "/".join(allowed_from), "allowed_to": "/".join(allowed_to),
               "from_type": from_key[0], "to_type": to_key[0]})
    assert from_key[0] is not None and to_key[0] is not None  # both fit the kind's ends (never None)
    from_key, to_key = (from_key[0], from_key[1]), (to_key[0], to_key[1])  # as typed: the kinds are known
    role = _text(role, "The role", limit=300)
    _check_dates(start, start_precision, end, end_precision)
    if not isinstance(source, Source):
        raise ValidationError(gettext("A tie needs the Source that states it."))
    if not (quote or "").strip():
        raise ValidationError(gettext("Evidence needs a verbatim quote from the source."))
    names_person = "person" in (from_key[0], to_key[0])
    if names_person or kind == "family":
        marking = _marking_not_public(marking, "amber")
    elif marking is not None:
        _check_choice(marking, v.MARKINGS, "marking")
    key = tie_key(kind, from_key, to_key, role, _date_label(start, start_precision))
    existing = Tie.objects.filter(key=key).first()
    if existing is not None:
        raise DuplicateTieError(gettext("This tie is already recorded (tie #%(pk)s); add the quote to its claim.") % {"pk": existing.pk})
    tie = Tie(key=key, kind=kind, from_type=from_key[0], from_id=from_key[1], to_type=to_key[0],
              to_id=to_key[1], role=role, start_date=start, start_precision=start_precision, end_date=end,
              end_precision=end_precision,
              created_by=actor if getattr(actor, "is_authenticated", False) else None)
    if marking is not None:
        tie.marking = marking
    tie.full_clean(exclude=["key"])
    try:
        with transaction.atomic():
            tie.save()
    except IntegrityError as exc:  # a concurrent writer recorded the same tie first
        raise DuplicateTieError() from exc
    claim = claim_assert(actor=actor, actor_label=actor_label, subject=tie, prop=TIE_PROP,
                         value=tie_statement(tie, from_obj, to_obj), source=source, quote=quote,
                         location=location, start=quote_start, end=quote_end, status=status,
                         marking=marking or tie.marking)
    audit_record(actor=actor, actor_label=actor_label, action="tie.create", subject=tie,
                 data={"kind": kind, "from": f"{from_key[0]}:{from_key[1]}", "to": f"{to_key[0]}:{to_key[1]}",
                       "role": role, "start": _date_label(start, start_precision),
                       "end": _date_label(end, end_precision), "claim": claim.pk, "marking": tie.marking})
    return tie


@transaction.atomic
def tie_evidence_add(*, actor: Any, tie: Tie, source: Source, quote: str, stance: str = Evidence.Stance.SUPPORTS,
                     location: str = "", actor_label: str | None = None) -> Claim:
    """Add a quote (for or against) to the tie's own claim."""
    first = Claim.objects.filter(subject_type="tie", subject_id=tie.pk, prop=TIE_PROP).order_by("id").first()
    if first is None:
        raise ConflictError(gettext("This tie has no claim to add evidence to."))
    return claim_assert(actor=actor, actor_label=actor_label, subject=tie, prop=TIE_PROP, value=first.value,
                        source=source, quote=quote, stance=stance, location=location)


TIE_EDITABLE = ("role", "start_date", "start_precision", "end_date", "end_precision", "public_reason")


@transaction.atomic
def tie_update(*, actor: Any, tie: Tie, actor_label: str | None = None, **fields: Any) -> Tie:
    """Correct a tie's role or dates, or record why a family tie may be public (`public_reason`;
    publishing it stays a reviewer's act). Its kind and ends never change: that is another tie.
    The claims keep the words their sources used; the audit row holds old and new values."""
    unknown = set(fields) - set(TIE_EDITABLE)
    if unknown:
        raise ValidationError(gettext("These fields of a tie cannot be edited: %(names)s.") % {"names": ', '.join(sorted(unknown))})
    tie = Tie.objects.select_for_update().get(pk=tie.pk)
    before = {name: getattr(tie, name) for name in TIE_EDITABLE}
    for name, value in fields.items():
        setattr(tie, name, value)
    tie.role = _text(tie.role, "The role", limit=300)
    tie.public_reason = _text(tie.public_reason, "The reason", limit=2000)
    if tie.public_reason and tie.kind != "family":
        raise ValidationError(gettext("Only a family tie needs a reason to be public."))
    _check_dates(tie.start_date, tie.start_precision, tie.end_date, tie.end_precision)
    changes = {name: {"from": str(old) if old is not None else None,
                      "to": str(getattr(tie, name)) if getattr(tie, name) is not None else None}
               for name, old in before.items() if old != getattr(tie, name)}
    if not changes:
        return tie
    tie.key = tie_key(tie.kind, (tie.from_type, tie.from_id), (tie.to_type, tie.to_id), tie.role,
                      _date_label(tie.start_date, tie.start_precision))
    if Tie.objects.filter(key=tie.key).exclude(pk=tie.pk).exists():
        raise DuplicateTieError(gettext("With this role and start, the tie would duplicate another one."))
    tie.full_clean(exclude=["key"])
    tie.save()
    audit_record(actor=actor, actor_label=actor_label, action="tie.update", subject=tie, data={"changes": changes})
    return tie
