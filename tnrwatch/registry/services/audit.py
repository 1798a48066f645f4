"""The audit row every write leaves, the subject types a claim can be about, and the vocabulary check.

`audit_record` is the one place an AuditEntry is written; every other service module calls it
inside its own transaction. This module imports no other service module.
"""

from __future__ import annotations

from typing import Any

from django.db.models import Model

from tnrwatch.core import sql
from tnrwatch.core.errors import ValidationError

from ..models import AuditEntry

SUBJECT_MODELS: dict[str, str] = {
    "country": "Country",
    "place": "Place",
    "organization": "Organization",
    "station": "Station",
    "response": "GovernmentResponse",
    "incident": "Incident",
    "source": "Source",
    "figure": "Figure",
}
MODEL_SUBJECTS: dict[str, str] = {model: subject for subject, model in SUBJECT_MODELS.items()}


def subject_type_of(obj: Model) -> str:
    try:
        return MODEL_SUBJECTS[type(obj).__name__]
    except KeyError as exc:
        raise ValidationError(f"{type(obj).__name__} cannot be the subject of a claim") from exc


def _actor_label(actor: Any, actor_label: str | None) -> str:
    if actor_label:
        return actor_label
    if actor is not None and getattr(actor, "is_authenticated", False):
        return actor.get_username()
    return "system"


def audit_record(
    *,
    actor: Any,
    action: str,
    subject: Model | None = None,
    subject_type: str = "",
    subject_id: str | int = "",
    data: dict | None = None,
    actor_label: str | None = None,
) -> AuditEntry:
    """Write one audit row. Call it inside the transaction of the change it records."""
    if subject is not None:
        subject_type = MODEL_SUBJECTS.get(type(subject).__name__, type(subject).__name__.lower())
        subject_id = subject.pk
    user = actor if (actor is not None and getattr(actor, "is_authenticated", False)) else None
    # One INSERT from the model without the ORM's compiler: every write in the project passes here.
    return sql.insert(AuditEntry(
        actor=user,
        actor_label=_actor_label(actor, actor_label),
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
        data=data or {},
    ))


def _check_choice(value: str, vocabulary: dict[str, str], what: str) -> None:
    if value not in vocabulary:
        raise ValidationError(f"Unknown {what} {value!r}; expected one of: {', '.join(vocabulary)}")
