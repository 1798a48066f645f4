"""Claims and their evidence: asserting a sourced fact, taking a quote off, changing a claim's status."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Model
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, ValidationError
from tnrwatch.search import services as search_index

from .. import vocabulary as v
from ..models import Claim, Evidence, Source, claim_key, default_marking
from ..network_models import PERSON_MARKING
from .audit import _check_choice, subject_type_of


@transaction.atomic
def claim_assert(
    *,
    actor: Any = None,
    actor_label: str | None = None,
    subject: Model,
    prop: str,
    value: str,
    source: Source,
    quote: str,
    stance: str = Evidence.Stance.SUPPORTS,
    location: str = "",
    start: int | None = None,
    end: int | None = None,
    status: str | None = None,
    marking: str | None = None,
) -> Claim:
    """Record that `source` says (or denies, with stance="refutes") that subject.prop = value.

    The claim is found or created by its deterministic key; the quote is added as evidence.
    A quote must be verbatim and non-empty: there is no evidence without one.
    """
    value = str(value).strip()
    quote = (quote or "").strip()
    if not prop or not value:
        raise ValidationError(gettext("A claim needs a property and a value."))
    if not quote:
        raise ValidationError(gettext("Evidence needs a verbatim quote from the source."))
    if "\x00" in quote or "\x00" in value:
        raise ValidationError(gettext("NUL characters are not allowed."))
    if stance not in Evidence.Stance.values:
        raise ValidationError(gettext("Unknown stance %(stance)r.") % {"stance": stance})
    if status is not None:
        _check_choice(status, v.CLAIM_STATUSES, "claim status")
    if marking is not None:
        _check_choice(marking, v.MARKINGS, "marking")
    subject_type = subject_type_of(subject)
    if marking is None and _names_person(subject_type, subject):
        # A claim naming a person starts AMBER like the person, whatever TNR_DEFAULT_MARKING says.
        marking = PERSON_MARKING
    key = claim_key(subject_type, subject.pk, prop, value)
    user = actor if getattr(actor, "is_authenticated", False) else None
    claim = Claim.objects.filter(key=key).first()
    created = claim is None
    if created:
        fields: dict[str, Any] = {"key": key, "subject_type": subject_type, "subject_id": subject.pk, "prop": prop,
                                  "value": value, "status": status or "alleged", "created_by": user}
        if marking is not None:
            fields["marking"] = marking
        claim = Claim.objects.create(**fields)
    evidence, new_evidence = Evidence.objects.get_or_create(
        claim=claim, source=source, quote=quote, stance=stance,
        defaults={"location": location, "start": start, "end": end, "created_by": user,
                  # The instance's default, never the claim's: a CLEAR claim must not make a new
                  # quote public before anyone decided to (publication is `claim_publish`).
                  "marking": marking or default_marking()},
    )
    if created or new_evidence:
        audit_record(
            actor=actor, actor_label=actor_label,
            action="claim.create" if created else "claim.evidence_add",
            subject_type="claim", subject_id=claim.pk,
            data={"subject": f"{subject_type}:{subject.pk}", "prop": prop, "value": value,
                  "source": source.pk, "evidence": evidence.pk, "stance": stance},
        )
        search_index.index_claim(claim=claim, source=source)
    if new_evidence and stance == Evidence.Stance.REFUTES and claim.status == "alleged":
        # Contested facts are first-class: a refuting source makes the claim disputed, never hidden.
        claim.status = "disputed"
        claim.save(update_fields=["status", "updated_at"])
    return claim


def _names_person(subject_type: str, subject: Model) -> bool:
    return subject_type == "person" or (subject_type == "tie" and subject.involves_person())  # type: ignore[attr-defined]


@transaction.atomic
def evidence_remove(*, actor: Any = None, actor_label: str | None = None, evidence: Evidence, reason: str) -> None:
    """Take one quote off its claim, with the reason in the audit row.

    A claim keeps at least one quote: a fact that no source supports any more is retracted with
    `claim_set_status`, not left without evidence.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("Removing a quote needs a reason."))
    if not Evidence.objects.filter(claim_id=evidence.claim_id).exclude(pk=evidence.pk).exists():
        raise ConflictError(gettext("This is the claim's only quote; retract the claim instead."))
    audit_record(
        actor=actor, actor_label=actor_label, action="claim.evidence_remove", subject_type="claim",
        subject_id=evidence.claim_id,
        data={"evidence": evidence.pk, "source": evidence.source_id, "stance": evidence.stance, "reason": reason},
    )
    evidence.delete()


@transaction.atomic
def claim_set_status(*, actor: Any, claim: Claim, status: str, reason: str, actor_label: str | None = None) -> Claim:
    _check_choice(status, v.CLAIM_STATUSES, "claim status")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(gettext("A status change needs a reason."))
    old = claim.status
    claim.status = status
    claim.save(update_fields=["status", "updated_at"])
    audit_record(actor=actor, actor_label=actor_label, action="claim.status", subject_type="claim",
                 subject_id=claim.pk, data={"from": old, "to": status, "reason": reason})
    return claim
