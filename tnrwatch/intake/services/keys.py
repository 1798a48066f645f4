"""Recipient keys: the analysts' age identities (wrapped under a passphrase) and offline recipients.

Each write is atomic and leaves an audit row; unlocking leaves one whether it succeeds or fails.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ConflictError, ValidationError

from .. import crypto
from ..config import intake_config
from ..models import RecipientKey


@transaction.atomic
def recipient_key_create(*, actor: Any, passphrase: str, label: str = "") -> RecipientKey:
    """A new age identity for `actor`, wrapped under `passphrase`; their older keys stop receiving."""
    if len(passphrase) < 12:
        raise ValidationError(gettext("Choose a passphrase of at least 12 characters."))
    identity, public_key = crypto.identity_generate()
    wrapped = crypto.identity_wrap(identity, passphrase, intake_config().kdf_cost)
    now = timezone.now()
    RecipientKey.objects.filter(user=actor, active=True).update(active=False, retired_at=now)
    key = RecipientKey.objects.create(
        user=actor, label=label or actor.get_username(), public_key=public_key, wrapped_identity=wrapped
    )
    audit_record(actor=actor, action="intake.key_created", subject_type="recipient_key", subject_id=key.pk)
    return key


@transaction.atomic
def recipient_key_add_offline(*, actor: Any, label: str, public_key: str) -> RecipientKey:
    """An offline recipient (its private key never touches this server)."""
    crypto.recipient_parse(public_key)
    if RecipientKey.objects.filter(public_key=public_key.strip()).exists():
        raise ConflictError(gettext("This key is already a recipient."))
    key = RecipientKey.objects.create(label=label.strip()[:150] or "offline key", public_key=public_key.strip())
    audit_record(actor=actor, action="intake.key_added_offline", subject_type="recipient_key", subject_id=key.pk)
    return key


@transaction.atomic
def recipient_key_retire(*, actor: Any, key: RecipientKey) -> RecipientKey:
    key.active = False
    key.retired_at = timezone.now()
    key.save(update_fields=["active", "retired_at"])
    audit_record(actor=actor, action="intake.key_retired", subject_type="recipient_key", subject_id=key.pk)
    return key


def identities_unlock(*, user: Any, passphrase: str) -> list:
    """Every identity of `user` that `passphrase` unwraps (old keys still open old reports).

    Success and failure each leave an audit row; failure raises WrongPassphraseError.
    """
    identities = []
    for key in RecipientKey.objects.filter(user=user).exclude(wrapped_identity=b""):
        try:
            identities.append(crypto.identity_unwrap(bytes(key.wrapped_identity), passphrase))
        except crypto.WrongPassphraseError:
            continue
    if not identities:
        audit_record(actor=user, action="intake.unlock_failed", subject_type="recipient_key")
        raise crypto.WrongPassphraseError()
    audit_record(actor=user, action="intake.unlocked", subject_type="recipient_key")
    return identities


@transaction.atomic
def identities_lock(*, user: Any) -> None:
    """Record that `user` locked their keys again (the session forgets the unwrapped identities)."""
    audit_record(actor=user, action="intake.locked", subject_type="recipient_key")
