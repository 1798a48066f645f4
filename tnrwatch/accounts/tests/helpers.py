"""Test helpers: real TOTP codes computed from a device's key, as an authenticator app would."""

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
