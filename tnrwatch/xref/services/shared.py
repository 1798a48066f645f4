"""Candidate ties the record implies (writes, each with an audit row): organisations and stations
registered or located at the same address are proposed as "same address as"; those a person leads,
belongs to or works for are proposed as an "other link" (its role does not name the person: the tie
between two organisations must not carry a name past the naming standard; the proposal, seen only
by staff, says who). A proposal rests on the
two ties it was read from; accepted, it becomes a Tie (`registry.services.tie_create`) whose claim
cites the quotes of both, marked as the stricter of the two, and stays "alleged" until corroborated;
each copied quote keeps at least its own marking and its claim's (a RED quote stays RED).
"""

from __future__ import annotations

import hashlib
from collections import defaultdict
from itertools import combinations
from typing import Any

from django.db import transaction
from django.utils import timezone

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, NotFoundOrForbiddenError
from tnrwatch.registry import services as registry
from tnrwatch.registry import vocabulary as v
from tnrwatch.registry.models import Claim, Evidence, Tie, default_marking, tie_key
from tnrwatch.registry.services import tie_end
from tnrwatch.registry.services.ties import TIE_PROP
from tnrwatch.sharing.outbound import strictest

from ..models import TieProposal

_AT_ADDRESS = ("registered_at", "located_at")
_PERSON_IN = ("membership", "directorship", "employment", "affiliation")
_ENDS = ("organization", "station")
MAX_GROUP = 50  # entities sharing one address or person; past that it is a registered-agent address, not a tie


def _candidates() -> list[tuple[str, str, int, list[Tie]]]:
    """(tie kind, shared type, shared id, ties) for every address or person two entities share."""
    groups: dict[tuple[str, str, int], list[Tie]] = defaultdict(list)
    for tie in Tie.objects.filter(kind__in=_AT_ADDRESS, to_type="address", from_type__in=_ENDS).order_by("id"):
        groups[("same_address_as", "address", tie.to_id)].append(tie)
    for tie in Tie.objects.filter(kind__in=_PERSON_IN, from_type="person", to_type__in=_ENDS).order_by("id"):
        groups[("unknown", "person", tie.from_id)].append(tie)
    return [(kind, shared_type, shared_id, ties) for (kind, shared_type, shared_id), ties in groups.items()
            if 1 < len(ties) <= MAX_GROUP]


def _entity_end(tie: Tie, shared_type: str) -> tuple[str, int]:
    return (tie.to_type, tie.to_id) if shared_type == "person" else (tie.from_type, tie.from_id)


def _exists(kind: str, a: tuple[str, int], b: tuple[str, int]) -> bool:
    for x, y in ((a, b), (b, a)):
        if Tie.objects.filter(kind=kind, from_type=x[0], from_id=x[1], to_type=y[0], to_id=y[1]).exists():
            return True
    return False


def _key(kind: str, a: tuple[str, int], b: tuple[str, int], shared: tuple[str, int]) -> str:
    ends = sorted([f"{a[0]}:{a[1]}", f"{b[0]}:{b[1]}"])
    raw = "\x1f".join([kind, *ends, f"{shared[0]}:{shared[1]}"])
    return hashlib.sha1(raw.encode(), usedforsecurity=False).hexdigest()


@transaction.atomic
def shared_ties_propose(*, actor: Any, actor_label: str | None = None) -> int:
    """Propose the ties the record implies and does not hold yet; how many new proposals."""
    made = 0
    for kind, shared_type, shared_id, ties in _candidates():
        shared = tie_end((shared_type, shared_id))
        for first, second in combinations(ties, 2):
            a, b = _entity_end(first, shared_type), _entity_end(second, shared_type)
            if a == b or _exists(kind, a, b):
                continue
            key = _key(kind, a, b, (shared_type, shared_id))
            if TieProposal.objects.filter(key=key).exists():
                continue
            names = [str(tie_end(a)), str(tie_end(b))]
            label = (f"{names[0]} and {names[1]}: same address ({shared})" if shared_type == "address"
                     else f"{names[0]} and {names[1]}: both tied to {shared}")
            TieProposal.objects.create(key=key, kind=kind, from_type=a[0], from_id=a[1], to_type=b[0], to_id=b[1],
                                       shared_type=shared_type, shared_id=shared_id, basis=[first.pk, second.pk],
                                       label=label[:600])
            made += 1
    audit_record(actor=actor, actor_label=actor_label, action="xref.shared_propose",
                          subject_type="tie_proposal", data={"proposals": made})
    return made


