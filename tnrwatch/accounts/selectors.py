"""Reads for staff accounts."""

from __future__ import annotations

from django.db.models import Exists, OuterRef, QuerySet
from django_otp.plugins.otp_totp.models import TOTPDevice

from .models import User


def user_list() -> QuerySet[User]:
    """Every staff account, with `has_device` (a confirmed second factor)."""
    confirmed = TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)
    return User.objects.annotate(has_device=Exists(confirmed)).order_by("username")
