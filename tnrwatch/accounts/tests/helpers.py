"""Test helpers: real TOTP codes computed from a device's key, as an authenticator app would; a
signed-in analyst with an unlocked inbox key."""

from __future__ import annotations

import time

from django_otp.oath import TOTP


def totp_code(device, *, steps_ahead: int = 0) -> str:
    """The code an authenticator shows for `device` now (or `steps_ahead` time steps later)."""
    device.refresh_from_db()
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + steps_ahead * device.step
    return f"{totp.token():0{device.digits}d}"


def wrong_code(device) -> str:
    """A well-formed code that is none of the codes the device accepts right now."""
    accepted = {totp_code(device, steps_ahead=s) for s in (-1, 0, 1)}
    for candidate in ("000000", "111111", "222222", "333333"):
        if candidate not in accepted:
            return candidate
    raise AssertionError("unreachable")


def unlocked_analyst_session(make_staff, username: str = "unlocked-analyst") -> dict[str, str]:  # noqa: ANN001 - the fixture
    """A signed-in analyst (second factor verified) with an inbox key created and unlocked: the
    session cookie and the inbox's unlock cookie (path /inbox/), name -> value, for a test client
    or a browser."""
    from django.test import Client
    from django.urls import reverse
    from django_otp import DEVICE_ID_SESSION_KEY

    from tnrwatch.intake import services as intake_services
    from tnrwatch.intake.tests.conftest import PASSPHRASE

    user = make_staff("analyst", username)
    intake_services.recipient_key_create(actor=user, passphrase=PASSPHRASE)
    client = Client()
    client.force_login(user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = user.totpdevice_set.get().persistent_id
    session.save()
    client.post(reverse("inbox:unlock"), {"passphrase": PASSPHRASE})
    return {name: client.cookies[name].value for name in ("sessionid", "tnr_inbox_key")}