def _pending(proposal_id: Any) -> TieProposal:
    try:
        proposal = TieProposal.objects.select_for_update().get(pk=int(proposal_id))
    except (TieProposal.DoesNotExist, ValueError, TypeError) as exc:
        raise NotFoundOrForbiddenError() from exc
    if proposal.status != TieProposal.Status.PENDING:
        raise ConflictError("This proposal was already decided.")
    return proposal


def _decide(proposal: TieProposal, status: str, actor: Any) -> None:
    proposal.status = status
    proposal.decided_by = actor if getattr(actor, "is_authenticated", False) else None
    proposal.decided_at = timezone.now()
    proposal.save(update_fields=["status", "decided_by", "decided_at", "tie_id"])


@transaction.atomic
def tie_proposal_accept(*, actor: Any, proposal_id: Any, actor_label: str | None = None) -> Tie:
    """Make the proposed tie, citing the quotes of the ties it rests on (ConflictError when one is gone)."""
    proposal = _pending(proposal_id)
    basis = list(Tie.objects.filter(pk__in=proposal.basis))
    evidence = list(Evidence.objects.filter(claim__subject_type="tie", claim__subject_id__in=proposal.basis,
                                            claim__prop=TIE_PROP, stance=Evidence.Stance.SUPPORTS)
                    .exclude(quote="").select_related("source", "claim").order_by("id"))
    if len(basis) != 2 or not evidence:
        raise ConflictError("A tie this proposal rests on is gone or has no quote; it cannot be accepted.")
    # A copied quote is as strict as the quote, its claim and the ties it rests on: a RED or AMBER
    # quote must not come out of the copy marked as the looser tie (and then be published with it).
    basis_marking = strictest(*(t.marking for t in basis))
    copies = sorted(((strictest(basis_marking, ev.marking, ev.claim.marking), ev) for ev in evidence),
                    key=lambda pair: (v.MARKING_LEVEL[pair[0]], pair[1].pk))
    role = "" if proposal.kind == "same_address_as" else "share a person (leader, member or employee)"
    key = tie_key(proposal.kind, (proposal.from_type, proposal.from_id), (proposal.to_type, proposal.to_id), role[:300], "")
    if Tie.objects.filter(key=key).exists():
        raise ConflictError("This tie is already recorded.")
    marking, first = copies[0]  # the loosest copy: the tie is never looser than every quote behind it
    tie = registry.tie_create(actor=actor, actor_label=actor_label, kind=proposal.kind,
                              from_end=(proposal.from_type, proposal.from_id), to_end=(proposal.to_type, proposal.to_id),
                              source=first.source, quote=first.quote, location=first.location, role=role[:300],
                              marking=marking)
    value = Claim.objects.filter(subject_type="tie", subject_id=tie.pk, prop=TIE_PROP).values_list("value", flat=True).first() or ""
    seen = {(first.source_id, first.quote)}
    for copy_marking, other in copies[1:]:
        if (other.source_id, other.quote) in seen:
            continue
        seen.add((other.source_id, other.quote))
        registry.claim_assert(actor=actor, actor_label=actor_label, subject=tie, prop=TIE_PROP, value=value,
                              source=other.source, quote=other.quote, location=other.location,
                              marking=strictest(copy_marking, default_marking()))
    proposal.tie_id = tie.pk
    _decide(proposal, TieProposal.Status.ACCEPTED, actor)
    audit_record(actor=actor, actor_label=actor_label, action="xref.tie_accept", subject_type="tie_proposal",
                          subject_id=proposal.pk, data={"tie": tie.pk, "basis": proposal.basis})
    return tie


@transaction.atomic
def tie_proposal_reject(*, actor: Any, proposal_id: Any, actor_label: str | None = None) -> TieProposal:
    proposal = _pending(proposal_id)
    _decide(proposal, TieProposal.Status.REJECTED, actor)
    audit_record(actor=actor, actor_label=actor_label, action="xref.tie_reject", subject_type="tie_proposal",
                          subject_id=proposal.pk, data={"basis": proposal.basis})
    return proposal
