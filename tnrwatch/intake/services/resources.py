"""Protection resources: the help contacts shown to reporters, per country. Each write leaves an audit row."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils.translation import gettext

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ValidationError

from ..models import ProtectionResource


@transaction.atomic
def resource_save(*, actor: Any, resource: ProtectionResource | None = None, **fields: Any) -> ProtectionResource:
    resource = resource or ProtectionResource()
    for name, value in fields.items():
        setattr(resource, name, value)
    try:
        resource.full_clean()
    except Exception as exc:  # Django's ValidationError -> ours, with a readable message
        raise ValidationError(gettext("Check the fields of this resource.")) from exc
    created = resource.pk is None
    resource.save()
    audit_record(
        actor=actor, action="intake.resource_created" if created else "intake.resource_updated",
        subject_type="protection_resource", subject_id=resource.pk,
    )
    return resource


@transaction.atomic
def resource_delete(*, actor: Any, resource: ProtectionResource) -> None:
    pk = resource.pk
    resource.delete()
    audit_record(actor=actor, action="intake.resource_deleted", subject_type="protection_resource", subject_id=pk)
