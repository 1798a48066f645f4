"""Audit rows name their subject by its model even when it is request.user (a lazy object)."""

from __future__ import annotations

import pytest
from django.utils.functional import SimpleLazyObject

from tnrwatch.audit.models import AuditEntry
from tnrwatch.audit.services import audit_record

pytestmark = pytest.mark.django_db


def test_a_lazy_user_is_recorded_as_a_user(make_staff):
    user = make_staff("analyst", "lazy")
    entry = audit_record(actor=user, action="account.login", subject=SimpleLazyObject(lambda: user))
    entry = AuditEntry.objects.get(pk=entry.pk)
    assert (entry.subject_type, entry.subject_id) == ("user", str(user.pk))
