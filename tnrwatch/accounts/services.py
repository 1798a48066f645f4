"""Writes for staff accounts: sign-in checks, second factor, user management.

Threat model, in brief: an attacker on the network may guess passwords and TOTP codes, or hold a
stolen password. Passwords are hashed with Argon2id (settings); failed passwords from unknown
browsers back off exponentially per username (FailedLogin, keyed by a hash so typos never store a
password), while a browser that completed a sign-in before holds a signed device cookie and is
counted on its own, so a stranger who knows a username cannot lock its owner out (OWASP's "device
cookie" pattern, see `password_login_check`); TOTP
codes are throttled by django-otp (exponential back-off per device) and a code is never accepted
twice. A user without a confirmed device enrols one at their next sign-in, so "reset second
factor" is an admin action that is audited. Every change of an account leaves an AuditEntry in
the same transaction; failed attempts only move the back-off counters.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from base64 import b32encode
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import quote, urlencode

from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core import signing
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from tnrwatch.audit.services import audit_record
from tnrwatch.core.errors import ApplicationError, ValidationError

from .models import FailedLogin, Role, User

# Five free attempts, then 30 s, 60 s, 120 s ... up to 15 minutes between attempts.
FREE_PASSWORD_ATTEMPTS = 5
PASSWORD_BACKOFF_BASE_SECONDS = 30
PASSWORD_BACKOFF_MAX_SECONDS = 15 * 60
MAX_PASSWORD_CHARS = 1024
# Device cookies: how long one stays valid, and how many failures it may have before it is
# trusted no more (then it waits with the unknown browsers).
DEVICE_COOKIE = "tnr_device"
DEVICE_COOKIE_MAX_AGE_SECONDS = 180 * 24 * 3600
DEVICE_FREE_ATTEMPTS = 10
_DEVICE_SALT = "tnrwatch.accounts.device-cookie"


class LoginThrottledError(ApplicationError):
    """Too many failed attempts; wait a little before trying again."""


class InvalidCredentialsError(ApplicationError):
    """The username or password is not correct."""


# --- passwords -------------------------------------------------------------------------------


def _throttle_key(username: str) -> str:
    return hashlib.sha256(username.strip().lower().encode("utf-8", "replace")).hexdigest()


def _password_wait_seconds(entry: FailedLogin | None, now: datetime) -> float:
    if entry is None or entry.count < FREE_PASSWORD_ATTEMPTS:
        return 0.0
    required = min(
        PASSWORD_BACKOFF_BASE_SECONDS * 2 ** (entry.count - FREE_PASSWORD_ATTEMPTS),
        PASSWORD_BACKOFF_MAX_SECONDS,
    )
    return max(0.0, required - (now - entry.last_failure_at).total_seconds())


def device_token_issue(*, user: User) -> str:
    """A new device cookie value for a browser that has just signed in as `user` (password and
    second factor): signed with SECRET_KEY, naming the account by its throttle hash and a random
    nonce. Nothing is stored until the cookie is used for a failed attempt."""
    return signing.dumps({"u": _throttle_key(user.username), "n": secrets.token_urlsafe(16)}, salt=_DEVICE_SALT)


def _device_key(token: str | None, username: str) -> str | None:
    """The failure-counter key of a valid, unexpired device cookie for `username`, else None."""
    if not token or len(token) > 500:
        return None
    try:
        data = signing.loads(token, salt=_DEVICE_SALT, max_age=DEVICE_COOKIE_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or not hmac.compare_digest(str(data.get("u", "")), _throttle_key(username)):
        return None
    return hashlib.sha256(b"device:" + str(data.get("n", "")).encode()).hexdigest()


def password_login_check(
    *, request: Any, username: str, password: str, device_token: str | None = None, now: datetime | None = None,
) -> User:
    """The active user with this username and password, or an error.

    OWASP's device-cookie pattern: a browser holding a valid device cookie for this username (it
    signed in before) is checked at full speed, its failures counted under its own key; after
    DEVICE_FREE_ATTEMPTS failures it is trusted no more. Every other attempt counts against the
    username's counter for unknown browsers, which backs off exponentially after
    FREE_PASSWORD_ATTEMPTS. So failures from strangers, however many, never slow the owner's known
    browser. Raises LoginThrottledError while an unknown browser must wait (even for the right
    password) and InvalidCredentialsError otherwise; neither reveals whether the username exists.
    """
    now = now or timezone.now()
    key = _device_key(device_token, username)
    if key is not None:
        device = FailedLogin.objects.filter(key=key).first()
        if device is not None and device.count >= DEVICE_FREE_ATTEMPTS:
            key = None  # a device cookie with many failures may be stolen: treat it as unknown
    trusted = key is not None
    if not trusted:
        key = _throttle_key(username)
        if _password_wait_seconds(FailedLogin.objects.filter(key=key).first(), now) > 0:
            raise LoginThrottledError()
    user = None
    if len(password) <= MAX_PASSWORD_CHARS and "\x00" not in username + password:
        user = authenticate(request, username=username, password=password)
    if user is None or not user.is_active:
        _password_failure_record(key, now)
        raise InvalidCredentialsError()
    # Success resets only the counter it was checked against: a known browser signing in does
    # not give a stranger hammering the username fresh free attempts.
    FailedLogin.objects.filter(key=key).delete()
    return user


@transaction.atomic
def _password_failure_record(key: str, now: datetime) -> None:
    entry, _created = FailedLogin.objects.select_for_update().get_or_create(
        key=key, defaults={"count": 0, "last_failure_at": now}
    )
    entry.count += 1
    entry.last_failure_at = now
    entry.save(update_fields=["count", "last_failure_at"])
    # Counters of usernames nobody has tried for a day are history: keep the table small.
    FailedLogin.objects.filter(last_failure_at__lt=now - timedelta(days=1)).delete()


def password_generate() -> str:
    """A random password that passes the validators (about 128 bits)."""
    return secrets.token_urlsafe(16)


@transaction.atomic
def user_password_set(*, actor: Any, user: User, password: str) -> User:
    """Set `user`'s password after Django's validators (length, similarity, common passwords)."""
    if len(password) > MAX_PASSWORD_CHARS:
        raise ValidationError(gettext("A password may have at most %(limit)s characters.") % {"limit": MAX_PASSWORD_CHARS})
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit_record(actor=actor, action="account.password_change", subject=user,
                 data={"by_self": getattr(actor, "pk", None) == user.pk})
    return user


@transaction.atomic
def user_password_reset(*, actor: Any, user: User) -> str:
    """Give `user` a new random password (returned once, never stored in clear)."""
    password = password_generate()
    user.set_password(password)
    user.save(update_fields=["password"])
    FailedLogin.objects.filter(key=_throttle_key(user.username)).delete()
    audit_record(actor=actor, action="account.password_reset", subject=user)
    return password


# --- second factor ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Enrolment:
    device: TOTPDevice
    secret: str  # base32, as authenticator apps expect it
    uri: str  # otpauth:// URI for the QR code


def totp_secret(device: TOTPDevice) -> str:
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def otpauth_uri(device: TOTPDevice, issuer: str = "tnrwatch") -> str:
    """The otpauth:// URI authenticator apps read from the QR code."""
    label = quote(f"{issuer}:{device.user.get_username()}")
    params = urlencode({"secret": totp_secret(device), "issuer": issuer, "algorithm": "SHA1",
                        "digits": device.digits, "period": device.step})
    return f"otpauth://totp/{label}?{params}"


