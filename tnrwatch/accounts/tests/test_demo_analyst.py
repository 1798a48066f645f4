"""The demo analyst command: idempotent, prints a usable sign-in, refuses production."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from tnrwatch.accounts.models import User
from tnrwatch.accounts.services import totp_secret

from .helpers import totp_code


def _run(**kwargs) -> str:
    out = StringIO()
    call_command("demo_analyst", "--no-qr", stdout=out, **kwargs)
    return out.getvalue()


def _field(output: str, name: str) -> str:
    return re.search(rf"^\s+{name}:\s+(\S+)", output, re.MULTILINE).group(1)


@pytest.mark.django_db
def test_demo_analyst_can_sign_in_with_what_is_printed(client):
    # Given the command's output
    output = _run()
    username, password, secret = _field(output, "username"), _field(output, "password"), _field(output, "TOTP secret")
    assert "/accounts/login/" in _field(output, "login URL")
    assert _field(output, "otpauth URI").startswith("otpauth://totp/")
    user = User.objects.get(username=username)
    device = TOTPDevice.objects.get(user=user)
    assert user.role == "analyst" and device.confirmed and totp_secret(device) == secret
    # When someone signs in with the printed password and a code from the printed secret
    assert client.post("/accounts/login/", {"username": username, "password": password}).status_code == 302
    assert client.post("/accounts/otp/", {"token": totp_code(device)}).status_code == 302
    # Then they reach the workspace
    assert client.get("/workspace/").status_code == 200


@pytest.mark.django_db
def test_demo_analyst_is_idempotent_and_keeps_the_device(client):
    first = _run()
    second = _run()
    assert User.objects.filter(username="demo-analyst").count() == 1
    assert TOTPDevice.objects.filter(user__username="demo-analyst").count() == 1
    assert _field(first, "TOTP secret") == _field(second, "TOTP secret")
    # A new password each run; the old one stops working
    assert _field(first, "password") != _field(second, "password")
    user = User.objects.get(username="demo-analyst")
    assert user.check_password(_field(second, "password")) and not user.check_password(_field(first, "password"))


@pytest.mark.django_db
def test_demo_analyst_refuses_production(settings):
    settings.TNR_ENV = "production"
    with pytest.raises(CommandError, match="production"):
        _run()
    assert not User.objects.filter(username="demo-analyst").exists()


@pytest.mark.django_db
def test_demo_analyst_draws_a_terminal_qr_code():
    out = StringIO()
    call_command("demo_analyst", stdout=out)
    assert "█" in out.getvalue() or "▀" in out.getvalue()
