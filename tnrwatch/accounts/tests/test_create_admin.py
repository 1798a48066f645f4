"""`tnrwatch create-admin`: the first admin signs in with the printed password and TOTP code."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.oath import totp

from tnrwatch.accounts.models import Role, User
from tnrwatch.audit.models import AuditEntry

pytestmark = pytest.mark.django_db


def test_create_admin_prints_credentials_once_and_they_sign_in(client):
    out = StringIO()
    call_command("create_admin", "first-admin", "--no-qr", stdout=out)
    text = out.getvalue()
    password = re.search(r"password:\s+(\S+)", text).group(1)
    secret = re.search(r"TOTP secret:\s+(\S+)", text).group(1)
    assert "otpauth://totp/" in text
    user = User.objects.get(username="first-admin")
    assert user.role == Role.ADMIN and user.check_password(password)
    assert password not in user.password and secret not in user.password
    assert AuditEntry.objects.filter(action="account.create", subject_id=str(user.pk)).exists()
    # The printed password and a code from the printed secret open the admin pages
    device = user.totpdevice_set.get()
    assert device.confirmed
    response = client.post("/accounts/login/", {"username": "first-admin", "password": password})
    assert response.status_code == 302
    code = f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"
    response = client.post("/accounts/otp/", {"token": code})
    assert response.status_code == 302
    assert client.get("/accounts/users/").status_code == 200


def test_create_admin_refuses_an_existing_name(make_staff):
    make_staff("analyst", username="taken")
    with pytest.raises(CommandError, match="exists"):
        call_command("create_admin", "taken", "--no-qr", stdout=StringIO())
    assert User.objects.get(username="taken").role == Role.ANALYST