def user_has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@transaction.atomic
def totp_enrolment_start(*, user: User) -> Enrolment:
    """The user's pending (unconfirmed) TOTP device, created on first call.

    Re-visiting the enrolment page shows the same secret until it is confirmed.
    """
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
        audit_record(actor=user, action="account.otp_enrolment_start", subject=user)
    return Enrolment(device=device, secret=totp_secret(device), uri=otpauth_uri(device))


def _token_ok(device: TOTPDevice, token: str) -> bool:
    # verify_token moves django-otp's back-off counter; it must not be rolled back by an error.
    with transaction.atomic():
        locked = TOTPDevice.objects.select_for_update().get(pk=device.pk)
        return bool(locked.verify_token(token))


def totp_throttled(device: TOTPDevice) -> bool:
    device.refresh_from_db()
    allowed, _info = device.verify_is_allowed()
    return not allowed


def totp_enrolment_confirm(*, user: User, token: str) -> TOTPDevice | None:
    """Confirm the pending device with a code from the app; None if the code is wrong."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    if device is None or not _token_ok(device, token):
        return None
    with transaction.atomic():
        device.refresh_from_db()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        audit_record(actor=user, action="account.otp_enrolled", subject=user,
                     data={"device": device.persistent_id})
    return device


def totp_login_check(*, user: User, token: str) -> TOTPDevice | None:
    """The confirmed device that accepts `token`, or None. Each failure backs off (django-otp)."""
    for device in TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id"):
        if _token_ok(device, token):
            with transaction.atomic():
                audit_record(actor=user, action="account.login", subject=user,
                             data={"device": device.persistent_id})
            return device
    return None


def totp_device_of(user: User) -> TOTPDevice | None:
    """The device a verification attempt goes to: the first confirmed one, else the pending one."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
        or TOTPDevice.objects.filter(user=user, confirmed=False).order_by("id").first()
    )


