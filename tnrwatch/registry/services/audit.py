"""The subject types a claim can be about, and the vocabulary check, for the registry's services.

The audit row every write leaves is the audit app's (`tnrwatch.audit.services`), imported from
there by every caller. This module imports no other service module.
"""

from __future__ import annotations

from django.db.models import Model
from django.utils.translation import gettext

from tnrwatch.core.errors import ValidationError

from .. import subjects

# {subject type: model name} and back, of the kinds a claim can be about (from `registry/subjects.py`).
SUBJECT_MODELS: dict[str, str] = {k.subject_type: k.model_name for k in subjects.kinds(claim_subject=True)}
MODEL_SUBJECTS: dict[str, str] = {model: subject for subject, model in SUBJECT_MODELS.items()}


def subject_type_of(obj: Model) -> str:
    try:
        return MODEL_SUBJECTS[type(obj).__name__]
    except KeyError as exc:
        raise ValidationError(gettext("%(type)s cannot be the subject of a claim") % {"type": type(obj).__name__}) from exc


def _check_choice(value: str, vocabulary: dict[str, str], what: str) -> None:
    if value not in vocabulary:
        raise ValidationError(gettext("Unknown %(what)s %(value)r; expected one of: %(names)s") % {"what": what, "value": value, "names": ', '.join(vocabulary)})