@transaction.atomic
def user_second_factor_reset(*, actor: Any, user: User) -> User:
    """Remove every TOTP device of `user`; they enrol a new one at their next sign-in."""
    count, _detail = TOTPDevice.objects.filter(user=user).delete()
    audit_record(actor=actor, action="account.otp_reset", subject=user, data={"devices_removed": count})
    return user


# --- user management -------------------------------------------------------------------------


def _check_role(role: str) -> None:
    if role not in Role.values:
        raise ValidationError(gettext("Unknown role %(role)r; expected one of: %(names)s") % {"role": role, "names": ', '.join(Role.values)})


@transaction.atomic
def user_create(*, actor: Any, username: str, role: str, email: str = "") -> tuple[User, str]:
    """Create a staff account with a random first password (returned once).

    The new user enrols a second factor at first sign-in.
    """
    _check_role(role)
    username = (username or "").strip()
    if not username:
        raise ValidationError(gettext("A username is required."))
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError(gettext("A user with that username already exists."))
    password = password_generate()
    user = User(username=username, role=role, email=email or "")
    try:
        user.full_clean(exclude=["password"])
    except DjangoValidationError as exc:
        raise ValidationError(" ".join(exc.messages)) from exc
    user.set_password(password)
    user.save()
    audit_record(actor=actor, action="account.create", subject=user, data={"username": username, "role": role})
    return user, password


@transaction.atomic
def user_set_role(*, actor: Any, user: User, role: str) -> User:
    _check_role(role)
    if user.pk == getattr(actor, "pk", None) and role != Role.ADMIN:
        raise ValidationError(gettext("You cannot remove your own admin role."))
    old = user.role
    user.role = role
    user.save(update_fields=["role"])
    audit_record(actor=actor, action="account.role", subject=user, data={"from": old, "to": role})
    return user


@transaction.atomic
def user_set_active(*, actor: Any, user: User, active: bool) -> User:
    """Deactivate (or reactivate) an account. A deactivated user's sessions stop working at once,
    because authentication checks `is_active` on every request."""
    if user.pk == getattr(actor, "pk", None) and not active:
        raise ValidationError(gettext("You cannot deactivate your own account."))
    user.is_active = bool(active)
    user.save(update_fields=["is_active"])
    audit_record(actor=actor, action="account.activate" if active else "account.deactivate", subject=user)
    return user


@dataclass(frozen=True)
class DemoLogin:
    user: User
    password: str
    secret: str
    uri: str


@transaction.atomic
def demo_analyst_ensure(*, username: str = "demo-analyst") -> DemoLogin:
    """Create (or refresh) the demo analyst: a new random password each run, and one confirmed
    TOTP device that is kept between runs so an authenticator app set up once keeps working."""
    user = User.objects.filter(username=username).first()
    if user is None:
        user = User(username=username, role=Role.ANALYST)
        user.set_unusable_password()
        user.save()
        audit_record(actor=None, actor_label="demo_analyst", action="account.create", subject=user,
                     data={"username": username, "role": Role.ANALYST})
    elif user.role != Role.ANALYST or not user.is_active:
        user.role, user.is_active = Role.ANALYST, True
        user.save(update_fields=["role", "is_active"])
    password = password_generate()
    user.set_password(password)
    user.save(update_fields=["password"])
    FailedLogin.objects.filter(key=_throttle_key(username)).delete()
    device = TOTPDevice.objects.filter(user=user, confirmed=True).order_by("id").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="demo", confirmed=True)
    audit_record(actor=None, actor_label="demo_analyst", action="account.password_reset", subject=user)
    return DemoLogin(user=user, password=password, secret=totp_secret(device), uri=otpauth_uri(device))



@transaction.atomic
def admin_create(*, username: str, actor_label: str = "create_admin") -> DemoLogin:
    """A new admin with a random password and a confirmed TOTP device, for a fresh instance.

    The password and the TOTP secret are returned once, to be shown once; nothing keeps them but
    the password hash and the device. Refuses an existing username (no silent takeover)."""
    username = (username or "").strip()
    if not username:
        raise ValidationError(gettext("A username is needed."))
    if User.objects.filter(username=username).exists():
        raise ValidationError(gettext("An account named %(username)r exists; choose another name.") % {"username": username})
    password = password_generate()
    user = User(username=username, role=Role.ADMIN)
    user.set_password(password)
    user.save()
    device = TOTPDevice.objects.create(user=user, name="default", confirmed=True)
    audit_record(actor=None, actor_label=actor_label, action="account.create", subject=user,
                 data={"username": username, "role": Role.ADMIN})
    return DemoLogin(user=user, password=password, secret=totp_secret(device), uri=otpauth_uri(device))
